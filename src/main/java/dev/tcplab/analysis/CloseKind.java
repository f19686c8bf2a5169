package dev.tcplab.analysis;

/** How a connection ended, as the segments show it. */
public enum CloseKind {
    FOUR_WAY("four-way", "FIN, ACK, FIN, ACK: the second side ACKed the first FIN before sending its own"),
    THREE_SEGMENT("three-segment", "FIN, FIN+ACK, ACK: the second side closed at once and merged its ACK and FIN"),
    SIMULTANEOUS("simultaneous", "both sides sent FIN before receiving the other's: both pass through CLOSING"),
    RESET("reset", "ended by RST"),
    HALF_OPEN("half-open", "one side went silent; the other's probes or retransmissions went unanswered"),
    HALF_CLOSED("half-closed", "one FIN only: one side still had its direction open when the capture ended"),
    OPEN("open", "still open when the capture ended");

    public final String label;
    public final String explanation;

    CloseKind(String label, String explanation) {
        this.label = label;
        this.explanation = explanation;
    }
}
