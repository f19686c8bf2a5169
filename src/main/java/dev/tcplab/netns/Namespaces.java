package dev.tcplab.netns;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import dev.tcplab.host.EnvironmentProblem;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Runs Java code inside a named network namespace: a dedicated thread calls setns(2) on
 * /var/run/netns/NAME and then runs the task. setns changes only the calling thread, so the rest
 * of the JVM stays where it was; sockets and capture handles opened on that thread live in the
 * namespace for good (FIELD-NOTES: checked), and threads it starts inherit it.
 */
public final class Namespaces {
    private static final int O_RDONLY = 0;
    private static final int CLONE_NEWNET = 0x40000000;

    interface LibC extends Library {
        int open(String path, int flags) throws LastErrorException;

        int setns(int fd, int nstype) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private static volatile LibC libc;

    private Namespaces() {
    }

    private static LibC libc() {
        if (libc == null) {
            libc = Native.load("c", LibC.class);
        }
        return libc;
    }

    /** Moves the calling thread into the namespace. Only for threads made for that purpose. */
    public static void enter(String ns) {
        String path = "/var/run/netns/" + ns;
        int fd;
        try {
            fd = libc().open(path, O_RDONLY);
        } catch (LastErrorException e) {
            throw new EnvironmentProblem("network namespace '" + ns + "' is missing (" + path + "): was it removed?", e);
        }
        try {
            libc().setns(fd, CLONE_NEWNET);
        } catch (LastErrorException e) {
            throw new EnvironmentProblem("setns into '" + ns + "' refused (errno " + e.getErrorCode()
                    + "): run as root or with CAP_SYS_ADMIN.", e);
        } finally {
            libc().close(fd);
        }
    }

    /** Runs the task on a new thread inside the namespace and waits for its result. */
    public static <T> T call(String ns, Callable<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                enter(ns);
                result.complete(task.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "netns-" + ns);
        t.setDaemon(true);
        t.start();
        try {
            return result.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while working in namespace " + ns, e);
        }
    }

    /** Starts a long-running task on a daemon thread inside the namespace (null: this one). */
    public static Thread start(String ns, String threadName, Runnable task) {
        Thread t = new Thread(() -> {
            if (ns != null) {
                enter(ns);
            }
            task.run();
        }, threadName);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
