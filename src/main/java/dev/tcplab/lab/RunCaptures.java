package dev.tcplab.lab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Where a run keeps its capture when none is named: runs/STEM-DATE-TIME.pcap. A second run in the same
 * second (a refused connection takes less, and the user runs it again) gets -2, -3, … rather than
 * overwriting the first one's capture.
 */
public final class RunCaptures {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    /** Runs in one second that keep their own names; a bound, so that the loop ends. */
    private static final int MAX_IN_ONE_SECOND = 1000;

    private RunCaptures() {
    }

    public static Path fresh(String stem) {
        return freshIn(Path.of("runs"), stem, LocalDateTime.now());
    }

    /**
     * The capture can be written where it is to go (see {@link WritablePlace}).
     *
     * @param chosen named with --capture (else the default under runs/, relative to the current folder)
     */
    public static Path writable(Path capture, boolean chosen) {
        return WritablePlace.check(capture, "the capture", chosen ? "choose another place with --capture FILE"
                : "run from a folder you can write, or choose a place with --capture FILE");
    }

    static Path freshIn(Path dir, String stem, LocalDateTime now) {
        String base = stem + "-" + now.format(STAMP);
        Path p = dir.resolve(base + ".pcap");
        for (int n = 2; Files.exists(p) && n <= MAX_IN_ONE_SECOND; n++) {
            p = dir.resolve(base + "-" + n + ".pcap");
        }
        return p;
    }
}
