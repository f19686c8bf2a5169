package dev.tcplab.live;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcplab.endpoint.TcpConfig;
import dev.tcplab.endpoint.TcpState;
import dev.tcplab.lab.ConnectOptions;
import dev.tcplab.lab.ConnectOutcome;
import dev.tcplab.lab.ConnectRun;
import dev.tcplab.lab.RstGuard;
import dev.tcplab.netns.LabNetwork;
import dev.tcplab.trace.TraceEvent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
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
 * The first slice against a real Linux kernel in the embedded lab network: handshake, echo and
 * active close, checked three ways: our timeline, the kernel's own socket state (ss), and the
 * capture re-read by tshark.
 */
@Tag("live")
class ConnectLiveTest {
    static final Duration MSL = Duration.ofMillis(250);
    static final byte[] PAYLOAD = "seq/ack, live\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;
    final List<TraceEvent> events = new ArrayList<>();
    final StringWriter info = new StringWriter();

    @BeforeEach
    void needRoot() {
        Live.require("ip", "ss", "tshark", "iptables", "ethtool");
    }

    @AfterEach
    void nothingLeft() {
        Live.assertNothingLeft();
    }

    ConnectOptions options(RstGuard guard, Path capture) {
        TcpConfig tcp = TcpConfig.defaults().withMsl(MSL);
        return new ConnectOptions(null, null, null, 0, 7, PAYLOAD, tcp, guard, capture, Duration.ofSeconds(20),
                Duration.ofSeconds(2));
    }

    ConnectRun run(RstGuard guard, Path capture) {
        return new ConnectRun(options(guard, capture), events::add, new PrintWriter(info, true));
    }

    long timeOfState(String state) {
        return events.stream().filter(e -> e instanceof TraceEvent.StateChange c && c.to().equals(state))
                .mapToLong(TraceEvent::timeNanos).findFirst().orElseThrow();
    }

    @Test
    void handshakeEchoAndActiveCloseAgainstTheKernel() {
        Path pcap = dir.resolve("connect.pcap");
        ConnectRun r = run(RstGuard.ADDRESS, pcap);
        ConnectOutcome o = r.execute();

        // Our side: the whole textbook sequence, the echo intact.
        assertTrue(o.complete(PAYLOAD), () -> "incomplete: " + o + "\n" + info);
        assertArrayEquals(PAYLOAD, o.received());
        assertEquals(List.of("SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT", "CLOSED"),
                Live.states(events));
        long timeWait = timeOfState("CLOSED") - timeOfState("TIME_WAIT");
        assertTrue(timeWait >= 2 * MSL.toNanos(), "TIME_WAIT lasted " + timeWait / 1e6 + " ms, less than 2MSL");

        // The kernel's side, as ss reports it: connected while we were, gone once we closed (so our
        // last ACK reached it: a lost one would have left it in LAST-ACK, retransmitting its FIN).
        Map<TcpState, String> kernel = r.kernelStates();
        assertEquals("ESTAB", kernel.get(TcpState.ESTABLISHED));
        assertEquals("none", kernel.get(TcpState.CLOSED));

        // The capture, decoded by tshark rather than by us.
        List<Tshark.Row> rows = Tshark.tcp(pcap);
        String us = LabNetwork.USERSPACE_ADDR.toString();
        Tshark.Row syn = rows.get(0);
        Tshark.Row synAck = rows.get(1);
        Tshark.Row ack = rows.get(2);
        assertTrue(syn.hasSyn() && !syn.hasAck() && syn.src().equals(us), "first frame is our SYN: " + syn);
        assertTrue(synAck.hasSyn() && synAck.hasAck(), "second is the kernel's SYN+ACK: " + synAck);
        assertEquals((syn.seq() + 1) & 0xFFFF_FFFFL, synAck.ack(), "SYN+ACK acknowledges ISN + 1");
        assertTrue(ack.hasAck() && !ack.hasSyn() && ack.src().equals(us), "third is our ACK: " + ack);
        assertEquals((synAck.seq() + 1) & 0xFFFF_FFFFL, ack.ack(), "our ACK acknowledges the kernel's ISN + 1");

        Tshark.Row ourData = rows.stream().filter(x -> x.src().equals(us) && x.len() > 0).findFirst().orElseThrow();
        assertEquals((syn.seq() + 1) & 0xFFFF_FFFFL, ourData.seq(), "data starts right after the SYN's number");
        assertTrue(rows.stream().anyMatch(x -> !x.src().equals(us) && x.ack() == ((ourData.seq() + PAYLOAD.length)
                & 0xFFFF_FFFFL)), "the kernel acknowledges last byte + 1");

        Tshark.Row ourFin = rows.stream().filter(x -> x.src().equals(us) && x.hasFin()).findFirst().orElseThrow();
        assertEquals((ourData.seq() + PAYLOAD.length) & 0xFFFF_FFFFL, ourFin.seq());
        assertTrue(rows.stream().anyMatch(x -> !x.src().equals(us) && x.ack() == ((ourFin.seq() + 1) & 0xFFFF_FFFFL)),
                "the kernel's ACK of our FIN is FIN + 1: the FIN consumed one number");
        Tshark.Row theirFin = rows.stream().filter(x -> !x.src().equals(us) && x.hasFin()).findFirst().orElseThrow();
        Tshark.Row lastAck = rows.get(rows.size() - 1);
        assertEquals((theirFin.seq() + 1) & 0xFFFF_FFFFL, lastAck.ack(), "our last ACK acknowledges their FIN + 1");

        for (Tshark.Row x : rows) {
            if (x.src().equals(us)) {
                assertEquals("1", x.checksumStatus(), "tshark finds our checksum good in frame " + x.frame());
            }
        }
        assertFalse(rows.stream().anyMatch(Tshark.Row::hasRst), "no RST on the wire");
    }

    @Test
    void firewallGuardUsesTheKernelsAddressAndItsRuleKeepsTheConnectionAlive() {
        Path pcap = dir.resolve("firewall.pcap");
        ConnectOutcome o = run(RstGuard.FIREWALL, pcap).execute();
        assertTrue(o.complete(PAYLOAD), () -> "incomplete: " + o + "\n" + info);
        assertTrue(info.toString().contains("--comment tcplab pid="), info.toString());
        assertFalse(Tshark.tcp(pcap).stream().anyMatch(Tshark.Row::hasRst), "the guard kept the kernel's RST off the wire");
    }

    @Test
    void withoutAGuardTheHostKernelResetsTheConnection() {
        // The control experiment for both guards: the kernel owns our address, knows no such
        // socket, and answers the peer's SYN+ACK with RST, which ends the connection at the peer.
        Path pcap = dir.resolve("noguard.pcap");
        ConnectOutcome o = run(RstGuard.NONE, pcap).execute();
        assertFalse(o.complete(PAYLOAD), "without a guard the run must not complete: " + o);
    }
}
