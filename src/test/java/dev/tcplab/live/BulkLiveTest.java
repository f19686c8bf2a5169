package dev.tcplab.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcplab.endpoint.TcpConfig;
import dev.tcplab.lab.ConnectOptions;
import dev.tcplab.lab.ConnectOutcome;
import dev.tcplab.lab.ConnectRun;
import dev.tcplab.lab.Payloads;
import dev.tcplab.lab.PeerOptions;
import dev.tcplab.lab.RstGuard;
import dev.tcplab.netns.LabNetwork;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Megabytes both ways against the kernel, on a clean link and on one that loses segments. */
@Tag("live")
class BulkLiveTest {
    static final String US = LabNetwork.USERSPACE_ADDR.toString();

    @TempDir
    Path dir;
    final StringWriter info = new StringWriter();
    Path pcap;

    @BeforeEach
    void needRoot() {
        Live.require("ip", "ss", "tshark", "ethtool", "iptables");
        pcap = dir.resolve("bulk.pcap");
    }

    @AfterEach
    void nothingLeft() {
        Live.assertNothingLeft();
    }

    ConnectOutcome run(byte[] payload, PeerOptions peer) {
        ConnectOptions o = new ConnectOptions(null, null, null, 0, 7, payload,
                TcpConfig.defaults().withMsl(Duration.ofMillis(100)).withDelayedAcks(true), RstGuard.ADDRESS, pcap,
                Duration.ofSeconds(150), Duration.ofSeconds(5)).withPeerOptions(peer);
        return new ConnectRun(o, e -> { }, new PrintWriter(info, true)).execute();
    }

    /** Issue 3: "5-10 % random loss: handshake, 10 MB both ways and close still complete with identical SHA-256". */
    @Test
    void tenMegabytesBothWaysThroughFivePercentLossArriveIntact() throws Exception {
        byte[] payload = Payloads.stream(10_000_000);
        ConnectOutcome o = run(payload, PeerOptions.DEFAULT.withLoss(5));
        assertTrue(o.complete(payload), () -> o + "\n" + info);
        String sent = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(payload));
        assertEquals(sent, o.receivedSha256(), "the echo's SHA-256 is the payload's");
        assertTrue(o.tally().retransmissions() > 0, "the loss made us retransmit: " + o.tally().describe());
        assertTrue(!Tshark.frames(pcap, "tcp.analysis.retransmission && ip.src == " + US).isEmpty(),
                "tshark sees our retransmissions too");
        assertTrue(!Tshark.frames(pcap, "tcp.analysis.retransmission && ip.src != " + US).isEmpty(),
                "and the kernel's, for the segments its side lost");
    }

    @Test
    void aStreamFromTheKernelArrivesWithTheSha256ItSent() {
        ConnectOutcome o = run(new byte[0], PeerOptions.DEFAULT.withSendBytes(20_000_000));
        assertTrue(o.complete(new byte[0]), () -> o + "\n" + info);
        assertEquals(20_000_000, o.receivedCount());
        assertEquals(o.peerSentSha256(), o.receivedSha256());
    }
}
