package dev.tcplab.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcplab.host.Shell;
import dev.tcplab.netns.LabNetwork;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing is left behind after Ctrl-C or SIGTERM, and after SIGKILL the next run cleans up. The
 * runs use a 30 s MSL so that they are reliably sitting in TIME_WAIT when the signal comes.
 */
@Tag("live")
class SignalsLiveTest {
    @TempDir
    Path dir;
    Process proc;

    @BeforeEach
    void needRoot() {
        Live.require("ip", "ss", "ethtool");
    }

    @AfterEach
    void nothingLeft() {
        if (proc != null && proc.isAlive()) {
            proc.destroyForcibly();
        }
        for (String ns : childNamespaces()) {
            Shell.run("ip", "netns", "delete", ns); // so one failure does not poison the next test
        }
        Live.assertNothingLeft();
    }

    /** The child's ladder after the marker, read to its end by {@link #drainer}. */
    StringBuffer rest;
    Thread drainer;

    /** Starts `tcplab connect --msl 30s` and returns once its ladder shows TIME_WAIT. */
    Process startAndWaitForTimeWait() throws IOException {
        return startAndWaitFor("→ TIME_WAIT", "--msl", "30s");
    }

    /** Starts `tcplab connect ARGS` and returns once a line of its ladder contains {@code marker}. */
    Process startAndWaitFor(String marker, String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of("connect"));
        command.addAll(List.of(args));
        return startCommandAndWaitFor(marker, command);
    }

    /** Starts `tcplab COMMAND…` (with --capture into the test's folder) and returns as above. */
    Process startCommandAndWaitFor(String marker, List<String> command) throws IOException {
        List<String> cmd = new java.util.ArrayList<>(List.of(CliLiveTest.javaBin(), "-cp",
                System.getProperty("java.class.path"), "dev.tcplab.cli.Main"));
        cmd.addAll(command);
        cmd.addAll(List.of("--capture", dir.resolve("sig.pcap").toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        proc = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String line;
        while ((line = out.readLine()) != null && System.nanoTime() < deadline) {
            if (line.contains(marker)) {
                rest = new StringBuffer();
                Thread drain = new Thread(() -> {
                    try {
                        for (String l; (l = out.readLine()) != null; ) {
                            rest.append(l).append('\n');
                        }
                    } catch (IOException ignored) {
                        // the process ended
                    }
                });
                drainer = drain;
                drain.setDaemon(true);
                drain.start();
                return proc;
            }
        }
        throw new AssertionError("the run never showed '" + marker + "'");
    }

    /** The lab namespaces the child run made (their names carry its PID). */
    List<String> childNamespaces() {
        if (proc == null) {
            return List.of();
        }
        return LabNetwork.existing().stream().filter(n -> n.startsWith("tcplab-" + proc.pid() + "-")).toList();
    }

    void signal(Process p, String sig) {
        Shell.check("kill", "-" + sig, Long.toString(p.pid()));
    }

    @Test
    void ctrlCInTimeWaitExitsPromptlyAndRemovesTheLabNetwork() throws Exception {
        Process p = startAndWaitForTimeWait();
        assertEquals(2, childNamespaces().size(), "the run's two namespaces exist while it runs");
        signal(p, "INT");
        assertTrue(p.waitFor(5, TimeUnit.SECONDS), "exited within 5 s of Ctrl-C (TIME_WAIT had ~60 s left)");
        assertEquals(List.of(), childNamespaces());
        drainer.join(5000);
        assertTrue(rest.toString().contains("stopped in TIME_WAIT: interrupted (Ctrl-C or SIGTERM)"), rest.toString());
        assertFalse(rest.toString().contains("--timeout"), "Ctrl-C is not called a time-out: " + rest);
    }

    /** Issue 7: SIGINT and SIGTERM at every phase, not only in TIME_WAIT. */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0} during {1}")
    @org.junit.jupiter.params.provider.CsvSource({
            "INT, the handshake (SYN retries)", "TERM, the handshake (SYN retries)",
            "INT, a bulk transfer", "TERM, a bulk transfer",
            "INT, the keepalive wait", "TERM, the keepalive wait"})
    void aSignalInAnyPhaseEndsTheRunPromptlyAndLeavesNothing(String sig, String phase) throws Exception {
        Process p = switch (phase) {
            case "the handshake (SYN retries)" -> startAndWaitFor("SYN_SENT", "--drop", "out:syn:all", "--rto", "1s");
            case "a bulk transfer" -> startAndWaitFor("ESTABLISHED", "--send-size", "200MB", "--format", "ladder");
            default -> startAndWaitFor("holding the connection", "--keepalive", "2s,1s,3", "--hold", "30s");
        };
        long t0 = System.nanoTime();
        signal(p, sig);
        assertTrue(p.waitFor(5, TimeUnit.SECONDS), "exited within 5 s of SIG" + sig + " during " + phase);
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5));
        assertEquals(List.of(), childNamespaces(), "its namespaces are gone");
    }

    /**
     * Ctrl-C while a re-enactment of the server waits out the recorded server's think time (8.7 s before its first
     * reply): the run ends at once, and its lab network and the kernel client playing the recorded client go.
     */
    @Test
    void ctrlCDuringAReenactmentOfTheServerLeavesNothing() throws Exception {
        Process p = startCommandAndWaitFor("ESTABLISHED", List.of("replay", "--live", "--as", "server",
                "src/test/resources/captures-external/200722_tcp_anon.pcapng", "--conn", "2", "--msl", "100ms"));
        assertEquals(2, childNamespaces().size(), "the run's two namespaces exist while it runs");
        signal(p, "INT");
        assertTrue(p.waitFor(5, TimeUnit.SECONDS), "exited within 5 s of Ctrl-C (the recording's pauses had ~8 s left)");
        assertEquals(List.of(), childNamespaces());
        assertTrue(Files.size(dir.resolve("sig.pcap")) > 24, "the capture so far is written");
    }

    @Test
    void sigtermIsHandledLikeCtrlC() throws Exception {
        Process p = startAndWaitForTimeWait();
        signal(p, "TERM");
        assertTrue(p.waitFor(5, TimeUnit.SECONDS));
        assertEquals(List.of(), childNamespaces());
    }

    @Test
    void afterSigkillTheNextRunRemovesTheStaleNamespaces() throws Exception {
        Process p = startAndWaitForTimeWait();
        List<String> left = childNamespaces();
        signal(p, "KILL");
        assertTrue(p.waitFor(5, TimeUnit.SECONDS));
        assertEquals(left, childNamespaces(), "SIGKILL leaves the namespaces (no hook can run)");
        assertEquals(2, left.size());

        Shell.Result next = CliLiveTest.tcplab(List.of(), "connect", "--msl", "100ms", "--capture",
                dir.resolve("next.pcap").toString());
        assertEquals(0, next.exitCode(), next.stderr());
        for (String ns : left) {
            assertTrue(next.stderr().contains("removed a stale lab namespace left by a killed run: " + ns),
                    next.stderr());
        }
        assertFalse(LabNetwork.existing().stream().anyMatch(left::contains));
    }
}
