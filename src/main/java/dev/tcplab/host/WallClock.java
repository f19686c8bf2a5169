package dev.tcplab.host;

import java.time.Instant;

/** Epoch nanoseconds for stamping frames we send, on the same clock the kernel stamps captures with. */
public final class WallClock {
    private WallClock() {
    }

    public static long epochNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
