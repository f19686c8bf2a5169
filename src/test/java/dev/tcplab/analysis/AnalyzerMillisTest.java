package dev.tcplab.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AnalyzerMillisTest {

    @Test
    void printsWhatPercentThreeFPrintsInAnEnglishLocale() {
        long[] edges = {0, 1, 499, 500, 999, 1_000, 1_499, 1_500, 9_500, 99_500, 999_499, 999_500, 1_234_500,
                12_345_678_901L, 120_000_000_000L};
        for (long n : edges) {
            assertEquals(String.format(Locale.ROOT, "%.3f", n / 1e6), Analyzer.millis(n), "nanos " + n);
        }
        Random r = new Random(7);
        for (int i = 0; i < 100_000; i++) {
            long n = r.nextInt(4) == 0 ? r.nextInt(2_000_000) : (r.nextLong() >>> 20); // µs-scale and hour-scale RTTs
            assertEquals(String.format(Locale.ROOT, "%.3f", n / 1e6), Analyzer.millis(n), "nanos " + n);
        }
    }

    @Test
    void usesADecimalPointWhateverTheLocale() {
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.GERMANY);
            assertEquals("1.235", Analyzer.millis(1_234_500));
        } finally {
            Locale.setDefault(before);
        }
    }
}
