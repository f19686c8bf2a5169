package dev.tcplab.analysis;

/**
 * How fast one side's application read, as the wire shows it, when it read slowly. While the window it
 * offers keeps shutting, the right edge of that window (ACK + window) moves only as its application reads:
 * the bytes the edge moved from its first zero window to its last, over that time, are its reading pace.
 * Said only for a window that shut three times or more (opening in between): one that shut once or twice
 * belongs to an application that read late, then at once, and an average over the wait would mislead.
 */
public final class ReadingPace {
    /** Fewer shuttings are a late reader's (or a busy moment's), not a slow one's. */
    static final int SHUTTINGS = 3;
    /** Shorter stretches say too little: one window opening would count for a whole second. */
    private static final long SHORTEST_NANOS = 100_000_000L;

    private int shuttings;
    private boolean shut;
    private long firstNanos;
    private long lastNanos;
    /** The last zero window's ACK, and how far the ACKs of zero windows moved since the first (modulo 2^32). */
    private long lastAck;
    private long moved;

    /**
     * A segment of the reader's that acknowledges.
     *
     * @param ack        relative to the other side's ISN, or absolute: only differences count
     * @param window     in bytes (scaled)
     * @param zeroWindow Wireshark's zero window: 0 offered, and the segment not a SYN, FIN or RST
     */
    void saw(long ack, long window, boolean zeroWindow, long nanos) {
        if (zeroWindow) {
            if (shuttings == 0) {
                firstNanos = nanos;
                lastAck = ack;
            }
            // Sequence space wraps after 4 GiB; an ACK from before (reordered) does not move it back.
            int forward = (int) (ack - lastAck);
            if (forward > 0) {
                moved += forward;
                lastAck = ack;
            }
            if (!shut) {
                shuttings++;
                shut = true;
            }
            lastNanos = nanos;
        } else if (window > 0) {
            shut = false;
        }
    }

    /** Bytes a second, or 0 when the window shut fewer than {@value #SHUTTINGS} times or over too short a time. */
    long bytesPerSecond() {
        long nanos = lastNanos - firstNanos;
        return shuttings >= SHUTTINGS && moved > 0 && nanos >= SHORTEST_NANOS ? Math.round(moved * 1e9 / nanos) : 0;
    }

    /** A measured rate rounded as people say one: 10,073 bytes/s as 10,000, 1,234 as 1,200. */
    public static long twoFigures(long n) {
        if (n < 100) {
            return n;
        }
        long unit = (long) Math.pow(10, (long) Math.log10(n) - 1);
        return Math.round((double) n / unit) * unit;
    }

    /** The same, written out: "10 KB/s", "1.2 KB/s", "2.5 MB/s", "640 B/s". */
    public static String text(long bytesPerSecond) {
        long n = twoFigures(bytesPerSecond);
        if (n >= 1_000_000) {
            return java.math.BigDecimal.valueOf(n, 6).stripTrailingZeros().toPlainString() + " MB/s";
        }
        if (n >= 1_000) {
            return java.math.BigDecimal.valueOf(n, 3).stripTrailingZeros().toPlainString() + " KB/s";
        }
        return n + " B/s";
    }
}
