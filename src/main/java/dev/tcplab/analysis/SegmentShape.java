package dev.tcplab.analysis;

import dev.tcplab.wire.Flags;

/**
 * What a segment says in TCP's terms, whatever the ISNs and the timing: its flags, relative
 * seq and ack, and payload length. Two runs of the same conversation have the same shapes.
 */
public record SegmentShape(Flags flags, long seq, long ack, int length, long frame) {

    public static SegmentShape of(AnalyzedSegment s) {
        return new SegmentShape(s.segment().flags(), s.seq(), s.ack(), s.length(), s.frame());
    }

    /** The same segment in TCP's terms (frame numbers differ between a recording and a live run). */
    public boolean sameAs(SegmentShape o) {
        return flags.equals(o.flags) && seq == o.seq && ack == o.ack && length == o.length;
    }

    @Override
    public String toString() {
        return flags + " seq " + seq + (ack >= 0 ? " ack " + ack : "") + " len " + length;
    }
}
