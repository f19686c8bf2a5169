package dev.tcplab.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcplab.endpoint.TcpConfig;
import dev.tcplab.endpoint.TcpConnection;
import dev.tcplab.endpoint.TcpState;
import dev.tcplab.lab.ConnectOptions;
import dev.tcplab.lab.ConnectOutcome;
import dev.tcplab.lab.ConnectRun;
import dev.tcplab.lab.PeerOptions;
import dev.tcplab.lab.RstGuard;
import dev.tcplab.link.FaultRule;
import dev.tcplab.netns.LabNetwork;
import dev.tcplab.trace.TraceEvent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
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

/**
 * The seed notes' claims about closing and the handshake, provoked against a real kernel with
 * injected faults, and read off the capture (tshark) and the kernel's own state (ss).
 */
@Tag("live")
class SeedClaimsLiveTest {
    static final String US = LabNetwork.USERSPACE_ADDR.toString();

    @TempDir
    Path dir;
    final List<TraceEvent> events = new ArrayList<>();
    final StringWriter info = new StringWriter();
    Path pcap;

    @BeforeEach
    void needRoot() {
        Live.require("ip", "ss", "tshark", "ethtool");
        pcap = dir.resolve("run.pcap");
    }

    @AfterEach
    void nothingLeft() {
        Live.assertNothingLeft();
    }

    ConnectOptions options(Duration msl, String payload) {
        return new ConnectOptions(null, null, null, 0, 7, payload.getBytes(), TcpConfig.defaults().withMsl(msl),
                RstGuard.ADDRESS, pcap, Duration.ofSeconds(30), Duration.ofSeconds(2));
    }

    ConnectRun runner(ConnectOptions o) {
        return new ConnectRun(o, events::add, new PrintWriter(info, true));
    }

    long stateTime(String to) {
        return events.stream().filter(e -> e instanceof TraceEvent.StateChange c && c.to().equals(to))
                .mapToLong(TraceEvent::timeNanos).findFirst().orElseThrow(() -> new AssertionError("never " + to));
    }

    /** Seed: "the last ACK may be lost; the peer retransmits FIN; TIME_WAIT re-sends the ACK and restarts 2MSL". */
    @Test
    void lostFinalAckMakesTheKernelRetransmitItsFinAndOurTimeWaitRestarts() throws Exception {
        Duration msl = Duration.ofMillis(500);
        ConnectRun r = runner(options(msl, "bye\n")
                .withFaults(List.of(FaultRule.parse(FaultRule.Action.DROP, "out:final-ack"))));
        ConnectOutcome o = r.execute();
        assertTrue(o.complete("bye\n".getBytes()), () -> o + "\n" + info);

        // The wire: the kernel's FIN twice (same number), and our only ACK of it after the second.
        List<Tshark.Row> rows = Tshark.tcp(pcap);
        List<Tshark.Row> theirFins = rows.stream().filter(x -> !x.src().equals(US) && x.hasFin()).toList();
        assertEquals(2, theirFins.size(), "FIN and its retransmission");
        assertEquals(theirFins.get(0).seq(), theirFins.get(1).seq(), "a retransmission carries the same seq");
        long finPlus1 = (theirFins.get(0).seq() + 1) & 0xFFFF_FFFFL;
        List<Tshark.Row> ourAcksOfFin = rows.stream()
                .filter(x -> x.src().equals(US) && x.ack() == finPlus1 && !x.hasFin()).toList();
        assertEquals(1, ourAcksOfFin.size(), "the first ACK never reached the wire; the re-ACK did");
        assertTrue(ourAcksOfFin.get(0).time() > theirFins.get(1).time());

        // The kernel's view: while our ACK was missing it sat in LAST-ACK.
        assertEquals("LAST-ACK", r.kernelStates().get(TcpState.TIME_WAIT));

        // Our timer: CLOSED comes 2MSL after the retransmitted FIN, not 2MSL after entering TIME_WAIT.
        // (1 ms of slack: the timer runs on the monotonic clock, the trace on frame timestamps.)
        long enteredTimeWait = stateTime("TIME_WAIT");
        long closed = stateTime("CLOSED");
        long secondFin = events.stream().filter(e -> e instanceof TraceEvent.SegmentEvent s
                && s.direction() == dev.tcplab.trace.Direction.IN && s.segment().flags().fin())
                .mapToLong(TraceEvent::timeNanos).skip(1).findFirst().orElseThrow();
        assertTrue(events.stream().anyMatch(e -> e instanceof TraceEvent.SegmentEvent s && s.why() != null
                && s.why().en().startsWith("re-ACK")), "the re-ACK is in our timeline");
        long twoMsl = 2 * msl.toNanos();
        long slack = 1_000_000L;
        assertTrue(closed - secondFin >= twoMsl - slack, "CLOSED " + (closed - secondFin) / 1e6
                + " ms after the retransmitted FIN");
        assertTrue(closed - enteredTimeWait >= twoMsl + (secondFin - enteredTimeWait) - slack,
                "the restart shows: TIME_WAIT lasted " + (closed - enteredTimeWait) / 1e6 + " ms");

        // And the record beside the capture says what was injected.
        List<String> faults = Files.readAllLines(ConnectRun.faultRecordPath(pcap));
        assertEquals(1, faults.size());
        assertTrue(faults.get(0).contains("\"rule\":\"--drop out:final-ack:1\""), faults.get(0));
    }

