package dev.tcplab.analysis;

import dev.tcplab.endpoint.TcpState;
import dev.tcplab.wire.HostPort;
import java.util.Map;

/**
 * One connection of a capture, summed up.
 *
 * @param handshakeRttNanos SYN to third ACK, or -1 when the handshake was not seen whole
 * @param timeWait          which side entered TIME_WAIT ("client", "server", "both"), or null
 * @param resetBy           which side sent the first RST, or null
 * @param eventCounts       how many segments carried each event, by JSON name
 * @param clientReadRate    how fast the client's application read once its window had shut, in bytes a
 *                          second ({@link ReadingPace}); 0 when its window never shut
 * @param serverReadRate    the same for the server's
 */
public record ConnectionSummary(int conn, HostPort client, HostPort server, long firstFrame, long lastFrame,
                                long startNanos, long endNanos, long packetsFromClient, long packetsFromServer,
                                long bytesFromClient, long bytesFromServer, boolean handshakeSeen,
                                long handshakeRttNanos, CloseKind close, String timeWait, String resetBy,
                                TcpState clientState, TcpState serverState, Map<String, Long> eventCounts,
                                long clientReadRate, long serverReadRate) {

    /** The read rate of a side by its role ("client" or "server"). */
    public long readRate(String side) {
        return side.equals("client") ? clientReadRate : serverReadRate;
    }
}
