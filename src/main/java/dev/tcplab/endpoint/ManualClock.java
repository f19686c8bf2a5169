package dev.tcplab.endpoint;

import java.time.Duration;

/** A clock that moves only when told: simulated time for tests of timers. */
public final class ManualClock implements Clock {
    private long now;

    @Override
    public long nanos() {
        return now;
    }

    public void advance(Duration d) {
        now += d.toNanos();
    }

    public void set(long nanos) {
        now = nanos;
    }
}
