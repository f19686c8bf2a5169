package dev.tcplab.lab.exercises;

import dev.tcplab.text.Text;
import dev.tcplab.trace.TraceEvent;
import dev.tcplab.wire.SeqNum;
import java.util.List;

/**
 * One lesson of the seed notes as a live experiment: what to expect (the explanation shown
 * before it starts), the runs that provoke it, and the checks that compare what happened with
 * what the notes claim.
 */
public interface Exercise {

    /** As typed: `tcplab lab NAME`. */
    String name();

    Text title();

    /** Read before the run: the claim, and what to look at in the ladder. */
    Text intro();

    List<LabRun> runs();

    /** One timeline per run, in the order of {@link #runs()}. */
    List<Check> checks(List<Timeline> runs);

    /** Where Linux differs from the notes, or what else to notice; null when nothing. */
    default Text afterword() {
        return null;
    }

    /** A sequence number relative to an ISN, as the ladder prints it. */
    static long rel(SeqNum n, SeqNum isn) {
        return Integer.toUnsignedLong(n.minus(isn));
    }

    /** The segments' distinct relative seqs, as a check shows them: "1" or "1/1449"; "-" for none. */
    static String seqs(List<TraceEvent.SegmentEvent> segments, SeqNum isn) {
        return segments.stream().map(p -> "" + rel(p.segment().seq(), isn)).distinct().reduce((a, b) -> a + "/" + b)
                .orElse("-");
    }

    /** The segments' distinct payload lengths, the same way. */
    static String lengths(List<TraceEvent.SegmentEvent> segments) {
        return segments.stream().map(s -> "" + s.segment().payloadLength()).distinct().reduce((a, b) -> a + "/" + b)
                .orElse("-");
    }
}
