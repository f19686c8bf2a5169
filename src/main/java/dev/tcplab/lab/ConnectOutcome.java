package dev.tcplab.lab;

import dev.tcplab.endpoint.TcpState;
import dev.tcplab.text.Text;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * How a connect run ended: its last connection, and how many connections it made (--repeat).
 *
 * @param received       the bytes received, or their first 16 MiB (see receivedCount)
 * @param receivedSha256 SHA-256 of everything received, hex
 * @param peerSentSha256 SHA-256 of what a sending kernel peer sent (--peer-send), or null
 * @param closeText      why the last connection closed, in both languages (empty while it was open)
 * @param askedEnding    an ending other than a clean close that the run's options asked for, or null
 */
public record ConnectOutcome(boolean established, TcpState finalState, Text closeText, byte[] received,
                             boolean timedOut, Path capture, int connections, long receivedCount,
                             String receivedSha256, String peerSentSha256, TransferTally tally, AskedEnding askedEnding) {

    /** Why the last connection closed, in English: what the checks below read. */
    public String closeReason() {
        return closeText.en();
    }

    /** The whole story happened: handshake, every byte back intact, and a clean close or the ending asked for. */
    public boolean complete(byte[] payload) {
        boolean bytesRight = peerSentSha256 != null ? peerSentSha256.equals(receivedSha256)
                : receivedCount == payload.length && sha256(payload).equals(receivedSha256);
        // An RST in TIME_WAIT comes after a complete close: Linux answers our re-ACK of a FIN it
        // retransmitted early (a tail loss probe, ~10 ms when our ACK was slow) from a socket already
        // gone. It only cuts TIME_WAIT short (RFC 9293 §3.10.7.4; RFC 1337 discusses the hazard).
        boolean resetAfterClose = closeReason().contains("RST in TIME_WAIT");
        if (!established || timedOut || finalState != TcpState.CLOSED || !bytesRight) {
            return false;
        }
        String reason = closeReason();
        return endedAsAsked() || (!reason.startsWith("connection reset") || resetAfterClose)
                && !reason.startsWith("timed out") && !reason.startsWith("aborted");
    }

    /** The connection ended as the run's options asked, not with a clean close (see {@link AskedEnding}). */
    public boolean endedAsAsked() {
        return askedEnding != null && askedEnding.happened(closeReason());
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
