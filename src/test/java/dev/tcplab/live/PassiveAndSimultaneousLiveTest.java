package dev.tcplab.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcplab.endpoint.TcpConfig;
import dev.tcplab.endpoint.TcpState;
import dev.tcplab.lab.ConnectOptions;
import dev.tcplab.lab.ConnectOutcome;
import dev.tcplab.lab.ConnectRun;
import dev.tcplab.lab.ListenOptions;
import dev.tcplab.lab.ListenOutcome;
import dev.tcplab.lab.ListenRun;
import dev.tcplab.lab.PeerOptions;
import dev.tcplab.lab.RstGuard;
import dev.tcplab.link.FaultRule;
import dev.tcplab.netns.LabNetwork;
import dev.tcplab.trace.TraceEvent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kernel as the client (our passive open and passive close), and both sides closing at once. */
@Tag("live")
class PassiveAndSimultaneousLiveTest {
    static final String US = LabNetwork.USERSPACE_ADDR.toString();

    @TempDir
    Path dir;
    final List<TraceEvent> events = new ArrayList<>();
    final StringWriter info = new StringWriter();

    @BeforeEach
    void needRoot() {
        Live.require("ip", "ss", "tshark", "ethtool");
    }

    @AfterEach
    void nothingLeft() {
        Live.assertNothingLeft();
    }

    @Test
    void aListeningApplicationOfOursThatReadsSlowlyOffersItsSmallWindowASegmentAtATimeAndEchoesEverything()
            throws Exception {
        // The kernel client sends 64,000 bytes into our 16,000-byte window; ours reads 16 KB/s and echoes what it
        // has read. Our window shuts, and reopens only by a segment (1,448 bytes) or more (RFC 1122 §4.2.3.3).
        byte[] payload = dev.tcplab.lab.Payloads.stream(64_000);
        Path pcap = dir.resolve("listen-slow.pcap");
        ListenRun r = new ListenRun(new ListenOptions(null, null, null, 8080, payload,
                TcpConfig.defaults().withMsl(Duration.ofMillis(100)).withReceiveWindow(16_000), RstGuard.ADDRESS, pcap,
                Duration.ofSeconds(20), Duration.ZERO, List.of(), PeerOptions.DEFAULT).withReading(Duration.ZERO, 16_000),
                events::add, new PrintWriter(info, true));
        ListenOutcome o = r.execute();
        assertTrue(o.complete(payload, true), () -> "every byte echoed, and a passive close: " + o + "\n" + info);
        dev.tcplab.host.Shell.Result ours = dev.tcplab.host.Shell.run(List.of("tshark", "-r", pcap.toString(), "-Y",
                "ip.src == " + US + " && tcp.flags.syn == 0", "-T", "fields", "-e", "tcp.window_size"));
        List<Long> windows = ours.stdout().lines().map(String::trim).filter(l -> !l.isEmpty()).map(Long::parseLong)
                .toList();
        int shut = 0;
        for (int i = 1; i < windows.size(); i++) {
            assertTrue(windows.get(i) <= 16_000, "never more than our buffer: " + windows);
            if (windows.get(i - 1) == 0 && windows.get(i) > 0) {
                shut++;
                // A segment less the scale's rounding: a field of 11 × 128 = 1,408 for 1,448 bytes.
                assertTrue(windows.get(i) >= 1408, "reopened by only " + windows.get(i) + " bytes: " + windows);
            }
        }
        assertTrue(shut >= 5, "our window shut and reopened " + shut + " times: " + windows);
        // The capture's analysis finds the server (us) reading at about our pace, from its zero windows.
        long pace = dev.tcplab.analysis.RecordedConversation.read(pcap, 1).serverReadRate();
        assertTrue(pace >= 10_000 && pace <= 22_000, "our reading pace " + pace + " bytes/s");
    }

    @Test
    void passiveOpenFromAKernelClientAndPassiveClose() {
        byte[] payload = "from the kernel\n".getBytes();
        Path pcap = dir.resolve("listen.pcap");
        ListenRun r = new ListenRun(new ListenOptions(null, null, null, 8080, payload,
                TcpConfig.defaults().withMsl(Duration.ofMillis(100)), RstGuard.ADDRESS, pcap, Duration.ofSeconds(20),
                Duration.ofMillis(300), List.of(), PeerOptions.DEFAULT), events::add, new PrintWriter(info, true));
        ListenOutcome o = r.execute();
        assertTrue(o.complete(payload, true), () -> o + "\n" + info);
        assertEquals(List.of("LISTEN", "SYN_RECEIVED", "ESTABLISHED", "CLOSE_WAIT", "LAST_ACK", "CLOSED"), Live.states(events));

        Map<TcpState, String> kernel = r.kernelStates();
        assertEquals("ESTAB", kernel.get(TcpState.ESTABLISHED));
        assertEquals("FIN-WAIT-2", kernel.get(TcpState.CLOSE_WAIT), "it has our ACK of its FIN, not yet our FIN");
        assertEquals("TIME-WAIT", kernel.get(TcpState.CLOSED), "the active closer waits; Linux for 60 s");

        List<Tshark.Row> rows = Tshark.tcp(pcap);
        Tshark.Row syn = rows.get(0);
        Tshark.Row synAck = rows.get(1);
        Tshark.Row ack = rows.get(2);
        assertTrue(syn.hasSyn() && !syn.hasAck() && !syn.src().equals(US), "the kernel's SYN opens: " + syn);
        assertTrue(synAck.hasSyn() && synAck.hasAck() && synAck.src().equals(US), "our SYN+ACK: " + synAck);
        assertEquals((syn.seq() + 1) & 0xFFFF_FFFFL, synAck.ack());
        assertEquals((synAck.seq() + 1) & 0xFFFF_FFFFL, ack.ack(), "the kernel's third segment ACKs our ISN + 1");
        // Four segments to close: their FIN, our ACK, (300 ms of CLOSE_WAIT), our FIN, their ACK.
        Tshark.Row theirFin = rows.stream().filter(x -> !x.src().equals(US) && x.hasFin()).findFirst().orElseThrow();
        Tshark.Row ourFin = rows.stream().filter(x -> x.src().equals(US) && x.hasFin()).findFirst().orElseThrow();
        assertTrue(ourFin.time() - theirFin.time() >= 0.29, "our application closed 300 ms later");
        assertTrue(rows.stream().anyMatch(x -> x.src().equals(US) && !x.hasFin() && x.len() == 0
                && x.ack() == ((theirFin.seq() + 1) & 0xFFFF_FFFFL) && x.frame() < ourFin.frame()),
                "their FIN was ACKed at once, alone");
    }

