package dev.tcplab.link;

import dev.tcplab.wire.Segment;
import dev.tcplab.wire.SeqNum;
import java.util.EnumSet;
import java.util.Set;

/**
 * Says which {@link SegmentKind}s a segment is, remembering each direction's SYN and FIN so that
 * "the ACK of their SYN" and "the ACK of their FIN" can be recognised from the segments alone.
 */
final class SegmentClassifier {
    private final SeqNum[] isn = new SeqNum[2];
    private final SeqNum[] finSeq = new SeqNum[2];
    /** The highest SEG.SEQ + SEG.LEN seen each way: a probe sits one below it. */
    private final SeqNum[] nextSeq = new SeqNum[2];

    /** @param outbound true for segments we send, false for the peer's */
    Set<SegmentKind> classify(Segment s, boolean outbound) {
        int me = outbound ? 0 : 1;
        int other = 1 - me;
        if (s.flags().syn()) {
            isn[me] = s.seq();
        }
        if (s.flags().fin()) {
            finSeq[me] = s.seq().plus(s.payloadLength());
        }
        Set<SegmentKind> kinds = EnumSet.of(SegmentKind.ANY);
        boolean plain = s.flags().ack() && !s.flags().syn() && !s.flags().fin() && !s.flags().rst();
        if (plain && s.payloadLength() <= 1 && nextSeq[me] != null && s.seq().equals(nextSeq[me].plus(-1))) {
            kinds.add(SegmentKind.KEEPALIVE);
        }
        if (nextSeq[me] == null || s.seqEnd().gt(nextSeq[me])) {
            nextSeq[me] = s.seqEnd();
        }
        boolean syn = s.flags().syn(), ack = s.flags().ack(), fin = s.flags().fin(), rst = s.flags().rst();
        if (syn && !ack) kinds.add(SegmentKind.SYN);
        if (syn && ack) kinds.add(SegmentKind.SYN_ACK);
        if (s.payloadLength() > 0) kinds.add(SegmentKind.DATA);
        if (fin) kinds.add(SegmentKind.FIN);
        if (rst) kinds.add(SegmentKind.RST);
        boolean pureAck = ack && !syn && !fin && !rst && s.payloadLength() == 0;
        if (pureAck) {
            kinds.add(SegmentKind.PURE_ACK);
            if (isn[other] != null && s.ack().equals(isn[other].plus(1))) {
                kinds.add(SegmentKind.THIRD_ACK);
            }
            if (finSeq[other] != null && s.ack().equals(finSeq[other].plus(1))) {
                kinds.add(SegmentKind.FINAL_ACK);
            }
        }
        return kinds;
    }
}
