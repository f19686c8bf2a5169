package dev.tcplab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * `analyze` starts without reading an annotation: each annotation type read makes the JDK generate
 * a proxy class, which cost about 70 ms of every run (see AnalyzeCommand's constructor). A fresh JVM logs the
 * classes it defines; an annotated command shows the witness sees proxies when there are some.
 */
class AnalyzeStartupTest {
    /** The classes a fresh JVM defined while running tcplab with these arguments. */
    static String classesLoaded(String... args) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new java.util.ArrayList<>(List.of(java, "-Xlog:class+load=info", "-cp",
                System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child JVM ended");
        assertEquals(0, p.exitValue(), new String(out, StandardCharsets.UTF_8));
        return new String(out, StandardCharsets.UTF_8);
    }

    @Test
    void analyzeDefinesNoAnnotationProxy() throws Exception {
        String log = classesLoaded("analyze", "--summary", "--conn", "1,2", "captures/kernel-mix.pcap");
        assertTrue(log.contains("dev.tcplab.analysis.Analyzer"), "the capture was analysed: " + log.lines().count());
        assertTrue(log.contains("10.77.2.3:40002"), "connection 2 is in the table");
        assertEquals(List.of(), log.lines().filter(l -> l.contains("__dynamic_proxy__")).toList());
    }

    @Test
    void theWitnessSeesTheProxiesOfAnAnnotatedCommand() throws Exception {
        String log = classesLoaded("connect", "--help");
        assertTrue(log.lines().anyMatch(l -> l.contains("__dynamic_proxy__")), "connect's annotations make proxies");
    }
}
