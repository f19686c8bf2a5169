package dev.tcplab.endpoint;

/** The eleven connection states of RFC 9293 §3.3.2, named as the seed notes and `ss` name them. */
public enum TcpState {
    CLOSED, LISTEN, SYN_SENT, SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT, CLOSING, LAST_ACK,
    TIME_WAIT;

    /** True once both ISNs are known and acknowledged (RFC 9293 calls these "synchronized" states). */
    public boolean synchronizedState() {
        return ordinal() >= ESTABLISHED.ordinal();
    }
}
