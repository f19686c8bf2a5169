package dev.tcplab.lab;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcplab.endpoint.TcpConfig;
import dev.tcplab.link.FaultRule;
import dev.tcplab.netns.KernelPeer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class AskedEndingTest {
    static final PeerOptions PROBING = PeerOptions.DEFAULT.withKeepalive(new KernelPeer.Keepalive(1, 1, 3));
    static final TcpConfig OURS_PROBING = TcpConfig.defaults().withKeepalive(
            new TcpConfig.Keepalive(Duration.ofSeconds(1), Duration.ofSeconds(1), 3));

    static List<FaultRule> drop(String rule) {
        return List.of(FaultRule.parse(FaultRule.Action.DROP, rule));
    }

    @Test
    void aCleanCloseIsAskedForUnlessTheOptionsSaySomethingElse() {
        assertNull(AskedEnding.of(PeerOptions.DEFAULT, TcpConfig.defaults(), List.of()));
        assertNull(AskedEnding.of(PROBING, TcpConfig.defaults(), List.of()), "probes answered: the close is clean");
        assertNull(AskedEnding.of(PeerOptions.DEFAULT, TcpConfig.defaults(), drop("in:keepalive:all")),
                "nobody probes");
        assertNull(AskedEnding.of(PROBING, TcpConfig.defaults(), drop("out:keepalive:all")), "our probes, not theirs");
        assertNull(AskedEnding.of(PeerOptions.DEFAULT, OURS_PROBING, drop("in:data:1")), "the answers still come");
    }

    @Test
    void eachAskedEndingMatchesItsOwnCloseReasonOnly() {
        AskedEnding rst = AskedEnding.of(PeerOptions.DEFAULT.withResetOnClose(true), TcpConfig.defaults(), List.of());
        assertTrue(rst.happened("connection reset by the peer (RST in CLOSE_WAIT)"));
        assertFalse(rst.happened("2MSL passed in TIME_WAIT without a retransmitted FIN"));
        AskedEnding crashedClient = AskedEnding.of(PROBING, TcpConfig.defaults(), drop("in:keepalive:all"));
        assertTrue(crashedClient.happened("connection reset by the peer (RST in ESTABLISHED)"));
        assertFalse(crashedClient.happened("aborted: keep-alive: 3 probes unanswered; the peer is taken for dead"));
        for (String rule : new String[] {"in:ack:all", "in:any:all"}) {
            AskedEnding ours = AskedEnding.of(PeerOptions.DEFAULT, OURS_PROBING, drop(rule));
            assertTrue(ours.happened("aborted: keep-alive: 3 probes unanswered; the peer is taken for dead"), rule);
            assertFalse(ours.happened("connection reset by the peer (RST in ESTABLISHED)"), rule);
        }
    }
}
