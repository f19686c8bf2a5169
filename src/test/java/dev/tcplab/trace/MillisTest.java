package dev.tcplab.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The ladders' time column, against the formatter it replaced. */
class MillisTest {
    private static String formatted(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
    }

    @Test
    void writesWhatTheFormatterWrote() {
        long[] edges = {0, 1, 499, 500, 501, 999, 1_000, 1_499, 1_500, 1_501, 999_499, 999_500, 999_999,
            1_000_000, 12_578_500, 13_425_098, 86_399_999_999_500L, 99_999_999_999_499L, 99_999_999_999_999L,
            100_000_000_000_000L, 1_795_490_959_612_194_301L, Long.MAX_VALUE, -1, -500, -1_500, -13_425_098};
        for (long nanos : edges) {
            assertEquals(formatted(nanos), Millis.threeDecimals(nanos), nanos + " ns");
        }
        SplittableRandom random = new SplittableRandom(20261205);
        for (int i = 0; i < 200_000; i++) {
            // Capture times up to a day, with microsecond and nanosecond resolution, half of them on a tie.
            long micros = random.nextLong(86_400_000_000L);
            long nanos = switch (i % 3) {
                case 0 -> micros * 1000;
                case 1 -> micros * 1000 + 500;
                default -> micros * 1000 + random.nextInt(1000);
            };
            assertEquals(formatted(nanos), Millis.threeDecimals(nanos), nanos + " ns");
        }
    }

    @Test
    void roundsHalfUpAndKeepsThreeDigits() {
        assertEquals("0.000", Millis.threeDecimals(499));
        assertEquals("0.001", Millis.threeDecimals(500));
        assertEquals("0.010", Millis.threeDecimals(9_501));
        assertEquals("12.579", Millis.threeDecimals(12_578_500));
        assertEquals("1000.000", Millis.threeDecimals(999_999_999));
    }
}
