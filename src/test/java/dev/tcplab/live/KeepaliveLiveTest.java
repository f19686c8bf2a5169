package dev.tcplab.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcplab.endpoint.TcpConfig;
import dev.tcplab.lab.ConnectOptions;
import dev.tcplab.lab.ConnectOutcome;
import dev.tcplab.lab.ConnectRun;
import dev.tcplab.lab.PeerOptions;
import dev.tcplab.lab.RstGuard;
import dev.tcplab.link.FaultRule;
import dev.tcplab.netns.KernelPeer;
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

/**
 * The seed's keep-alive claim with lab timers (1 s idle, 1 s interval, 3 probes): the kernel probing
 * us, the kernel giving up on a silent ("crashed") client, and our own probes giving up on a silent
 * kernel. tshark's own keep-alive analysis is the witness on the wire.
 */
@Tag("live")
class KeepaliveLiveTest {
    static final String US = LabNetwork.USERSPACE_ADDR.toString();
    static final byte[] PAYLOAD = "still there?\n".getBytes();

    @TempDir
    Path dir;
    final StringWriter info = new StringWriter();
    Path pcap;

    @BeforeEach
    void needRoot() {
        Live.require("ip", "ss", "tshark", "ethtool");
        pcap = dir.resolve("ka.pcap");
    }

    @AfterEach
    void nothingLeft() {
        Live.assertNothingLeft();
    }

    ConnectOutcome run(TcpConfig tcp, PeerOptions peer, Duration hold, String... drops) {
        List<FaultRule> faults = java.util.Arrays.stream(drops)
                .map(d -> FaultRule.parse(FaultRule.Action.DROP, d)).toList();
        ConnectOptions o = new ConnectOptions(null, null, null, 0, 7, PAYLOAD, tcp, RstGuard.ADDRESS, pcap,
                Duration.ofSeconds(20), Duration.ofSeconds(2)).withPeerOptions(peer).withHold(hold).withFaults(faults);
        return new ConnectRun(o, e -> { }, new PrintWriter(info, true)).execute();
    }

    static TcpConfig quick() {
        return TcpConfig.defaults().withMsl(Duration.ofMillis(100));
    }

    static PeerOptions kernelKeepalive() {
        return PeerOptions.DEFAULT.withKeepalive(new KernelPeer.Keepalive(1, 1, 3));
    }

    @Test
    void kernelProbesThatAreAnsweredKeepTheConnectionAlive() {
        ConnectOutcome o = run(quick(), kernelKeepalive(), Duration.ofMillis(3500));
        assertTrue(o.complete(PAYLOAD), () -> o + "\n" + info);
        List<Integer> probes = Tshark.frames(pcap, "tcp.analysis.keep_alive && ip.src != " + US);
        List<Integer> answers = Tshark.frames(pcap, "tcp.analysis.keep_alive_ack && ip.src == " + US);
        assertTrue(probes.size() >= 3, "the kernel probed the idle connection: " + probes);
        assertEquals(probes.size(), answers.size(), "every probe answered");
        assertTrue(Tshark.frames(pcap, "tcp.flags.reset == 1").isEmpty(), "no reset");
    }

    @Test
    void aSilentClientIsResetByTheKernelAfterItsCountOfProbes() {
        ConnectOutcome o = run(quick(), kernelKeepalive(), Duration.ofSeconds(10), "in:keepalive:all");
        assertTrue(o.closeReason().startsWith("connection reset"), o.closeReason());
        List<Tshark.Row> rows = Tshark.tcp(pcap);
        List<Integer> probes = Tshark.frames(pcap, "tcp.analysis.keep_alive && ip.src != " + US);
        assertEquals(3, probes.size(), "TCP_KEEPCNT = 3 probes, then no more");
        Tshark.Row rst = rows.stream().filter(Tshark.Row::hasRst).findFirst().orElseThrow();
        assertTrue(!rst.src().equals(US), "the kernel sent the RST");
        double lastProbe = rows.stream().filter(r -> r.frame() == probes.get(2)).findFirst().orElseThrow().time();
        assertTrue(rst.time() - lastProbe > 0.8 && rst.time() - lastProbe < 1.5,
                "the RST one interval after the last probe: " + (rst.time() - lastProbe));
        assertTrue(Tshark.frames(pcap, "tcp.analysis.keep_alive_ack").isEmpty(), "nobody answered");
    }

    @Test
    void ourKeepaliveAbortsAgainstAKernelThatWentSilent() {
        TcpConfig tcp = quick().withKeepalive(new TcpConfig.Keepalive(Duration.ofSeconds(1), Duration.ofSeconds(1), 3));
        ConnectOutcome o = run(tcp, PeerOptions.DEFAULT, Duration.ofSeconds(10), "in:ack:all");
        assertTrue(o.closeReason().contains("3 probes unanswered"), o.closeReason());
        List<Tshark.Row> rows = Tshark.tcp(pcap);
        List<Integer> probes = Tshark.frames(pcap, "tcp.analysis.keep_alive && ip.src == " + US);
        assertEquals(3, probes.size(), "our three probes, as tshark sees them");
        List<Double> times = rows.stream().filter(r -> probes.contains(r.frame())).map(Tshark.Row::time).toList();
        assertTrue(times.get(1) - times.get(0) > 0.9 && times.get(2) - times.get(1) > 0.9, "one interval apart");
        Tshark.Row rst = rows.stream().filter(Tshark.Row::hasRst).findFirst().orElseThrow();
        assertEquals(US, rst.src(), "we sent the RST when we gave up");
    }
}
