package dev.tcplab.trace;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Hands events to another sink on a thread of its own, so that a slow terminal never delays the
 * endpoint's reaction to the next segment. {@link #finish()} waits until everything is written.
 */
public final class AsyncTraceSink implements TraceSink {
    private static final TraceEvent END = new TraceEvent.Note(-1, "end");
    private static final long DRAIN_LIMIT_SECONDS = 10;

    private final BlockingQueue<TraceEvent> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean finished;

    public AsyncTraceSink(TraceSink inner) {
        writer = new Thread(() -> {
            try {
                for (TraceEvent e = queue.take(); e != END; e = queue.take()) {
                    inner.accept(e);
                }
                inner.finish();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "trace-writer");
        writer.setDaemon(true);
        writer.start();
    }

    @Override
    public void accept(TraceEvent event) {
        queue.add(event);
    }

    @Override
    public synchronized void finish() {
        if (finished) {
            return;
        }
        finished = true;
        queue.add(END);
        try {
            writer.join(TimeUnit.SECONDS.toMillis(DRAIN_LIMIT_SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