    /**
     * TIME_WAIT's other side: an old duplicate that reaches it is answered, not taken for new data. The
     * kernel's echo is held back 600 ms; the kernel retransmits it, the connection closes, and the old copy
     * reaches us in TIME_WAIT. We ACK it; the kernel, closed, answers RST, and the RST ends our TIME_WAIT long
     * before 2MSL: RFC 1337's TIME-WAIT assassination, which RFC 9293 allows and Linux does by default.
     */
    @Test
    void anOldDuplicateInTimeWaitIsAckedAndTheClosedKernelsRstCutsTimeWaitShort() {
        Duration msl = Duration.ofSeconds(2);
        ConnectRun r = runner(options(msl, "late\n")
                .withFaults(List.of(FaultRule.parse(FaultRule.Action.DELAY, "in:data:1:600ms"))));
        ConnectOutcome o = r.execute();
        assertEquals(TcpConnection.TIME_WAIT_CUT_SHORT.en(), o.closeReason(), info::toString);
        assertTrue(o.complete("late\n".getBytes()), "the echo and the close happened before: " + o);
        long inTimeWait = stateTime("CLOSED") - stateTime("TIME_WAIT");
        assertTrue(inTimeWait < msl.toNanos(), "TIME_WAIT cut short: " + inTimeWait / 1e6 + " ms of a 2MSL of "
                + 2 * msl.toMillis() + " ms");

        // The wire, as tshark reads it: the kernel's data twice (the copy held back, and the retransmission),
        // and at the end our ACK, then the kernel's RST.
        List<Tshark.Row> rows = Tshark.tcp(pcap);
        List<Tshark.Row> theirData = rows.stream().filter(x -> !x.src().equals(US) && x.len() > 0).toList();
        assertEquals(2, theirData.size(), "the echo and its retransmission");
        assertEquals(theirData.get(0).seq(), theirData.get(1).seq());
        Tshark.Row last = rows.get(rows.size() - 1);
        Tshark.Row beforeLast = rows.get(rows.size() - 2);
        assertTrue(last.hasRst() && !last.src().equals(US), "the kernel's RST ends the capture: " + last);
        assertTrue(beforeLast.src().equals(US) && beforeLast.hasAck() && !beforeLast.hasFin() && beforeLast.len() == 0,
                "after our ACK of the old copy: " + beforeLast);
    }

