package dev.tcplab.link;

/**
 * Kinds of segment a fault rule can aim at, named as the seed notes and a textbook name them.
 * Some need context (whose ISN, whose FIN), which {@link SegmentClassifier} keeps.
 */
public enum SegmentKind {
    /** Any TCP segment. */
    ANY("any"),
    /** A SYN without ACK: the first handshake segment. */
    SYN("syn"),
    /** SYN+ACK: the second handshake segment. */
    SYN_ACK("syn-ack"),
    /** The pure ACK that acknowledges the other side's SYN: the third handshake segment. */
    THIRD_ACK("third-ack"),
    /** A segment with payload. */
    DATA("data"),
    /** A segment with FIN. */
    FIN("fin"),
    /** The pure ACK that acknowledges the other side's FIN: the last segment of a close. */
    FINAL_ACK("final-ack"),
    /** Any segment with ACK and nothing else: no payload, no SYN, FIN or RST. */
    PURE_ACK("ack"),
    /** A segment with RST. */
    RST("rst"),
    /** A keep-alive probe: an ACK at one below the sender's next sequence number, with 0 or 1 byte. */
    KEEPALIVE("keepalive");

    public final String word;

    SegmentKind(String word) {
        this.word = word;
    }

    public static SegmentKind parse(String w) {
        for (SegmentKind k : values()) {
            if (k.word.equals(w)) {
                return k;
            }
        }
        StringBuilder all = new StringBuilder();
        for (SegmentKind k : values()) {
            all.append(all.length() == 0 ? "" : ", ").append(k.word);
        }
        throw new IllegalArgumentException("unknown kind of segment '" + w + "': one of " + all);
    }
}
