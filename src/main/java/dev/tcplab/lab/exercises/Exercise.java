package dev.tcplab.lab.exercises;

import dev.tcplab.text.Text;
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
}
