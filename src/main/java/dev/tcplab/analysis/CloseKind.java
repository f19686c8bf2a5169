package dev.tcplab.analysis;

import dev.tcplab.text.Text;

/** How a connection ended, as the segments show it. */
public enum CloseKind {
    FOUR_WAY("four-way", "四次挥手", "FIN, ACK, FIN, ACK: the second side ACKed the first FIN before sending its own"),
    THREE_SEGMENT("three-segment", "三次挥手", "FIN, FIN+ACK, ACK: the second side closed at once and merged its ACK and FIN"),
    SIMULTANEOUS("simultaneous", "同时关闭", "both sides sent FIN before receiving the other's: both pass through CLOSING"),
    RESET("reset", "RST 中止", "ended by RST"),
    REFUSED("refused", "拒绝连接", "the SYN was answered with RST: nothing listened on that port (connection refused)"),
    HALF_OPEN("half-open", "半开", "one side went silent; the other's probes or retransmissions went unanswered"),
    HALF_CLOSED("half-closed", "半关闭", "one FIN only: one side still had its direction open when the capture ended"),
    OPEN("open", "未关闭", "still open when the capture ended"),
    RELEASED("released", "提前释放", "still open when tcplab let it go to keep its memory bounded: over 100,000 connections"
            + " were open at once, and this one had been idle the longest (a later segment of it starts a new connection)");

    /** The name in JSON and in the English summary table. */
    public final String label;
    /** The name in the Chinese summary table, as Chinese textbooks name the closes (挥手, "waving"). */
    public final String labelZh;
    public final String explanation;

    CloseKind(String label, String labelZh, String explanation) {
        this.label = label;
        this.labelZh = labelZh;
        this.explanation = explanation;
    }

    public String label(Text.Lang lang) {
        return lang == Text.Lang.zh ? labelZh : label;
    }
}
