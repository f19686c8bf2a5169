package dev.tcplab.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcplab.host.Shell;
import dev.tcplab.text.BothLanguages;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `replay --live`: the recorded client of a sample capture, played against a live kernel, and the
 * kernel's answers compared with the recorded server's, segment by segment.
 */
@Tag("live")
class ReplayLiveTest {
    @TempDir
    Path dir;

    @AfterEach
    void nothingLeft() {
        Live.assertNothingLeft();
    }

    Shell.Result replay(String capture, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("replay", "--live", capture, "--msl", "100ms",
                "--capture", dir.resolve("live.pcap").toString(), "--format", "quiet"));
        args.addAll(List.of(more));
        // Some recordings paused for seconds (200722_tcp_anon.pcapng's server 12.4 s), which a run keeps.
        return CliLiveTest.tcplab(java.time.Duration.ofSeconds(45), List.of(), args.toArray(String[]::new));
    }

    @Test
    void theSameKernelAnswersAsRecorded() {
        Live.require("ip", "ss", "ethtool");
        Shell.Result r = replay("captures/handshake-echo-close.pcap");
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("18 bytes in 1 piece; the client closed first"), r.stderr());
        assertTrue(r.stderr().contains("answered as the recorded server did: 4 segments"), r.stderr());
    }

    @Test
    void aServerThatClosedLateIsFoundOutAndThenMatchedWithTheSamePeerBehaviour() {
        Live.require("ip", "ss", "ethtool");
        // Recorded with the kernel's application closing 1 s late: four segments to close. The default echo
        // server closes at once, so the kernel merges its ACK into its FIN, and the comparison says where.
        Shell.Result r = replay("captures/four-way-close-wait.pcap");
        assertEquals(1, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("differently in 1 place"), r.stderr());
        assertTrue(r.stderr().contains("recorded frame 11: ACK seq 19 ack 20 len 0; live: no such segment"), r.stderr());
        // The recording's gap between the two FINs (tshark: frames 10 and 12), and the option that makes it.
        assertTrue(r.stderr().contains("the recorded server's application closed 1003 ms after the client's FIN, the "
                + "lab's echo server closes at once: --peer-close-delay 1003ms makes it wait"), r.stderr());
        assertTrue(r.stderr().contains("--follow-hints re-enacts it with them all (--peer-close-delay 1003ms)"),
                r.stderr());

        Shell.Result same = replay("captures/four-way-close-wait.pcap", "--peer-close-delay", "1s");
        assertFalse(same.stderr().contains("--peer-close-delay 1003ms"), "no hint for an option given: " + same.stderr());
        assertEquals(0, same.exitCode(), same.stderr());
        assertTrue(same.stderr().contains("answered as the recorded server did: 5 segments"), same.stderr());

        Shell.Result followed = replay("captures/four-way-close-wait.pcap", "--follow-hints");
        assertTrue(followed.stderr().contains("following the hints: --peer-close-delay 1003ms"), followed.stderr());
        assertEquals(0, followed.exitCode(), followed.stderr());
        assertTrue(followed.stderr().contains("answered as the recorded server did: 5 segments"), followed.stderr());
    }

    @Test
    void aReenactmentInChineseTellsItsLadderAndTheComparisonInChinese() {
        Live.require("ip", "ss", "ethtool");
        Shell.Result r = replay("captures/four-way-close-wait.pcap", "--lang", "zh");
        assertEquals(1, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("tcplab: 重演 captures/four-way-close-wait.pcap 的第 1 个连接：客户端 10.77.1.1:"),
                r.stderr());
        assertTrue(r.stderr().contains("实验网络："), "the lab network's lines: " + r.stderr());
        assertTrue(r.stderr().contains("tcplab: 实际的内核在 1 处回应得与录制中不同（录制中服务器 5 个报文段，实际 4 个）："),
                r.stderr());
        assertTrue(r.stderr().contains("  录制的第 11 帧：ACK seq 19 ack 20 len 0；实际：没有这个报文段"), r.stderr());
        assertTrue(r.stderr().contains("--peer-close-delay 1003ms 让它像录制中那样等待"), r.stderr());
        for (String line : r.stderr().split("\n")) {
            if (line.startsWith("tcplab: ")) {
                assertTrue(BothLanguages.hasChinese(line), "said in English: " + line);
            }
        }
        assertTrue(r.stdout().contains("FIN_WAIT_2 → TIME_WAIT：收到对方的 FIN"), "the ladder's reasons: " + r.stdout());
    }

    @Test
    void anotherProgramsServerIsToldApartFromTheLabsEchoServer() {
        Live.require("ip", "ss", "ethtool");
        // A browser and Python's http.server (tshark: the client's request is 493 bytes, the answer 186 + 14).
        Shell.Result r = replay("src/test/resources/captures-external/simple_http.pcap");
        assertEquals(1, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("recorded frame 6: PSH,ACK seq 1 ack 494 len 186; live instead: PSH,ACK seq 1 "
                + "ack 494 len 493"), r.stderr());
        assertTrue(r.stderr().contains("the recorded server sent 200 bytes for the client's 493: it was not an echo "
                + "server, and the lab's kernel peer echoes what it gets. --peer-answers makes it answer with the recorded "
                + "server's bytes"), r.stderr());
        Shell.Result echo = replay("captures/handshake-echo-close.pcap");
        assertFalse(echo.stderr().contains("not an echo server"), echo.stderr());
        // With the recorded server's replies (186 and 14 bytes once the request's 493 have been read), and its close
        // before the client's, the live kernel carries the same conversation, segment for segment.
        Shell.Result same = replay("src/test/resources/captures-external/simple_http.pcap", "--peer-answers",
                "--peer-closes-first");
        assertEquals(0, same.exitCode(), same.stderr());
        assertTrue(same.stderr().contains("the live kernel answered as the recorded server did: 6 segments"),
                same.stderr());
        assertFalse(same.stderr().contains("not an echo server"), same.stderr());
    }

    /**
     * A Windows client (no timestamps in its SYN) and a server that answered three times, seconds apart, then
     * closed first: with its SYN's options, the server's replies and their pauses re-enacted, the live kernel
     * carries the conversation segment for segment (before the SYN and the pauses were kept, each 1,460-byte piece
     * drew an ACK more, and the replies came as one).
     */
    @Test
    void aWindowsClientAndAServerThatThinksBeforeItAnswersAreReenactedSegmentForSegment() {
        Live.require("ip", "ss", "ethtool");
        Shell.Result r = replay("src/test/resources/captures-external/200722_tcp_anon.pcapng", "--conn", "2",
                "--peer-answers", "--peer-closes-first");
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("the recorded client's SYN offered no timestamps; so does ours"), r.stderr());
        assertTrue(r.stderr().contains("the recorded server paused before 3 of its 3 replies (12379ms in all)"),
                r.stderr());
        assertTrue(r.stderr().contains("the live kernel answered as the recorded server did: 13 segments"), r.stderr());
    }

    /**
     * The mirror (--as server): our endpoint plays the recorded server, the lab's kernel the recorded client.
     * listen's capture was made with a Linux kernel client that closed first and a server application that closed
     * 313 ms after its FIN, so the live kernel client does segment for segment what the recorded one did, and our
     * FIN waits as long as the recorded server's did (tshark, on the live capture).
     */
    @Test
    void reenactingTheServerHasTheKernelClientDoWhatTheRecordedLinuxClientDid() {
        Live.require("ip", "ss", "ethtool", "tshark");
        Shell.Result r = replay("captures/passive-open-listen.pcap", "--as", "server");
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("re-enacting the server of connection 1 of captures/passive-open-listen.pcap: "
                + "ours answers as 10.77.1.1:8080 did, 22 bytes in 1 reply; the lab's kernel connects as 10.77.1.2:38920 "
                + "did and sends 22 bytes in 1 write; the client closed first"), r.stderr());
        assertTrue(r.stderr().contains("the recorded server's application closed 313 ms after the client's FIN: ours too"),
                r.stderr());
        assertTrue(r.stderr().contains("the live kernel client did as the recorded client did: 6 segments"), r.stderr());
        List<Tshark.Row> fins = Tshark.tcp(dir.resolve("live.pcap")).stream().filter(Tshark.Row::hasFin).toList();
        assertEquals(2, fins.size(), fins.toString());
        assertEquals(8080, fins.get(0).dstPort(), "the kernel client's FIN first: " + fins);
        double wait = fins.get(1).time() - fins.get(0).time();
        assertTrue(wait >= 0.313 && wait < 1.5, "our FIN " + wait + " s after the client's");
    }

    /**
     * kernel-mix.pcap's connection 40 closed with FINs that crossed (each acknowledging 9, neither the other's):
     * re-enacted either way round, our FIN is held on the wire until the kernel's has come, so that they cross
     * live too, which on a veth two closes would do only by chance (tshark, on the live capture: neither FIN
     * acknowledges the other).
     */
    @Test
    void finsThatCrossedInTheRecordingCrossLiveWhicheverSideWeReenact() {
        Live.require("ip", "ss", "ethtool", "tshark");
        Shell.Result server = replay("captures/kernel-mix.pcap", "--conn", "40", "--as", "server");
        assertEquals(0, server.exitCode(), server.stderr());
        assertTrue(server.stderr().contains("both closed at once (the FINs crossed)"), server.stderr());
        assertTrue(server.stderr().contains("the recorded FINs crossed (frames 3806 and 3807: neither acknowledges the "
                + "other), a simultaneous close: both sides close on their own, and our FIN is held back on the wire "
                + "until the client's arrives"), server.stderr());
        assertTrue(server.stderr().contains("the live kernel client did as the recorded client did: 6 segments"),
                server.stderr());
        assertFinsCrossed(dir.resolve("live.pcap"));

        Shell.Result unshaped = replay("captures/kernel-mix.pcap", "--conn", "40");
        assertTrue(unshaped.stderr().contains("the recorded FINs crossed (a simultaneous close); the lab's echo server "
                + "waits for the client's FIN, so live its FIN acknowledges ours: --peer-closes-first"), unshaped.stderr());
        Shell.Result client = replay("captures/kernel-mix.pcap", "--conn", "40", "--peer-closes-first");
        assertEquals(0, client.exitCode(), client.stderr());
        assertTrue(client.stderr().contains("until the server's arrives"), client.stderr());
        assertTrue(client.stderr().contains("the live kernel answered as the recorded server did: 5 segments"),
                client.stderr());
        assertFinsCrossed(dir.resolve("live.pcap"));
    }

    private static void assertFinsCrossed(Path capture) {
        List<Tshark.Row> fins = Tshark.tcp(capture).stream().filter(Tshark.Row::hasFin).toList();
        assertEquals(2, fins.size(), fins.toString());
        for (int i = 0; i < 2; i++) {
            Tshark.Row fin = fins.get(i), other = fins.get(1 - i);
            assertTrue(fin.ack() != ((other.seq() + 1) & 0xFFFF_FFFFL), "FIN " + fin + " acknowledges " + other);
        }
    }

    /** The mirror in Chinese: its first line, the recorded close it keeps, and its verdict. */
    @Test
    void reenactingTheServerInChineseSaysItAllInChinese() {
        Live.require("ip", "ss", "ethtool");
        Shell.Result r = replay("captures/passive-open-listen.pcap", "--as", "server", "--lang", "zh");
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("tcplab: 重演 captures/passive-open-listen.pcap 的第 1 个连接的服务器：我们像 "
                + "10.77.1.1:8080 那样回应"), r.stderr());
        assertTrue(r.stderr().contains("tcplab: 录制中服务器的应用程序在客户端的 FIN 之后 313 毫秒才关闭：我们的也一样"),
                r.stderr());
        assertTrue(r.stderr().contains("tcplab: 实际的内核客户端与录制中的客户端做得一样：6 个报文段"), r.stderr());
        for (String line : r.stderr().split("\n")) {
            if (line.startsWith("tcplab: ")) {
                assertTrue(BothLanguages.hasChinese(line), "said in English: " + line);
            }
        }
    }

    /**
     * A server that closed first (Python's http.server, to a browser): ours closes once it has answered, and
     * TIME_WAIT is ours; the live kernel client answers our FIN as the recorded browser did.
     */
    @Test
    void reenactingAServerThatClosedFirstPutsTimeWaitOnOurSide() {
        Live.require("ip", "ss", "ethtool");
        Shell.Result r = replay("src/test/resources/captures-external/simple_http.pcap", "--as", "server");
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("200 bytes in 2 replies; the lab's kernel connects as 127.0.0.1:32784 did and "
                + "sends 493 bytes in 1 write; the client closed second"), r.stderr());
        assertTrue(r.stderr().contains("the live kernel client did as the recorded client did: 6 segments"), r.stderr());
        assertTrue(r.stdout().contains("FIN_WAIT_2 → TIME_WAIT"), r.stdout());
    }

    /**
     * A recorded client that stayed idle 4 s before its FIN, its kernel probing every second (kernel-mix.pcap's
     * fourth connection): the lab's kernel client gets the same keep-alive and closes after its third probe.
     */
    @Test
    void reenactingTheServerOfAnIdleClientHasTheKernelClientProbeAsRecorded() {
        Live.require("ip", "ss", "ethtool");
        Shell.Result r = replay("captures/kernel-mix.pcap", "--conn", "4", "--as", "server");
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("the recorded client probed the quiet connection with keep-alives (3 from frame "
                + "4220): so does the lab's kernel client, the first after 1 s, then every 1 s"), r.stderr());
        assertTrue(r.stderr().contains("the live kernel client did as the recorded client did: 7 segments"), r.stderr());
    }

    /**
     * corner-cases.pcap's second client wrote 100 bytes four times, each in a segment of its own: the kernel
     * client writes them without Nagle's algorithm, which would have merged the last three behind the first.
     * Its third wrote twice and reset: the kernel client aborts too, after both writes (its ECN and URG flags,
     * made by hand, no kernel repeats).
     */
    @Test
    void reenactingTheServerKeepsTheClientsSmallWritesApartAndItsReset() {
        Live.require("ip", "ss", "ethtool", "tshark");
        Shell.Result writes = replay("captures/corner-cases.pcap", "--conn", "2", "--as", "server");
        assertTrue(writes.stderr().contains("sends 400 bytes in 4 writes"), writes.stderr());
        // Each write in a segment of its own (a tail loss probe, when our ACK is slow, may send the last again).
        assertEquals(List.of("1+100", "101+100", "201+100", "301+100"), clientData(80), writes.stderr());
        Shell.Result reset = replay("captures/corner-cases.pcap", "--conn", "3", "--as", "server");
        assertTrue(reset.stderr().contains("the recorded client ended the connection with a RST (frame 30, an abortive "
                + "close): so does the lab's kernel client (SO_LINGER 0)"), reset.stderr());
        assertFalse(reset.stderr().contains("recorded frame 30"), "the RST as recorded: " + reset.stderr());
        assertEquals(List.of("1+7", "8+4"), clientData(80), "both writes before the RST: " + reset.stderr());
    }

    /**
     * lab-scripts/reenact-all.sh: each connection of a range in turn, one line each, and the count. corner-cases.pcap's
     * ninth connection (a client that reset after a port reuse) is carried as recorded; its tenth (a client whose
     * SYN was retransmitted twice, to a server without timestamps) is not.
     */
    @Test
    void theScriptReenactsEachConnectionInTurnAndCountsThem() {
        Live.require("ip", "ss", "ethtool");
        // The classes under test, not ./tcplab, whose jar a clean checkout has not built while Maven's tests run.
        String tcplab = "TCPLAB_CMD=" + CliLiveTest.javaBin() + " -cp " + System.getProperty("java.class.path")
                + " dev.tcplab.cli.Main";
        Shell.Result r = Shell.run(List.of("env", tcplab, "lab-scripts/reenact-all.sh", "captures/corner-cases.pcap",
                "--conns", "9-10", "--", "--as", "server"), java.time.Duration.ofSeconds(120));
        assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
        assertTrue(r.stdout().startsWith("   9  as recorded\n  10  differs in "), r.stdout());
        assertTrue(r.stdout().contains("in all: 2 of 2 connections re-enacted: 1 as recorded, 1 differ, 0 not re-enacted, "
                + "0 failed\n"), r.stdout());
        Shell.Result usage = Shell.run("lab-scripts/reenact-all.sh");
        assertEquals(2, usage.exitCode(), usage.stderr());
        assertTrue(usage.stderr().contains("Re-enacts every connection of a capture in turn"), usage.stderr());
    }

    /**
     * A Windows client's conversation carried by a Linux client: our SYN+ACK offers what the recorded server's did
     * (no timestamps), so the kernel cuts the one 9,519-byte write into 1,460-byte segments as Windows did, but
     * it answers the server's FIN with its own FIN at once, where the Windows client first sent an ACK alone
     * (frame 33, 3.6 ms before its FIN).
     */
    @Test
    void aWindowsClientsConversationCarriedByTheLinuxKernelShowsWhereLinuxDiffers() {
        Live.require("ip", "ss", "ethtool", "tshark");
        Shell.Result r = replay("src/test/resources/captures-external/200722_tcp_anon.pcapng", "--conn", "2", "--as",
                "server");
        assertEquals(1, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("sends 9519 bytes in 1 write; the client closed second"), r.stderr());
        assertTrue(r.stderr().contains("the recorded server's SYN+ACK offered no timestamps; so does ours"), r.stderr());
        assertTrue(r.stderr().contains("the recorded server paused before 3 of its 3 replies (12379ms in all): ours pauses "
                + "as long"), r.stderr());
        assertTrue(r.stderr().contains("  recorded frame 33: ACK seq 9520 ack 8 len 0; live: no such segment"),
                r.stderr());
        assertEquals(List.of("1+1460", "1461+1460", "2921+1460", "4381+1460", "5841+1460", "7301+1460", "8761+759"),
                clientData(2000));
    }

    /**
     * The kernel client's data in the live run's capture, tshark's relative seq and length, each segment once
     * (Linux may send a copy, a tail loss probe, when our ACK is late: the re-enactment's timing, not its shape).
     */
    private List<String> clientData(int serverPort) {
        Shell.Result r = Shell.run("tshark", "-r", dir.resolve("live.pcap").toString(), "-Y", "tcp.dstport == "
                + serverPort + " && tcp.len > 0", "-T", "fields", "-e", "tcp.seq", "-e", "tcp.len");
        assertEquals(0, r.exitCode(), r.stderr());
        return r.stdout().lines().map(l -> l.replace('\t', '+')).distinct().toList();
    }

    /** A client that sent data in its SYN (TCP Fast Open): all of it goes after the handshake, and the run says why. */
    @Test
    void aFastOpenClientsSynDataGoesAfterTheHandshake() {
        Live.require("ip", "ss", "ethtool");
        Shell.Result r = replay("captures/corner-cases.pcap", "--conn", "1");
        assertEquals(1, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("10 bytes in 1 piece"), r.stderr());
        assertTrue(r.stderr().contains("recorded frame 2: SYN,ACK seq 0 ack 11 len 0; live instead: SYN,ACK seq 0 ack 1"),
                r.stderr());
        assertTrue(r.stderr().contains("the recorded client sent 10 bytes in its SYN (TCP Fast Open, RFC 7413)"),
                r.stderr());
    }

    @Test
    void anUploadToAServerThatOnlyReadsIsMatchedWithPeerDiscardAndItsAcksAreToldApart() throws Exception {
        Live.require("ip", "ss", "ethtool");
        // Connection 3: 2 MB to a server that sends nothing back. The lab's echo server sends it all back, and the
        // two part in well over a thousand places: twenty are listed, all of them written beside the capture.
        Shell.Result echo = replay("captures/kernel-mix.pcap", "--conn", "3");
        assertEquals(1, echo.exitCode(), echo.stderr());
        assertTrue(echo.stderr().contains("the recorded server sent nothing back for the client's 2097152 bytes, the lab's "
                + "kernel peer echoes them: --peer-discard makes it keep what arrives"), echo.stderr());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("… and (\\d+) more: all (\\d+) in (\\S+)")
                .matcher(echo.stderr());
        assertTrue(m.find(), echo.stderr());
        assertEquals(dir.resolve("live.differences.txt").toString(), m.group(3));
        assertEquals(Integer.parseInt(m.group(2)), java.nio.file.Files.readAllLines(Path.of(m.group(3))).size());
        assertEquals(20, Integer.parseInt(m.group(2)) - Integer.parseInt(m.group(1)), "twenty on the terminal");

        // With a kernel peer that only reads, what is left is where the kernel's ACKs fell.
        Shell.Result discard = replay("captures/kernel-mix.pcap", "--conn", "3", "--peer-discard");
        assertTrue(discard.stderr().contains("every SYN and FIN came as recorded, and every data segment with the same "
                + "seq and length; only acknowledgements differ"), discard.stderr());
        assertFalse(discard.stderr().contains("--peer-discard makes it"), discard.stderr());
    }

    @Test
    void aServerThatClosedFirstIsFoundOutAndThenMatchedWithAPeerThatClosesFirst() {
        Live.require("ip", "ss", "ethtool");
        // Connection 1: 8 bytes echoed, then the server's FIN before the client's (tshark: frames 180 and 181), so
        // the server went into TIME_WAIT. The lab's echo server waits for the client's FIN: the close turns round.
        Shell.Result r = replay("captures/kernel-mix.pcap", "--conn", "1");
        assertEquals(1, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("8 bytes in 1 piece; the client closed second"), r.stderr());
        assertTrue(r.stderr().contains("recorded frame 180: FIN,ACK seq 9 ack 9 len 0; live instead: FIN,ACK seq 9 ack 10"),
                r.stderr());
        assertFalse(r.stderr().contains("only acknowledgements differ"), "a FIN came otherwise: " + r.stderr());
        assertTrue(r.stderr().contains("the recorded server closed first (its FIN came before the client's); the lab's "
                + "echo server waits for the client's FIN, so live the client closes first and TIME_WAIT falls on it: "
                + "--peer-closes-first makes the server close after its first echo"), r.stderr());
        assertTrue(r.stdout().contains("FIN_WAIT_2 → TIME_WAIT"), "live, the client closed first: " + r.stdout());

        Shell.Result same = replay("captures/kernel-mix.pcap", "--conn", "1", "--peer-closes-first");
        assertEquals(0, same.exitCode(), same.stderr());
        assertTrue(same.stderr().contains("answered as the recorded server did: 5 segments"), same.stderr());
        assertFalse(same.stderr().contains("--peer-closes-first makes"), "no hint for an option given: " + same.stderr());
        assertTrue(same.stdout().contains("CLOSE_WAIT → LAST_ACK"), "the client closed second: " + same.stdout());
    }

    @Test
    void aServerThatReadAndResetIsFoundOutAndThenMatchedWithAPeerThatDoesTheSame() {
        Live.require("ip", "ss", "ethtool");
        // Connection 41: the server read 8 bytes, sent nothing back and reset 0.3 ms later (tshark: RST,ACK in frame
        // 3788), before any FIN of the client's. The lab's echo server echoes and closes with a FIN after ours.
        Shell.Result r = replay("captures/kernel-mix.pcap", "--conn", "41");
        assertEquals(1, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("recorded frame 3788: RST,ACK seq 1 ack 9 len 0; live instead: PSH,ACK seq 1 ack 9 "
                + "len 8"), r.stderr());
        assertTrue(r.stderr().contains("--peer-discard makes it keep what arrives"), r.stderr());
        assertTrue(r.stderr().contains("the recorded server ended the connection with a RST (frame 3788, an abortive "
                + "close), the lab's echo server with a FIN: --peer-rst-close makes it abort, and --peer-closes-first "
                + "makes it do so without waiting for the client's FIN"), r.stderr());
        assertFalse(r.stderr().contains("the recorded server closed first"), "no FIN of the server's: " + r.stderr());

        Shell.Result same = replay("captures/kernel-mix.pcap", "--conn", "41", "--peer-discard", "--peer-closes-first",
                "--peer-rst-close");
        assertEquals(0, same.exitCode(), same.stderr());
        assertTrue(same.stderr().contains("kernel server that only reads on 10.77.1.2:7 (closes after its first read "
                + "with RST)"), same.stderr());
        assertTrue(same.stderr().contains("answered as the recorded server did: 3 segments"), same.stderr());
    }

    @Test
    void aClientThatStayedIdleWithKeepalivesIsReenactedProbeForProbe() throws Exception {
        Live.require("ip", "ss", "ethtool", "tshark");
        // Connection 4: the client idle 4.0 s before its FIN, probing from 1.0 s on, every 1.0 s; the server's kernel
        // ACKed each probe. Re-enacted with the same idle time and timers, the kernel answers as recorded.
        Shell.Result r = replay("captures/kernel-mix.pcap", "--conn", "4");
        assertTrue(r.stderr().contains("the recorded client probed the quiet connection with keep-alives (3 from frame "
                + "4220): ours too, the first after 1002 ms, then every 1024 ms"), r.stderr());
        assertTrue(r.stdout().contains("replay: the recorded client stayed idle 4000 ms before its FIN; so do we"),
                r.stdout());
        // The kernel answers our FIN with FIN,ACK as recorded, or, in about a third of the runs here (2 of 6, the
        // ACK ~1 ms after our FIN and its application's FIN ~1 ms later), with the ACK first: its own timing, not
        // the re-enactment's. The three ACKs of our probes must come as recorded either way.
        if (r.exitCode() == 0) {
            assertTrue(r.stderr().contains("answered as the recorded server did: 5 segments"), r.stderr());
        } else {
            assertEquals(1, r.exitCode(), r.stderr());
            assertTrue(r.stderr().contains("differently in 1 place (recorded 5 server segments, live 6):\n  live only: ACK "
                    + "seq 1 ack 2 len 0\n"), r.stderr());
        }
        // tshark, on the live run's capture: our three probes, and the kernel's ACK of each.
        Shell.Result probes = Shell.run(List.of("tshark", "-r", dir.resolve("live.pcap").toString(), "-Y",
                "tcp.analysis.keep_alive", "-T", "fields", "-e", "frame.number"));
        assertEquals(3, probes.stdout().lines().count(), probes.stdout() + probes.stderr());
    }

    @Test
    void aServerThatReadSlowlyIsFoundOutAndThenMatchedWithAPeerThatReadsAtTheRecordedPace() throws Exception {
        Live.require("ip", "ss", "ethtool", "tshark");
        // Connection 8: 43,440 bytes to a server that read 512 bytes every 50 ms from an 8 KB buffer (tshark: 15 zero
        // windows from frame 3901). The lab's echo server reads at once, and the hint gives the recorded pace.
        Shell.Result fast = replay("captures/kernel-mix.pcap", "--conn", "8", "--peer-discard");
        assertEquals(1, fast.exitCode(), fast.stderr());
        assertTrue(fast.stderr().contains("the recorded server advertised a zero window 15 times (from frame 3901 on): "
                + "its application read slowly, about 10KB/s once its window had shut"), fast.stderr());
        assertTrue(fast.stderr().contains("--peer-read-rate 10KB/s makes it read as slowly, from an 8 KB buffer"),
                fast.stderr());
        assertTrue(fast.stderr().contains("--follow-hints re-enacts it with them all (--peer-read-rate 10KB/s)"),
                "the option given is not named again: " + fast.stderr());
        Path pcap = dir.resolve("live.pcap");
        assertTrue(Tshark.frames(pcap, "tcp.analysis.zero_window").isEmpty(), "a reader that keeps up never shuts");
        assertTrue(fast.stderr().contains("the live kernel advertised a zero window 0 times (recorded 15)"), fast.stderr());

        Shell.Result slow = replay("captures/kernel-mix.pcap", "--conn", "8", "--peer-discard", "--peer-read-rate",
                "10KB/s");
        assertFalse(slow.stderr().contains("--peer-read-rate 10KB/s makes it"), "no hint for an option given: "
                + slow.stderr());
        // Read so, the live kernel's window shuts again and again (each reopening a segment wide, filled at once),
        // and from its first zero window to its last it lets us on no faster than 10 KB/s, give or take a few segments
        // over the ~4 s (9,584 measured).
        List<Integer> shut = Tshark.frames(pcap, "tcp.analysis.zero_window");
        assertTrue(shut.size() >= 10, "zero windows in frames " + shut + "\n" + slow.stderr());
        // Said side by side with the recording: tshark's count, and both paces.
        assertTrue(slow.stderr().contains("the live kernel advertised a zero window " + shut.size() + " times (recorded "
                + "15), and read about "), slow.stderr());
        assertTrue(slow.stderr().contains(" once it had (recorded about 10 KB/s)"), slow.stderr());
        long pace = dev.tcplab.analysis.RecordedConversation.read(pcap, 1).serverReadRate();
        assertTrue(pace > 0 && pace <= 12_000, "the live kernel's reading pace " + pace + " bytes/s");
        assertTrue(java.util.regex.Pattern.compile("transfer: segments out \\d+ \\(43440 payload bytes, \\d+ "
                + "retransmitted\\), in \\d+ \\(0 payload bytes\\)").matcher(slow.stdout()).find(),
                "all 43,440 bytes sent, none echoed: " + slow.stdout().lines().filter(l -> l.contains("transfer:")).toList());
    }

    @Test
    void aClientThatReadSlowlyIsFoundOutAndThenReenactedReadingAtTheRecordedPace() throws Exception {
        Live.require("ip", "ss", "ethtool", "tshark");
        // The recording: the kernel sends 64,000 bytes to a client (ours) that reads 16 KB/s from a 16,000-byte
        // window, so the client's window shuts again and again.
        Path recorded = dir.resolve("slow-client.pcap");
        Shell.Result made = CliLiveTest.tcplab(List.of(), "connect", "--peer-send", "64KB", "--window", "16KB",
                "--read-rate", "16KB/s", "--msl", "100ms", "--capture", recorded.toString(), "--format", "quiet");
        assertEquals(0, made.exitCode(), made.stderr());
        int recordedShut = Tshark.frames(recorded, "ip.src == 10.77.1.1 && tcp.analysis.zero_window").size();
        assertTrue(recordedShut >= 5, "the recording's client shut its window " + recordedShut + " times");

        // Re-enacted with the recorded server's replies, ours reads at once: no zero window, and the hint.
        Shell.Result fast = replay(recorded.toString(), "--peer-answers", "--peer-closes-first");
        assertTrue(fast.stderr().contains("the recorded client advertised a zero window " + recordedShut + " times"),
                fast.stderr());
        // The most window the recorded client offered: its 16,000 bytes in whole segments (11 × 1,448), as Linux's.
        assertTrue(fast.stderr().contains("--read-rate 16KB/s --window 15928 makes it read so"), fast.stderr());
        assertTrue(fast.stderr().contains("live, our client advertised a zero window 0 times (recorded " + recordedShut
                + ")"), fast.stderr());

        // With the hinted options, ours shuts its window as the recorded client did, at its pace, and reads all.
        Shell.Result slow = replay(recorded.toString(), "--peer-answers", "--peer-closes-first", "--read-rate", "16KB/s",
                "--window", "16000");
        assertFalse(slow.stderr().contains("makes it read so"), "no hint for options given: " + slow.stderr());
        Path live = dir.resolve("live.pcap");
        int liveShut = Tshark.frames(live, "ip.src == 10.77.1.1 && tcp.analysis.zero_window").size();
        assertTrue(liveShut >= recordedShut / 2, "live zero windows " + liveShut + ", recorded " + recordedShut);
        // Where the kernel's answers still part from the recording, the run says how our reading compared (since
        // our window is offered in whole segments as Linux's is, they often do not part at all).
        assertTrue(slow.stderr().contains("the live kernel answered as the recorded server did")
                || slow.stderr().contains("live, our client advertised a zero window " + liveShut + " times (recorded "
                + recordedShut + "), and read about "), slow.stderr());
        long pace = dev.tcplab.analysis.RecordedConversation.read(live, 1).clientReading().readRate();
        assertTrue(pace >= 10_000 && pace <= 22_000, "our reading pace " + pace + " bytes/s");
        assertTrue(java.util.regex.Pattern.compile("in \\d+ \\(64000 payload bytes\\)").matcher(slow.stdout()).find(),
                "all 64,000 bytes came: " + slow.stdout().lines().filter(l -> l.contains("transfer:")).toList());
    }

    @Test
    void aServerKernelsKeepaliveGivingUpOnACrashedClientIsReenactedWithItsTimersAndTheLostAnswers() {
        Live.require("ip", "ss", "ethtool");
        // The sample made with connect --peer-keepalive 1,1,3 --drop in:keepalive:all: three probes nobody answered
        // (tshark: frames 10-12), then the kernel's RST (13). The client never closed; it stayed on 4.07 s.
        Shell.Result r = replay("captures/keepalive-crashed-client.pcap");
        assertEquals(1, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("18 bytes in 1 piece; the server reset the connection"), r.stderr());
        assertTrue(r.stderr().contains("the recorded server's kernel probed the quiet connection with keep-alives (3 from "
                + "frame 10) that nobody answered: --peer-keepalive 1,1,3 gives the lab's peer the same, and --drop "
                + "in:keepalive:all loses our answers"), r.stderr());
        assertFalse(r.stderr().contains("--peer-rst-close"), "the kernel's RST, not an application's: " + r.stderr());
        assertTrue(r.stdout().contains("replay: the recorded client never closed; the live peer has not ended the "
                + "connection after"), r.stdout());

        Shell.Result same = replay("captures/keepalive-crashed-client.pcap", "--peer-keepalive", "1,1,3", "--drop",
                "in:keepalive:all");
        assertEquals(0, same.exitCode(), same.stderr());
        assertTrue(same.stderr().contains("answered as the recorded server did: 7 segments"), same.stderr());
        assertTrue(same.stdout().contains("connection reset by the peer"), same.stdout());
    }

    @Test
    void aCaptureWithoutTheConnectionAskedForIsAUsageError() {
        Live.require("ip", "ss", "ethtool");
        Shell.Result r = replay("captures/handshake-echo-close.pcap", "--conn", "7");
        assertEquals(2, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("has no connection 7"), r.stderr());
    }
}
