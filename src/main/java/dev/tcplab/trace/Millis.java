package dev.tcplab.trace;

/**
 * A time in nanoseconds as milliseconds with three decimals, the ladders' time column: what
 * {@code String.format("%.3f", nanos / 1e6)} writes under the root locale, without parsing a format for
 * every segment (a capture's ladder spent more time in {@link java.util.Formatter} than in its analysis).
 */
public final class Millis {
    /** Below this (27 hours) the quotient as a double holds the microseconds exactly enough to round alike. */
    private static final long EXACT_BELOW = 100_000_000_000_000L;

    private Millis() {
    }

    public static String threeDecimals(long nanos) {
        // A half microsecond exactly, a negative time or a very long capture: the formatter's own rounding
        // of the double decides, as it always did.
        if (nanos < 0 || nanos >= EXACT_BELOW || nanos % 1000 == 500) {
            return String.format(java.util.Locale.ROOT, "%.3f", nanos / 1e6);
        }
        long micros = (nanos + 500) / 1000; // rounded half up, as the formatter rounds; no tie is left here
        long fraction = micros % 1000;
        StringBuilder b = new StringBuilder(16).append(micros / 1000).append('.');
        if (fraction < 100) {
            b.append(fraction < 10 ? "00" : "0");
        }
        return b.append(fraction).toString();
    }
}
