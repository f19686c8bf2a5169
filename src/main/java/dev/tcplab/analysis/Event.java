package dev.tcplab.analysis;

import dev.tcplab.text.Text;
import java.util.ArrayList;
import java.util.List;

/**
 * What the analysis flags on a segment. The first group carries Wireshark's definitions (its
 * User's Guide, "TCP Analysis", as packet-tcp.c implements them) and its field names, so that
 * {@code tcp.analysis.NAME} in tshark is the same flag; the second group (from RST on) is tcplab's own.
 */
public enum Event {
    RETRANSMISSION("retransmission", "重传"),
    FAST_RETRANSMISSION("fast_retransmission", "快速重传"),
    SPURIOUS_RETRANSMISSION("spurious_retransmission", "多余的重传：对方已确认过这些数据"),
    OUT_OF_ORDER("out_of_order", "乱序"),
    LOST_SEGMENT("lost_segment", "previous segment not captured", "前一个报文段没有被抓到"),
    ACK_LOST_SEGMENT("ack_lost_segment", "ACKed segment that was not captured", "确认了没有被抓到的报文段"),
    KEEP_ALIVE("keep_alive", "保活探测"),
    KEEP_ALIVE_ACK("keep_alive_ack", "对保活探测的 ACK"),
    DUPLICATE_ACK("duplicate_ack", "重复 ACK"),
    ZERO_WINDOW("zero_window", "零窗口"),
    ZERO_WINDOW_PROBE("zero_window_probe", "零窗口探测"),
    ZERO_WINDOW_PROBE_ACK("zero_window_probe_ack", "对零窗口探测的 ACK"),
    WINDOW_FULL("window_full", "窗口已满"),
    WINDOW_UPDATE("window_update", "窗口更新"),
    REUSED_PORTS("reused_ports", "port reuse: a new SYN on a tuple seen before", "端口复用：已见过的四元组上来了新的 SYN"),
    RST("rst", "reset: the connection is aborted", "复位：连接被中止"),

    HANDSHAKE_COMPLETE("handshake_complete", "third segment of the handshake: both sides ESTABLISHED",
            "握手的第三个报文段：双方都进入 ESTABLISHED"),
    TIME_WAIT("time_wait", "the receiver of this segment enters TIME_WAIT", "这个报文段的接收方进入 TIME_WAIT"),
    FIN_IN_TIME_WAIT("fin_in_time_wait", "a retransmitted FIN reaches a side in TIME_WAIT: it ACKs again and restarts 2MSL",
            "重传的 FIN 到达处于 TIME_WAIT 的一方：它再次 ACK，并重新开始 2MSL 计时"),
    TIME_WAIT_CUT_SHORT("time_wait_cut_short", "an RST reaches a side in TIME_WAIT and ends it before 2MSL (RFC 1337: "
            + "TIME-WAIT assassination)", "RST 到达处于 TIME_WAIT 的一方，在 2MSL 之前结束了它（RFC 1337：TIME-WAIT 暗杀）");

    /** As in JSON and in tshark's {@code tcp.analysis.} fields. */
    public final String jsonName;
    /** What it means, for a picture's step-through. */
    public final Text description;
    final int bit = 1 << ordinal();

    /** Wireshark's own name says it in English. */
    Event(String jsonName, String zh) {
        this(jsonName, jsonName.replace('_', ' '), zh);
    }

    Event(String jsonName, String en, String zh) {
        this.jsonName = jsonName;
        this.description = Text.of(en, zh);
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

    /** The event with this {@link #jsonName}, or null. */
    public static Event named(String jsonName) {
        for (Event e : ALL) {
            if (e.jsonName.equals(jsonName)) {
                return e;
            }
        }
        return null;
    }
}
