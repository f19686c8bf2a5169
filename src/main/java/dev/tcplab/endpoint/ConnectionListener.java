package dev.tcplab.endpoint;

import dev.tcplab.text.Text;

/** What the endpoint tells its application and the trace, besides the segments it sends. */
public interface ConnectionListener {

    default void stateChanged(TcpState from, TcpState to, Text cause) {
    }

    /** In-order bytes from the peer. */
    default void dataReceived(byte[] data) {
    }

    /** A remark worth a line in the ladder: a timer started or fired, a segment dropped and why. */
    default void note(Text text) {
    }

    ConnectionListener NONE = new ConnectionListener() {
    };
}
