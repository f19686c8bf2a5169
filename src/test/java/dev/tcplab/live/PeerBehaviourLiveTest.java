package dev.tcplab.live;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcplab.endpoint.TcpConfig;
import dev.tcplab.lab.ConnectOptions;
import dev.tcplab.lab.ConnectOutcome;
import dev.tcplab.lab.ConnectRun;
import dev.tcplab.lab.PeerOptions;
import dev.tcplab.lab.RstGuard;
import dev.tcplab.netns.LabNetwork;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kernel peer's other behaviours: a discard server, and an application that closes with RST. */
@Tag("live")
class PeerBehaviourLiveTest {
    static final String US = LabNetwork.USERSPACE_ADDR.toString();

    @TempDir
    Path dir;
    final StringWriter info = new StringWriter();
    Path pcap;

    @BeforeEach
    void needRoot() {
        Live.require("ip", "ss", "tshark", "ethtool");
        pcap = dir.resolve("peer.pcap");
    }

    @AfterEach
    void nothingLeft() {
        Live.assertNothingLeft();
    }

    ConnectOutcome run(ConnectOptions o) {
        return new ConnectRun(o, e -> { }, new PrintWriter(info, true)).execute();
    }

    ConnectOptions options(PeerOptions peer) {
        return new ConnectOptions(null, null, null, 0, 7, "keep this\n".getBytes(),
                TcpConfig.defaults().withMsl(Duration.ofMillis(100)), RstGuard.ADDRESS, pcap, Duration.ofSeconds(20),
                Duration.ofSeconds(2)).withPeerOptions(peer);
    }

    @Test
    void aDiscardServerAcknowledgesOurDataAndSendsNone() {
        ConnectOptions o = options(PeerOptions.DEFAULT.withDiscard(true));
        ConnectOutcome out = run(o);
        assertTrue(out.complete(o.expectedBack()), () -> out + "\n" + info);
        List<Tshark.Row> rows = Tshark.tcp(pcap);
        assertFalse(rows.stream().anyMatch(r -> !r.src().equals(US) && r.len() > 0), "no data from the kernel");
        assertTrue(rows.stream().anyMatch(r -> !r.src().equals(US) && r.ack() > 0 && r.hasAck()), "but its ACKs");
    }

    @Test
    void anAbortiveCloseSendsRstInsteadOfFin() {
        ConnectOptions o = options(PeerOptions.DEFAULT.withResetOnClose(true));
        ConnectOutcome out = run(o);
        assertTrue(out.closeReason().startsWith("connection reset"), out.closeReason());
        assertTrue(out.complete(o.expectedBack()), "the reset asked for completes the run: " + out);
        List<Tshark.Row> rows = Tshark.tcp(pcap);
        assertTrue(rows.stream().anyMatch(r -> !r.src().equals(US) && r.hasRst()), "the kernel's RST");
        assertFalse(rows.stream().anyMatch(r -> !r.src().equals(US) && r.hasFin()), "and no FIN from it");
    }
}