    /**
     * The kernel's application closes 20 ms after its echo, and ours right after receiving it; our
     * FIN is held 50 ms on the link (a slow link), so the kernel's FIN always reaches us while ours is
     * still unacknowledged: without the delay, ours would reach the kernel first. (Our ACK of the kernel's
     * FIN then goes before our FIN; {@link #aFinHeldUntilTheirsHasComeCrossesItInTextbookOrder} is the
     * recipe that keeps the order.)
     */
    @Test
    void finsThatCrossMakeASimultaneousCloseThroughClosing() {
        List<Tshark.Row> rows = simultaneousClose("out:fin:1:50ms");
        Tshark.Row ourFin = rows.stream().filter(x -> x.src().equals(US) && x.hasFin()).findFirst().orElseThrow();
        Tshark.Row theirFin = rows.stream().filter(x -> !x.src().equals(US) && x.hasFin()).findFirst().orElseThrow();
        assertTrue(ourFin.ack() != ((theirFin.seq() + 1) & 0xFFFF_FFFFL)
                        && theirFin.ack() != ((ourFin.seq() + 1) & 0xFFFF_FFFFL),
                "neither FIN acknowledges the other: they crossed");
    }

    /**
     * The recipe the README gives, {@code --delay out:fin:1:until-fin}: our FIN waits on the link only until the
     * kernel's has come, and leaves just before we take theirs in; so on the wire (tshark) the two FINs, then the
     * two ACKs, each side's acknowledging the other's FIN.
     */
    @Test
    void aFinHeldUntilTheirsHasComeCrossesItInTextbookOrder() {
        List<Tshark.Row> rows = simultaneousClose("out:fin:1:until-fin");
        List<Tshark.Row> close = rows.subList(rows.size() - 4, rows.size());
        assertTrue(close.get(0).hasFin() && !close.get(0).src().equals(US), "the kernel's FIN first: " + close);
        assertTrue(close.get(1).hasFin() && close.get(1).src().equals(US), "then ours: " + close);
        assertEquals(close.get(0).seq(), close.get(1).ack(), "ours acknowledges nothing of theirs: " + close);
        assertEquals(close.get(1).seq(), close.get(0).ack(), "nor theirs of ours: " + close);
        Tshark.Row ourAck = close.stream().filter(x -> x.src().equals(US) && !x.hasFin()).findFirst().orElseThrow();
        Tshark.Row theirAck = close.stream().filter(x -> !x.src().equals(US) && !x.hasFin()).findFirst().orElseThrow();
        assertEquals((close.get(0).seq() + 1) & 0xFFFF_FFFFL, ourAck.ack(), "our ACK of their FIN, after our FIN");
        assertEquals((close.get(1).seq() + 1) & 0xFFFF_FFFFL, theirAck.ack(), "their ACK of ours");
    }

    /**
     * An echo whose kernel closes 20 ms after it (ours right after receiving it), our FIN delayed by
     * {@code finDelay}: both sides pass through CLOSING. The capture's TCP frames, as tshark reads them.
     */
    private List<Tshark.Row> simultaneousClose(String finDelay) {
        byte[] payload = "cross\n".getBytes();
        Path pcap = dir.resolve("simultaneous.pcap");
        ConnectOutcome o = new ConnectRun(new ConnectOptions(null, null, null, 0, 7, payload,
                TcpConfig.defaults().withMsl(Duration.ofMillis(100)), RstGuard.ADDRESS, pcap, Duration.ofSeconds(20),
                Duration.ofSeconds(2)).withPeerOptions(PeerOptions.DEFAULT.withCloseFirst(true))
                .withFaults(List.of(FaultRule.parse(FaultRule.Action.DELAY, finDelay))),
                events::add, new PrintWriter(info, true)).execute();
        assertTrue(o.complete(payload), () -> o + "\n" + info);
        assertEquals(List.of("SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "CLOSING", "TIME_WAIT", "CLOSED"), Live.states(events));
        return Tshark.tcp(pcap);
    }
}
