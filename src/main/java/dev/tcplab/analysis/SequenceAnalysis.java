package dev.tcplab.analysis;

/**
 * Wireshark's per-segment sequence analysis (User's Guide, "TCP Analysis"; packet-tcp.c,
 * tcp_analyze_sequence_number), rule for rule, in the same order and with the same precedence,
 * so that tcplab's flags can be checked against tshark's. Numbers are absolute, as Wireshark keeps them, so
 * that a number of 0 means "none seen yet" exactly where it does there: a Linux RST that answers a SYN
 * carries sequence number 0 and so leaves its sender's next sequence number unset, and a side's ISN
 * learnt again (a SYN+ACK on a reused tuple) moves nothing.
 *
 * Deliberate difference: Wireshark 4.x also looks at SACK blocks and at the previous packet to
 * tell adjacent out-of-order segments from retransmissions; tcplab does not (documented in the
 * README's analysis section).
 */
final class SequenceAnalysis {
    private static final long FAST_RETRANSMISSION_WINDOW_NANOS = 20_000_000;
    /** Wireshark's out-of-order threshold when the handshake RTT is unknown. */
    private static final long DEFAULT_OOO_NANOS = 3_000_000;

    private SequenceAnalysis() {
    }

    /**
     * Flags for one segment sent by {@code fwd} to {@code rev}, updating {@code fwd}'s records.
     *
     * @param seq          the segment's sequence number as sent (absolute)
     * @param ack          its acknowledgment field as sent, also when the ACK bit is clear (Wireshark keeps it)
     * @param initialRtt   Wireshark's initial RTT of the connection ({@link Connection#initialRtt}), 0 when
     *                     not known yet
     */
    static int analyze(FlowSide fwd, FlowSide rev, int seq, int ack, boolean ackBit, int seglen, boolean syn,
                       boolean fin, boolean rst, int window, long now, long initialRtt) {
        int flags = 0;
        boolean synFinRst = syn || fin || rst;
        finished:
        {
            if (seglen == 1 && seq == fwd.nextSeq && rev.window == 0) {
                flags |= Event.ZERO_WINDOW_PROBE.bit;
                break finished;
            }
            if (window == 0 && !synFinRst) {
                flags |= Event.ZERO_WINDOW.bit;
            }
            if (fwd.nextSeq != 0 && seq - fwd.nextSeq > 0 && !rst) {
                flags |= Event.LOST_SEGMENT.bit;
            }
            if ((seglen == 0 || seglen == 1) && seq == fwd.nextSeq - 1 && !synFinRst) {
                flags |= Event.KEEP_ALIVE.bit;
            }
            boolean sameNumbers = seglen == 0 && seq == fwd.nextSeq && ack == fwd.lastAck && !synFinRst;
            if (sameNumbers && window != 0 && window != fwd.window) {
                flags |= Event.WINDOW_UPDATE.bit;
            }
            if (seglen > 0 && rev.windowScale != FlowSide.UNKNOWN_SCALING && !synFinRst
                    && seq + seglen == rev.lastAck + (rev.window << rev.shift())) {
                flags |= Event.WINDOW_FULL.bit;
            }
            if (sameNumbers && window != 0 && window == fwd.window && Event.KEEP_ALIVE.in(rev.lastFlags)) {
                flags |= Event.KEEP_ALIVE_ACK.bit;
                break finished;
            }
            if (seglen == 0 && window == 0 && window == fwd.window && seq == fwd.nextSeq
                    && ack == fwd.lastAck && Event.ZERO_WINDOW_PROBE.in(rev.lastFlags)
                    && !synFinRst) {
                flags |= Event.ZERO_WINDOW_PROBE_ACK.bit;
                break finished;
            }
            if (sameNumbers && window != 0 && window == fwd.window) {
                // -1 marks "an ACKed-unseen-segment was already reported"; a dup ACK neutralises it.
                fwd.dupAcks = fwd.dupAcks == -1 ? 1 : fwd.dupAcks + 1;
                flags |= Event.DUPLICATE_ACK.bit;
            }
        }
        if (ack != fwd.lastAck) {
            fwd.dupAcks = 0;
        }
        // An ACK past the end of what was captured without a gap (maxSeqToBeAcked): once per gap. When the
        // other side has sent more since, the mark moves up to its highest segment; when it has not, the
        // report is not repeated until that side's own ACK number changes (dupAcks -1 marks it reported).
        if (rev.maxSeqToBeAcked != 0 && ackBit && ack - rev.maxSeqToBeAcked > 0) {
            if (rev.maxSeqToBeAcked - rev.nextSeq < 0) {
                rev.maxSeqToBeAcked = rev.nextSeq;
                flags |= Event.ACK_LOST_SEGMENT.bit;
            } else {
                if (rev.dupAcks == 0) {
                    flags |= Event.ACK_LOST_SEGMENT.bit;
                }
                rev.dupAcks = -1;
            }
        }
        if ((seglen > 0 || syn || fin) && !Event.KEEP_ALIVE.in(flags)) {
            flags |= retransmissionKind(fwd, rev, seq, seglen, syn || fin, now, initialRtt);
        }

        int nextSeq = seq + seglen + (syn ? 1 : 0) + (fin ? 1 : 0);
        boolean probe = Event.ZERO_WINDOW_PROBE.in(flags);
        if ((nextSeq - fwd.nextSeq > 0 || fwd.nextSeq == 0) && !probe) {
            fwd.nextSeq = nextSeq;
            fwd.nextSeqTime = now;
        }
        if ((seq == fwd.maxSeqToBeAcked || fwd.maxSeqToBeAcked == 0) && !probe) {
            fwd.maxSeqToBeAcked = fwd.nextSeq;
        }
        fwd.window = window;
        fwd.lastAck = ack;
        fwd.lastAckTime = now;
        fwd.lastFlags = flags;
        return flags;
    }

