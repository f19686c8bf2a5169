package dev.tcplab.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The table's rows and durations, made without the formatter for speed, against what the formatter makes. */
class SummaryTableTest {
    private static final List<String> CLOSES = List.of("four-way", "three-segment", "reset by client", "released",
            "a close longer than its column");

    @Test
    void aRowIsLaidOutAsItsFormatLaysItOut() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 20_000; i++) {
            int w = 21 + random.nextInt(4) * 10; // IPv6 endpoints widen the endpoint columns
            String[] cells = {
                Integer.toString(random.nextInt(1, 1 << random.nextInt(1, 24))),
                "10.0." + random.nextInt(256) + "." + random.nextInt(256) + ":" + random.nextInt(65536),
                random.nextInt(5) == 0 ? "[fd00::" + Long.toHexString(random.nextLong()) + "]:80" : "10.0.0.2:80",
                Long.toString(random.nextLong(1L << random.nextInt(1, 40))),
                Long.toString(random.nextLong(1L << random.nextInt(1, 50))),
                SummaryTable.seconds(random.nextLong(1L << random.nextInt(1, 60))) + "s",
                random.nextInt(4) == 0 ? "-" : SummaryTable.seconds(random.nextLong(1L << 40)) + "ms",
                CLOSES.get(random.nextInt(CLOSES.size())),
                random.nextBoolean() ? "-" : "client",
                switch (random.nextInt(4)) {
                    case 0 -> "";
                    case 1 -> " ";
                    case 2 -> "retransmission×12 rst";
                    default -> "time_wait ";
                }};
            String expected = String.format(SummaryTable.rowFormat(w), (Object[]) cells).stripTrailing();
            assertEquals(expected, SummaryTable.layRow(new StringBuilder(), w, cells[0], cells[1], cells[2], cells[3],
                    cells[4], cells[5], cells[6], cells[7], cells[8], cells[9]).toString());
        }
    }

    @Test
    void aDurationIsWrittenAsTheFormatterWritesItsSeconds() {
        SplittableRandom random = new SplittableRandom(11);
        for (long nanos : new long[] {0, 1, 499_999, 500_000, 500_001, 999_999_999, 1_000_500_000, 1_000_499_999,
                1_000_500_001, 2_000_500_400, -1, -500_000, -1_000_500_000, -1_000_499_700, 86_400_000_000_000L}) {
            assertEquals(String.format(Locale.ROOT, "%.3f", nanos / 1e9), SummaryTable.seconds(nanos), "ns " + nanos);
        }
        for (int i = 0; i < 200_000; i++) {
            long nanos = random.nextLong(1L << random.nextInt(1, 50));
            if (i % 2 == 0) {
                nanos = nanos / 1_000_000 * 1_000_000 + 500_000 + random.nextInt(-3, 4) * (i % 4 == 0 ? 1 : 1000);
            }
            if (i % 10 == 0) {
                nanos = -nanos;
            }
            assertEquals(String.format(Locale.ROOT, "%.3f", nanos / 1e9), SummaryTable.seconds(nanos), "ns " + nanos);
        }
    }
}
