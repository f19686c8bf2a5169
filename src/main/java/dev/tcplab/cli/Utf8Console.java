package dev.tcplab.cli;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * tcplab writes its text in UTF-8, whatever the locale: the ladder's arrows, "…", and the Chinese of
 * {@code --lang zh}. Where no locale is set (a Docker container such as tcplab's own image, {@code env -i},
 * cron) the JVM takes the C locale's charset, ASCII, and every such character came out as "?": on JDK 17
 * all of them, on JDK 18 and later those written through System.out and System.err. JSON must be UTF-8
 * anyway (RFC 8259), `analyze` already wrote UTF-8, and picocli writes it on JDK 18 and later.
 */
final class Utf8Console {
    private Utf8Console() {
    }

    /** Before any output: System.out and System.err, and picocli's writers over them, encode UTF-8. */
    static void install() {
        // picocli encodes getOut() and getErr() with these when set, else with the JVM's default charset.
        System.setProperty("sun.stdout.encoding", "UTF-8");
        System.setProperty("sun.stderr.encoding", "UTF-8");
        System.setOut(printStream(FileDescriptor.out));
        System.setErr(printStream(FileDescriptor.err));
    }

    /** As the JDK makes System.out and System.err: a small buffer, flushed at every line. */
    private static PrintStream printStream(FileDescriptor fd) {
        return new PrintStream(new BufferedOutputStream(new FileOutputStream(fd), 128), true, StandardCharsets.UTF_8);
    }
}
