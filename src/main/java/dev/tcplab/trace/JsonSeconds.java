package dev.tcplab.trace;

import java.math.BigDecimal;

/**
 * A time in nanoseconds as the exact decimal number of seconds for JSON output. A double divided by
 * 1e9 is written by Jackson as "9.33E-4" below a millisecond and "1.7954909596121943E9" for epoch
 * times, where it has also lost the last digits. Written with {@code WRITE_BIGDECIMAL_AS_PLAIN}, these
 * give "0.000933" and "1795490959.6121943" (exact); whole seconds keep one decimal ("2.0"), as before.
 */
public final class JsonSeconds {
    private JsonSeconds() {
    }

    public static BigDecimal of(long nanos) {
        return decimal(nanos, 9);
    }

    /** The same in milliseconds. */
    public static BigDecimal millis(long nanos) {
        return decimal(nanos, 6);
    }

    private static BigDecimal decimal(long nanos, int scale) {
        BigDecimal d = BigDecimal.valueOf(nanos, scale).stripTrailingZeros();
        return d.scale() < 1 ? d.setScale(1) : d;
    }
}
