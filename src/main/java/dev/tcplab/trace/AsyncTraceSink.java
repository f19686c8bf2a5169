package dev.tcplab.trace;

import dev.tcplab.host.BackgroundDrain;

/**
 * Hands events to another sink on a thread of its own, so that a slow terminal never delays the
 * endpoint's reaction to the next segment. {@link #finish()} waits until everything is written.
 */
public final class AsyncTraceSink implements TraceSink {
    private static final long DRAIN_LIMIT_MILLIS = 10_000;

    private final BackgroundDrain<TraceEvent> drain;
    private boolean finished;

    public AsyncTraceSink(TraceSink inner) {
        drain = new BackgroundDrain<>("trace-writer", inner::accept, () -> { }, inner::finish);
    }

    @Override
    public void accept(TraceEvent event) {
        drain.add(event);
    }

    @Override
    public synchronized void finish() {
        if (!finished) {
            finished = true;
            drain.close(DRAIN_LIMIT_MILLIS);
        }
    }
}
