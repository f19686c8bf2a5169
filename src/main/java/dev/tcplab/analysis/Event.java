package dev.tcplab.analysis;

import java.util.ArrayList;
import java.util.List;

/**
 * What the analysis flags on a segment. The first group carries Wireshark's definitions (its
 * User's Guide, "TCP Analysis", as packet-tcp.c implements them) and its field names, so that
 * {@code tcp.analysis.NAME} in tshark is the same flag; the second group (from RST on) is tcplab's own.
 */
public enum Event {
    RETRANSMISSION("retransmission"),
    FAST_RETRANSMISSION("fast_retransmission"),
    SPURIOUS_RETRANSMISSION("spurious_retransmission"),
    OUT_OF_ORDER("out_of_order"),
    LOST_SEGMENT("lost_segment", "previous segment not captured"),
    ACK_LOST_SEGMENT("ack_lost_segment", "ACKed segment that was not captured"),
    KEEP_ALIVE("keep_alive"),
    KEEP_ALIVE_ACK("keep_alive_ack"),
    DUPLICATE_ACK("duplicate_ack"),
    ZERO_WINDOW("zero_window"),
    ZERO_WINDOW_PROBE("zero_window_probe"),
    ZERO_WINDOW_PROBE_ACK("zero_window_probe_ack"),
    WINDOW_FULL("window_full"),
    WINDOW_UPDATE("window_update"),
    REUSED_PORTS("reused_ports", "port reuse: a new SYN on a tuple seen before"),
    RST("rst", "reset: the connection is aborted"),

    HANDSHAKE_COMPLETE("handshake_complete", "third segment of the handshake: both sides ESTABLISHED"),
    TIME_WAIT("time_wait", "the receiver of this segment enters TIME_WAIT"),
    FIN_IN_TIME_WAIT("fin_in_time_wait", "a retransmitted FIN reaches a side in TIME_WAIT: it ACKs again and restarts 2MSL"),
    TIME_WAIT_CUT_SHORT("time_wait_cut_short", "an RST reaches a side in TIME_WAIT and ends it before 2MSL (RFC 1337: "
            + "TIME-WAIT assassination)");

    /** As in JSON and in tshark's {@code tcp.analysis.} fields. */
    public final String jsonName;
    public final String description;
    final int bit = 1 << ordinal();

    Event(String jsonName) {
        this(jsonName, jsonName.replace('_', ' '));
    }

    Event(String jsonName, String description) {
        this.jsonName = jsonName;
        this.description = description;
    }

    public boolean in(int mask) {
        return (mask & bit) != 0;
    }

    /** values() clones its array on every call; the analysis asks per segment. */
    static final Event[] ALL = values();

    public static List<Event> of(int mask) {
        List<Event> out = new ArrayList<>();
        for (Event e : ALL) {
            if (e.in(mask)) {
                out.add(e);
            }
        }
        return out;
    }

    /** JSON names of the flags Wireshark also computes, in declaration order. */
    public static List<String> valuesThatWiresharkHas() {
        List<String> out = new ArrayList<>();
        for (Event e : values()) {
            if (e.fromWireshark()) {
                out.add(e.jsonName);
            }
        }
        return out;
    }

    /** The flags Wireshark also computes, under the same name ({@code tcp.analysis.NAME}). */
    public boolean fromWireshark() {
        return ordinal() < RST.ordinal();
    }
}
