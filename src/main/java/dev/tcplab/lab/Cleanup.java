package dev.tcplab.lab;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Undo actions run in reverse order exactly once: on the normal path, on an exception, and from a
 * JVM shutdown hook on Ctrl-C or SIGTERM, so that no namespace, interface or firewall rule is left.
 */
public final class Cleanup implements AutoCloseable {
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final Deque<Runnable> stoppers = new ArrayDeque<>();
    private final Thread hook = new Thread(this::runAll, "tcplab-cleanup");
    private boolean hookInstalled;

    /** Closed in reverse order of adding. */
    public synchronized void add(AutoCloseable resource) {
        resources.push(resource);
        if (!hookInstalled) {
            Runtime.getRuntime().addShutdownHook(hook);
            hookInstalled = true;
        }
    }

    /** Run before any resource is closed, to stop a live loop that still uses them. */
    public synchronized void addStopper(Runnable stopper) {
        stoppers.push(stopper);
    }

    private synchronized void runAll() {
        while (!stoppers.isEmpty()) {
            stoppers.pop().run();
        }
        while (!resources.isEmpty()) {
            AutoCloseable r = resources.pop();
            try {
                r.close();
            } catch (Exception e) {
                System.err.println("tcplab: cleanup step failed: " + e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        runAll();
        synchronized (this) {
            if (hookInstalled) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException alreadyShuttingDown) {
                    // we are inside the shutdown: the hook has run or is running
                }
                hookInstalled = false;
            }
        }
    }
}
