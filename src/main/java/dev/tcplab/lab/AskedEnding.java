package dev.tcplab.lab;

import dev.tcplab.endpoint.TcpConfig;
import dev.tcplab.link.FaultRule;
import dev.tcplab.link.SegmentKind;
import dev.tcplab.text.Text;
import java.util.List;

/**
 * An ending other than a clean close that a connect run's options asked for, so that reaching it is
 * the run done, not a failure: the kernel's RST of an abortive close (--peer-rst-close), the kernel
 * giving up on a client whose answers to its keep-alive probes are dropped (a crashed client, as the
 * seed notes tell it), or our own keep-alive giving up when the kernel's answers are dropped.
 *
 * @param reasonStart how the connection's close reason begins when this ending happened
 * @param why         said after the close reason in the run's last line
 */
public record AskedEnding(String reasonStart, Text why) {

    private static final String RESET_BY_PEER = "connection reset by the peer";

    /** The ending the options ask for, or null when they ask for a clean close. */
    public static AskedEnding of(PeerOptions peer, TcpConfig tcp, List<FaultRule> faults) {
        if (peer.resetOnClose()) {
            return new AskedEnding(RESET_BY_PEER, Text.of("the abortive close --peer-rst-close asked for",
                    "这正是 --peer-rst-close 要求的中止式关闭"));
        }
        if (peer.keepalive() != null && dropsInbound(faults, SegmentKind.KEEPALIVE)) {
            return new AskedEnding(RESET_BY_PEER, Text.of("the kernel's keep-alive gave up on a peer that stopped "
                    + "answering, as --peer-keepalive with --drop in:keepalive asked",
                    "内核的保活放弃了不再回应的对端，正如 --peer-keepalive 加 --drop in:keepalive 所要求的"));
        }
        // The kernel answers a probe with a pure ACK (an ACK at RCV.NXT); `any` drops those too.
        if (tcp.keepalive() != null && (dropsInbound(faults, SegmentKind.PURE_ACK) || dropsInbound(faults, SegmentKind.ANY))) {
            return new AskedEnding("aborted: keep-alive", Text.of("our keep-alive gave up on a peer whose answers --drop "
                    + "kept from us, as --keepalive asked", "我们的保活放弃了对端：它的回应被 --drop 拦下，正如 --keepalive 所要求的"));
        }
        return null;
    }

    private static boolean dropsInbound(List<FaultRule> faults, SegmentKind kind) {
        return faults.stream().anyMatch(r -> r.action() == FaultRule.Action.DROP && !r.outbound() && r.kind() == kind);
    }

    /** Whether a connection that closed for {@code closeReason} ended this way. */
    public boolean happened(String closeReason) {
        return closeReason != null && closeReason.startsWith(reasonStart);
    }
}