    /** Seed: "why not two-way: if the third segment is missing, the server retransmits and never gets going". */
    @Test
    void withoutTheThirdSegmentTheKernelStaysInSynRecvAndRetransmitsSynAckWithDoublingGaps() {
        ConnectRun r = runner(options(Duration.ofMillis(100), "")
                .withFaults(List.of(FaultRule.parse(FaultRule.Action.DROP, "out:third-ack:all")))
                .withHold(Duration.ofMillis(3500))
                .withPeerOptions(PeerOptions.DEFAULT.withSysctls(Map.of("net.ipv4.tcp_synack_retries", "2"))));
        r.execute();

        assertEquals("SYN-RECV", r.kernelStates().get(TcpState.ESTABLISHED),
                "we think ESTABLISHED; the kernel, lacking the third segment, does not");
        List<Tshark.Row> rows = Tshark.tcp(pcap);
        List<Tshark.Row> synAcks = rows.stream().filter(x -> x.hasSyn() && x.hasAck()).toList();
        assertEquals(3, synAcks.size(), "SYN+ACK and two retransmissions (tcp_synack_retries=2 in the peer)");
        double gap1 = synAcks.get(1).time() - synAcks.get(0).time();
        double gap2 = synAcks.get(2).time() - synAcks.get(1).time();
        assertTrue(gap1 > 0.8 && gap1 < 1.5, "first retransmission after ~1 s: " + gap1);
        assertTrue(gap2 / gap1 > 1.6 && gap2 / gap1 < 2.4, "the gap doubles: " + gap1 + " then " + gap2);
        long kPlus1 = (synAcks.get(0).seq() + 1) & 0xFFFF_FFFFL;
        double firstFin = rows.stream().filter(Tshark.Row::hasFin).mapToDouble(Tshark.Row::time).min().orElseThrow();
        assertFalse(rows.stream().anyMatch(x -> x.src().equals(US) && x.ack() == kPlus1 && x.time() < firstFin
                && !x.hasFin() && x.len() == 0), "no third-segment ACK was on the wire");
    }

    /** Seed: "closing takes four segments because the server ACKs at once but sends its FIN when its app closes". */
    @Test
    void aPeerThatClosesLateShowsFourSegmentsAndCloseWait() {
        ConnectRun r = runner(options(Duration.ofMillis(100), "four\n")
                .withPeerOptions(PeerOptions.DEFAULT.withCloseDelay(Duration.ofMillis(600))));
        ConnectOutcome o = r.execute();
        assertTrue(o.complete("four\n".getBytes()), () -> o + "\n" + info);
        assertEquals("CLOSE-WAIT", r.kernelStates().get(TcpState.FIN_WAIT_2),
                "the kernel ACKed our FIN and waits for its application");

        List<Tshark.Row> rows = Tshark.tcp(pcap);
        Tshark.Row ourFin = rows.stream().filter(x -> x.src().equals(US) && x.hasFin()).findFirst().orElseThrow();
        long finPlus1 = (ourFin.seq() + 1) & 0xFFFF_FFFFL;
        Tshark.Row theirAck = rows.stream().filter(x -> !x.src().equals(US) && x.ack() == finPlus1 && !x.hasFin())
                .findFirst().orElseThrow(() -> new AssertionError("the kernel's ACK of our FIN came alone"));
        Tshark.Row theirFin = rows.stream().filter(x -> !x.src().equals(US) && x.hasFin()).findFirst().orElseThrow();
        Tshark.Row lastAck = rows.get(rows.size() - 1);
        assertTrue(theirFin.time() - theirAck.time() > 0.5, "ACK first, FIN when the app closed");
        assertTrue(lastAck.src().equals(US) && lastAck.ack() == ((theirFin.seq() + 1) & 0xFFFF_FFFFL));
        assertTrue(ourFin.frame() < theirAck.frame() && theirAck.frame() < theirFin.frame()
                && theirFin.frame() < lastAck.frame(), "four segments in order");
    }
}
