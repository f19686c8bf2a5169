package dev.tcplab.lab;

import dev.tcplab.endpoint.TcpState;
import dev.tcplab.link.FaultRule;
import dev.tcplab.link.SegmentKind;
import java.nio.file.Path;
import java.util.List;
import java.util.HexFormat;

/**
 * How a connect run ended: its last connection, and how many connections it made (--repeat).
 *
 * @param received       the bytes received, or their first 16 MiB (see receivedCount)
 * @param receivedSha256 SHA-256 of everything received, hex
 * @param peerSentSha256 SHA-256 of what a sending kernel peer sent (--peer-send), or null
 * @param resetAsked     why a reset by the kernel peer is the ending this run asked for (--peer-rst-close, or
 *                       --peer-keepalive with its probes dropped), said after the close reason; null when none
 */
public record ConnectOutcome(boolean established, TcpState finalState, String closeReason, byte[] received,
                             boolean timedOut, Path capture, int connections, long receivedCount,
                             String receivedSha256, String peerSentSha256, TransferTally tally, String resetAsked) {

    /** The whole story happened: handshake, every byte back intact, and a clean close. */
    public boolean complete(byte[] payload) {
        boolean bytesRight = peerSentSha256 != null ? peerSentSha256.equals(receivedSha256)
                : receivedCount == payload.length && sha256(payload).equals(receivedSha256);
        // An RST in TIME_WAIT comes after a complete close: Linux answers our re-ACK of a FIN it
        // retransmitted early (a tail loss probe, ~10 ms when our ACK was slow) from a socket already
        // gone. It only cuts TIME_WAIT short (RFC 9293 §3.10.7.4; RFC 1337 discusses the hazard).
        boolean resetAfterClose = closeReason.contains("RST in TIME_WAIT");
        return established && !timedOut && finalState == TcpState.CLOSED && bytesRight
                && (!closeReason.startsWith("connection reset") || resetAfterClose || resetAsAsked())
                && !closeReason.startsWith("timed out") && !closeReason.startsWith("aborted");
    }

    /**
     * The kernel peer reset the connection as the run asked it to: its application closed with RST
     * (--peer-rst-close), or its keep-alive gave up on probes that a fault rule kept from us (a crashed
     * client, as the seed notes tell it). Not a failure.
     */
    public boolean resetAsAsked() {
        return resetAsked != null && closeReason.startsWith("connection reset by the peer");
    }

    /** Why a reset by the kernel peer is the ending the run asked for (see {@link #resetAsAsked()}). */
    public static String resetAsked(PeerOptions peer, List<FaultRule> faults) {
        if (peer.resetOnClose()) {
            return "the abortive close --peer-rst-close asked for";
        }
        boolean probesLost = faults.stream().anyMatch(r -> r.action() == FaultRule.Action.DROP && !r.outbound()
                && r.kind() == SegmentKind.KEEPALIVE);
        return peer.keepalive() != null && probesLost
                ? "the kernel's keep-alive gave up on a peer that stopped answering, as --peer-keepalive with --drop "
                + "in:keepalive asked" : null;
    }

    /** Hex SHA-256, as the outcome keeps what arrived. */
    public static String sha256(byte[] b) {
        return HexFormat.of().formatHex(LiveSession.sha256().digest(b));
    }

    /** Whether what came back equals what was sent (an echo), judged by length and SHA-256. */
    public boolean echoMatches(byte[] payload) {
        return receivedCount == payload.length && sha256(payload).equals(receivedSha256);
    }
}
