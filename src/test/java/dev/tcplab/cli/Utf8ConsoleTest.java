package dev.tcplab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Under the C locale (no locale set: Docker images, {@code env -i}, cron) tcplab's text is still UTF-8.
 * Before Utf8Console, a container showed `lab handshake --lang zh` as lines of "?".
 */
class Utf8ConsoleTest {
    /** What a fresh JVM wrote on stdout and stderr, run in the C locale with these class and arguments. */
    private record Output(String out, String err) {
    }

    private static Output runInTheCLocale(String mainClass, String... args) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java));
        if (Runtime.version().feature() >= 18) {
            // JDK 18 made UTF-8 the default charset (JEP 400); COMPAT gives back JDK 17's, the locale's.
            cmd.add("-Dfile.encoding=COMPAT");
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.equals("LANG") || k.equals("LANGUAGE") || k.startsWith("LC_"));
        pb.environment().put("LC_ALL", "C");
        Process p = pb.start();
        p.getOutputStream().close();
        // A few lines each, far below a pipe's capacity: read one after the other.
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child JVM ended");
        assertEquals(0, p.exitValue(), new String(err, StandardCharsets.UTF_8));
        return new Output(new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    @Test
    void theWitnessJvmReallyHasAnAsciiLocale() throws Exception {
        Output o = runInTheCLocale(Probe.class.getName(), "charset");
        assertEquals("US-ASCII", o.out().strip(), "the child's default charset, which JDK 17 encoded its output with");
    }

    @Test
    void systemOutAndSystemErrWriteUtf8() throws Exception {
        Output o = runInTheCLocale(Probe.class.getName(), "print");
        assertEquals("──▶ 三次握手\n", o.out());
        assertEquals("… 四次挥手\n", o.err());
    }

    @Test
    void theLabsChineseTitlesArriveWhole() throws Exception {
        Output o = runInTheCLocale(Main.class.getName(), "lab", "list", "--lang", "zh");
        assertTrue(o.out().contains("handshake  三次握手"), o.out());
        assertFalse(o.out().contains("?"), o.out());
    }

    /** Run in the child JVM: installs Utf8Console as Main does, then writes. */
    public static final class Probe {
        public static void main(String[] args) {
            if (args[0].equals("charset")) {
                System.out.println(java.nio.charset.Charset.defaultCharset().name());
                return;
            }
            Utf8Console.install();
            System.out.println("──▶ 三次握手");
            System.err.println("… 四次挥手");
        }
    }
}
