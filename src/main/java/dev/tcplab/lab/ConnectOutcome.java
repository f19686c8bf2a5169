package dev.tcplab.lab;

import dev.tcplab.endpoint.TcpState;
import java.nio.file.Path;

/** How a connect run ended: its last connection, and how many connections it made (--repeat). */
public record ConnectOutcome(boolean established, TcpState finalState, String closeReason, int bytesSent,
                             byte[] received, boolean timedOut, Path capture, int connections) {

    /** The whole story happened: handshake, the echo, and a clean close. */
    public boolean complete(byte[] payload) {
        return established && !timedOut && finalState == TcpState.CLOSED && java.util.Arrays.equals(payload, received)
                && !closeReason.startsWith("connection reset") && !closeReason.startsWith("timed out");
    }
}