    /** Spurious retransmission, fast retransmission, out-of-order or plain retransmission; 0 if none. */
    private static int retransmissionKind(FlowSide fwd, FlowSide rev, int seq, int seglen, boolean synOrFin, long now,
                                          long initialRtt) {
        // New data that starts one byte early does advance: the byte before is likely a zero-window probe's.
        boolean notAdvanced = fwd.nextSeq != 0 && seq - fwd.nextSeq < 0 && !(seglen > 1 && seq == fwd.nextSeq - 1);
        // Data the receiver has already acknowledged, checked first; Wireshark lists it as a retransmission too.
        if (seglen > 0 && rev.lastAck != 0 && seq + seglen - rev.lastAck <= 0) {
            return Event.SPURIOUS_RETRANSMISSION.bit | Event.RETRANSMISSION.bit;
        }
        // Both windows compare intervals unsigned, as Wireshark does (guint64): a segment stamped before
        // the frame it is measured from (captures written in handling order, like tcplab's own, can step
        // back in time) is not "within" the window.
        // Unsigned, as Wireshark's dupacknum is: its -1 (an ACK of unseen bytes reported) counts as many duplicates.
        if (notAdvanced && Integer.compareUnsigned(rev.dupAcks, 2) >= 0 && rev.lastAck == seq
                && Long.compareUnsigned(now - rev.lastAckTime, FAST_RETRANSMISSION_WINDOW_NANOS) < 0) {
            // Wireshark marks a fast retransmission as a retransmission too.
            return Event.FAST_RETRANSMISSION.bit | Event.RETRANSMISSION.bit;
        }
        // A negative initial RTT (a capture whose clock ran back) is, unsigned, a very long one, as in Wireshark.
        long oooThreshold = initialRtt != 0 ? initialRtt : DEFAULT_OOO_NANOS;
        // A SYN or FIN counts its sequence number: one sent again at once is a retransmission, not out of order.
        if (notAdvanced && Long.compareUnsigned(now - fwd.nextSeqTime, oooThreshold) < 0
                && fwd.nextSeq != seq + seglen + (synOrFin ? 1 : 0)) {
            return Event.OUT_OF_ORDER.bit;
        }
        return notAdvanced ? Event.RETRANSMISSION.bit : 0;
    }
}
