package dev.tcplab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What `analyze` costs as it starts, seen in a fresh JVM's log of its classes. It reads no annotation:
 * each annotation type read makes the JDK generate a proxy class, which cost about 70 ms of every run
 * (see AnalyzeCommand's constructor); an annotated command shows the witness sees proxies when there are
 * some. And its JSON initialises no BigDecimal.
 */
class AnalyzeStartupTest {
    /** The classes a fresh JVM defined while running tcplab with these arguments. */
    static String classesLoaded(String... args) throws IOException, InterruptedException {
        return classLog("load", args);
    }

    /** What a fresh JVM logged of its classes (tag: load, init) while running tcplab with these arguments. */
    static String classLog(String tag, String... args) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new java.util.ArrayList<>(List.of(java, "-Xlog:class+" + tag + "=info", "-cp",
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

    /**
     * The JSON's times are exact decimals made as text (JsonSeconds): BigDecimal's class initialisation
     * takes 25-40 ms on JDK 25, which every JSON run paid at its first connection object.
     */
    @Test
    void theJsonInitialisesNoBigDecimal() throws Exception {
        String log = classLog("init", "analyze", "--format", "json", "captures/kernel-mix.pcap");
        assertTrue(log.contains("\"type\":\"connection\""), "connection objects were written");
        assertTrue(log.contains("\"start\":0.002067,"), "with their exact times");
        assertEquals(List.of(), log.lines().filter(l -> l.contains("Initializing 'java/math/BigDecimal'")).toList());
    }

    @Test
    void theWitnessSeesTheProxiesOfAnAnnotatedCommand() throws Exception {
        String log = classesLoaded("connect", "--help");
        assertTrue(log.lines().anyMatch(l -> l.contains("__dynamic_proxy__")), "connect's annotations make proxies");
    }
}
