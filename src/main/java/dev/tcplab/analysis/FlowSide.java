package dev.tcplab.analysis;

import dev.tcplab.endpoint.TcpState;
import dev.tcplab.wire.HostPort;

/**
 * What the analysis knows about one side of a connection: the numbers Wireshark's sequence
 * analysis keeps for the segments this side sends (absolute, zero meaning "not yet seen", as in
 * packet-tcp.c), and the state an observer on the wire infers for it.
 */
final class FlowSide {
    final HostPort address;

    // Relative numbering.
    boolean baseSet;
    int base;
    static final int UNKNOWN_SCALING = -1, NO_SCALING = -2;
    /** The window-scale shift from this side's SYN, or one of the two markers above (Wireshark's). */
    int windowScale = UNKNOWN_SCALING;
    /** This side's application's reading pace, once its window has shut. */
    final ReadingPace reading = new ReadingPace();

    // Wireshark's tcp_analyze_seq_info for segments this side sends (absolute numbers).
    int nextSeq;
    long nextSeqTime;
    int maxSeqToBeAcked;
    int lastAck;
    long lastAckTime;
    /** The last window field this side sent; -1 (Wireshark's G_MAXUINT32) before any. */
    int window = -1;
    /**
     * Duplicate ACKs this side has sent in a row (Wireshark's dupacknum); -1 after the other side's ACK
     * was reported as acknowledging unseen bytes of this side's, until this side's own ACK changes.
     */
    int dupAcks;
    /** The analysis flags of the last segment this side sent. */
    int lastFlags;

    // The observer.
    TcpState state;
    boolean sentSyn;
    /** When this side sent its SYN, since the first packet (negative when a capture's clock runs back); MIN_VALUE: not seen. */
    long synTime = Long.MIN_VALUE;
    boolean synAcked;
    boolean sentFin;
    /** The relative sequence number of this side's FIN. */
    int finSeq;
    long finFrame;
    boolean finAcked;
    /** Frame of this side's first segment that acknowledged the other side's FIN; 0 if none yet. */
    long ackedPeerFinFrame;

    // Counters for the summary.
    long packets;
    long payloadBytes;
    /** Retransmissions and keep-alives sent in a row with nothing from the other side in between. */
    int unansweredInRow;

    FlowSide(HostPort address, TcpState initial) {
        this.address = address;
        this.state = initial;
    }

    int relative(int absolute) {
        return absolute - base;
    }

    /** Learns the ISN (RFC 9293's numbers relative to it, as Wireshark and tcplab's ladder show them). */
    void learnBase(int absolute, boolean syn) {
        if (!baseSet || syn) {
            base = syn ? absolute : absolute - 1;
            baseSet = true;
        }
    }

    /** The shift applied to this side's window fields: its own option, once its SYN was seen with one. */
    int shift() {
        return windowScale >= 0 ? windowScale : 0;
    }

    /**
     * Learns from this side's SYN or SYN+ACK, as Wireshark does: a SYN without the option means
     * neither side scales; a SYN+ACK with it after a SYN without it does not scale either.
     */
    void learnWindowScale(FlowSide peer, boolean synAck, int optionShift) {
        windowScale = optionShift;
        if (optionShift < 0) {
            windowScale = NO_SCALING;
            peer.windowScale = NO_SCALING;
        } else if (synAck && peer.windowScale == NO_SCALING) {
            windowScale = NO_SCALING;
        }
    }
}
