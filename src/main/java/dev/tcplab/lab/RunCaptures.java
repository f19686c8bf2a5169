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
     * Checks before anything is built that the capture can be written where it is to go: its folder is made
     * (as the run would make it) and the file opened for writing, then left as it was. A run used to build
     * its lab network first and die with "unexpected error: UncheckedIOException".
     *
     * @param chosen named with --capture (else the default under runs/, relative to the current folder)
     * @throws IllegalArgumentException saying why and what to do instead
     */
    public static Path writable(Path capture, boolean chosen) {
        boolean existed = Files.exists(capture);
        try {
            Path parent = capture.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.newOutputStream(capture, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE)
                    .close(); // no TRUNCATE: a capture already there stays whole until the run writes its own
            if (!existed) {
                Files.delete(capture);
            }
        } catch (java.io.IOException | SecurityException e) {
            String why = e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                    : e instanceof java.nio.file.NoSuchFileException ? "a file cannot be made there"
                    : e instanceof java.nio.file.FileSystemException f && f.getReason() != null ? f.getReason()
                    : e.getMessage();
            throw new IllegalArgumentException("cannot write the capture " + capture + " (" + why + "): " + (chosen
                    ? "choose another place with --capture FILE" : "run from a folder you can write, or choose a place with "
                    + "--capture FILE"), e);
        }
        return capture;
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
