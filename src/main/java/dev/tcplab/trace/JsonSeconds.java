package dev.tcplab.trace;

/**
 * A time in nanoseconds as the exact decimal number of seconds, the text of a JSON number. A double
 * divided by 1e9 is written by Jackson as "9.33E-4" below a millisecond and "1.7954909596121943E9" for
 * epoch times, where it has also lost the last digits. These give "0.000933" and "1795490959.612194301";
 * trailing zeros go, and whole seconds keep one decimal ("2.0"), as a double printed them.
 *
 * <p>Made as text, not as a {@code BigDecimal}: on JDK 25 BigDecimal's class initialisation alone takes
 * 25-40 ms here (it squares its way up to 5^65536), which every {@code analyze --format json} paid at its
 * first connection object. (Jackson's parser initialises it too, so reading a faults file still costs
 * that.) Writers hand the text to Jackson as a number: {@code writeNumber(String)}, or a {@code RawValue}
 * in a tree.
 */
public final class JsonSeconds {
    private static final long[] POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000,
        100_000_000, 1_000_000_000};

    private JsonSeconds() {
    }

    public static String of(long nanos) {
        return decimal(nanos, 9);
    }

    /** The same in milliseconds. */
    public static String millis(long nanos) {
        return decimal(nanos, 6);
    }

    private static String decimal(long value, int scale) {
        long unit = POWERS_OF_TEN[scale];
        // Quotient and remainder first, then their magnitudes: neither can overflow, even for Long.MIN_VALUE.
        long whole = Math.abs(value / unit);
        long fraction = Math.abs(value % unit);
        StringBuilder b = new StringBuilder(32);
        if (value < 0) {
            b.append('-');
        }
        b.append(whole).append('.');
        if (fraction == 0) {
            return b.append('0').toString();
        }
        String digits = Long.toString(fraction);
        for (int i = digits.length(); i < scale; i++) {
            b.append('0');
        }
        int end = digits.length();
        while (digits.charAt(end - 1) == '0') {
            end--;
        }
        return b.append(digits, 0, end).toString();
    }
}
