package dev.tcplab.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tcplab.host.Shell;
import dev.tcplab.text.BothLanguages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command as a separate process, the way a user runs it: exit codes, stdout that is pure JSON
 * lines, and the one-sentence errors for a missing privilege, a missing libpcap, a missing interface.
 */
@Tag("live")
class CliLiveTest {
    @TempDir
    Path dir;

    @AfterEach
    void nothingLeft() {
        Live.assertNothingLeft();
    }

    static Shell.Result tcplab(List<String> prefix, String... args) {
        return tcplab(java.time.Duration.ofSeconds(20), prefix, args);
    }

    /** With a longer limit than a system command's 20 s, for a run that waits as long as a recording did. */
    static Shell.Result tcplab(java.time.Duration limit, List<String> prefix, String... args) {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(javaBin(), "-cp", System.getProperty("java.class.path"), "dev.tcplab.cli.Main"));
        cmd.addAll(List.of(args));
        return Shell.run(cmd, limit);
    }

    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    @Test
    void jsonLinesOnStdoutAndExitZero() throws Exception {
        Live.require("ip", "ss", "ethtool");
        Path pcap = dir.resolve("cli.pcap");
        Shell.Result r = tcplab(List.of(), "connect", "--format", "json", "--msl", "100ms", "--send", "json please",
                "--capture", pcap.toString());
        assertEquals(0, r.exitCode(), r.stderr());
        ObjectMapper m = new ObjectMapper();
        int segments = 0;
        List<String> flags = new ArrayList<>();
        for (String line : r.stdout().split("\n")) {
            JsonNode n = m.readTree(line); // every stdout line is a JSON object
            if (n.get("type").asText().equals("segment")) {
                segments++;
                flags.add(n.get("flags").toString());
                assertTrue(n.has("seq") && n.has("ack") && n.has("seq_abs") && n.has("state"), line);
            }
        }
        assertTrue(segments >= 7, "handshake, data, echo and close: " + segments + " segments");
        assertEquals("[\"SYN\"]", flags.get(0));
        assertTrue(r.stderr().contains("capture: "), r.stderr());
        assertTrue(Files.size(pcap) > 24, "the capture holds frames");
    }

    @Test
    void aLabExerciseInChineseTellsItsLadderInChinese() throws Exception {
        Live.require("ip", "ss", "ethtool");
        Shell.Result r = tcplab(List.of(), "lab", "handshake", "--lang", "zh");
        assertEquals(0, r.exitCode(), r.stderr());
        List<String> remarks = new ArrayList<>();
        for (String line : r.stdout().split("\n")) {
            if (line.contains(" · ")) {
                remarks.add(line);
                assertTrue(BothLanguages.hasChinese(line), "a remark in English: " + line);
            } else if (line.contains("──▶") && line.endsWith("）")) {
                assertTrue(BothLanguages.hasChinese(line), "a reason in English: " + line);
            }
        }
        assertTrue(remarks.size() >= 10, "state changes, the kernel's socket, the transfer: " + r.stdout());
        assertTrue(r.stdout().contains("我方状态"), "the ladder's heads: " + r.stdout());
        // What the lab built, said on standard error.
        assertFalse(r.stderr().matches("(?sm).*^(lab network|RST guard|capture): .*"), r.stderr());
        assertTrue(r.stderr().contains("实验网络：") && r.stderr().contains("RST 防护："), r.stderr());
    }

    @Test
    void connectAndListenInChineseTellTheirLaddersAndLastLinesInChinese() {
        Live.require("ip", "ss", "ethtool");
        Shell.Result c = tcplab(List.of(), "connect", "--lang", "zh");
        assertEquals(0, c.exitCode(), c.stderr());
        assertTrue(c.stdout().contains("收到对方的 FIN") && c.stdout().contains("我方状态"), c.stdout());
        assertTrue(c.stderr().contains("实验网络：") && c.stderr().contains("完成：回显一致"), c.stderr());
        Shell.Result l = tcplab(List.of(), "listen", "--lang", "zh");
        assertEquals(0, l.exitCode(), l.stderr());
        assertTrue(l.stdout().contains("被动打开：等待 SYN"), l.stdout());
        assertTrue(l.stderr().contains("完成：客户端的"), l.stderr());
        Shell.Result json = tcplab(List.of(), "connect", "--lang", "zh", "--format", "json");
        assertEquals(0, json.exitCode(), json.stderr());
        assertFalse(BothLanguages.hasChinese(json.stdout()), "JSON stays English: " + json.stdout());
    }

    @Test
    void aLabExerciseInJsonKeepsItsProseOffStandardOutput() throws Exception {
        Live.require("ip", "ss", "ethtool");
        Shell.Result r = tcplab(List.of(), "lab", "handshake", "--format", "json");
        assertEquals(0, r.exitCode(), r.stderr());
        ObjectMapper m = new ObjectMapper();
        int segments = 0, checks = 0;
        List<String> runs = new ArrayList<>();
        String verdict = null;
        for (String line : r.stdout().split("\n")) {
            JsonNode o = m.readTree(line); // every stdout line is a JSON object
            switch (o.get("type").asText()) {
                case "segment" -> {
                    segments++;
                    assertFalse(runs.isEmpty(), "a segment before any run object: " + line);
                }
                case "run" -> runs.add(o.get("run").asInt() + "/" + o.get("runs").asInt() + " " + o.get("capture").asText());
                case "check" -> {
                    checks++;
                    assertTrue(o.get("passed").asBoolean() && !o.get("claim").asText().isEmpty(), line);
                }
                case "exercise" -> verdict = o.get("exercise").asText() + " " + o.get("passed").asBoolean();
                default -> { }
            }
        }
        assertTrue(segments >= 3, "the handshake's segments at least: " + segments);
        // Which run each line belongs to, the checks and the verdict: a script needs nothing from the prose.
        assertEquals(2, runs.size(), runs.toString());
        assertTrue(runs.get(0).startsWith("1/2 runs/lab-handshake-1-") && runs.get(1).startsWith("2/2 "), runs.toString());
        assertEquals(7, checks, "the handshake's seven checks");
        assertEquals("handshake true", verdict);
        assertTrue(r.stderr().contains("== handshake:") && r.stderr().contains("PASS"), "the explanation and checks: "
                + r.stderr());
    }

    @Test
    void withoutNetworkCapabilitiesExit3WithTheFix() {
        Live.require("setpriv");
        Shell.Result r = tcplab(List.of("setpriv", "--inh-caps=-all", "--bounding-set=-net_raw,-net_admin,-sys_admin"),
                "connect");
        assertEquals(3, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("needs CAP_NET_RAW: run tcplab as root"), r.stderr());
        assertFalse(r.stderr().contains("Exception"), "no stack trace: " + r.stderr());
    }

    @Test
    void aPeerAgentWithoutNetAdminSaysAtOnceThatSysctlRequestsWillBeRefused() throws Exception {
        Live.require("setpriv");
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--inh-caps=-all", "--bounding-set=-net_admin",
                javaBin(), "-cp", System.getProperty("java.class.path"), "dev.tcplab.cli.Main", "peer", "agent",
                "--port", "0"));
        Process agent = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            java.io.BufferedReader lines = new java.io.BufferedReader(new java.io.InputStreamReader(agent.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8));
            StringBuilder said = new StringBuilder();
            java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    for (String l; (l = lines.readLine()) != null; ) {
                        said.append(l).append('\n');
                        if (l.contains("waiting for labs")) {
                            return;
                        }
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).get(20, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(said.toString().startsWith("tcplab peer agent: not root: requests for a net.ipv4.tcp_* sysctl will "
                    + "be refused"), said.toString());
        } finally {
            agent.destroyForcibly();
            agent.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @Test
    void missingLibpcapExit3WithThePackageName() {
        Live.require("ip");
        Shell.Result r = Shell.run(javaBin(), "-Dorg.pcap4j.core.pcapLibName=/nonexistent/libpcap.so.0.8", "-Dtcplab.rehearsals=0",
                "-cp", System.getProperty("java.class.path"), "dev.tcplab.cli.Main", "connect", "--msl", "100ms");
        assertEquals(3, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("apt-get install libpcap0.8"), r.stderr());
        assertFalse(r.stderr().contains("Exception"), "no stack trace: " + r.stderr());
    }

    @Test
    void unknownInterfaceExit3() {
        Live.require("ip");
        Shell.Result r = tcplab(List.of(), "connect", "--iface", "tcplabnosuch", "--peer", "10.77.9.2:7", "--src",
                "10.77.9.1");
        assertEquals(3, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("no interface named 'tcplabnosuch'"), r.stderr());
        assertFalse(r.stderr().contains("RST guard") || r.stderr().contains("capture:"),
                "the mistyped name is the one thing said: " + r.stderr());
    }

    @Test
    void aPeerSysctlTheNamespaceRefusesIsAUsageErrorAndTheLabNetworkGoes() {
        Live.require("ip", "sysctl");
        Shell.Result r = tcplab(List.of(), "connect", "--peer-sysctl", "net.ipv4.tcplab_no_such_setting=1",
                "--capture", dir.resolve("x.pcap").toString());
        assertEquals(2, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("tcplab: --peer-sysctl net.ipv4.tcplab_no_such_setting: the peer namespace has "
                + "no such setting"), r.stderr());
        Shell.Result bad = tcplab(List.of(), "connect", "--peer-sysctl", "net.ipv4.tcp_synack_retries=many",
                "--capture", dir.resolve("y.pcap").toString());
        assertEquals(2, bad.exitCode(), bad.stderr());
        assertTrue(bad.stderr().contains("--peer-sysctl net.ipv4.tcp_synack_retries=many was refused: sysctl: "),
                bad.stderr());
        // nothingLeft() checks that the namespaces built before the sysctl are gone
    }
}
