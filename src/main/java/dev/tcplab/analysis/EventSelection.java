package dev.tcplab.analysis;

import dev.tcplab.text.Text;
import java.util.HashSet;
import java.util.Set;

/**
 * Passes on only the segments that carry one of the events asked for ({@code analyze --events}) and the
 * connections that had such a segment, as a Wireshark display filter such as
 * {@code tcp.analysis.retransmission} shows only those packets. Remarks between segments and injected
 * faults are about segments it leaves out, so they go too; a segment's own remark goes with it.
 */
public final class EventSelection extends ForwardingSink {
    private final EventChoice choice;
    /** Connections still open that had a segment passed on: memory grows with open connections only. */
    private final Set<Integer> connectionsWithOne = new HashSet<>();
    private long segmentsPassed;

    public EventSelection(AnalysisSink next, EventChoice choice) {
        super(next);
        this.choice = choice;
    }

    @Override
    public void segment(AnalyzedSegment s) {
        if (choice.matches(s.events())) {
            segmentsPassed++;
            connectionsWithOne.add(s.conn());
            next.segment(s);
        }
    }

    @Override
    public void connection(ConnectionSummary c) {
        if (connectionsWithOne.remove(c.conn())) {
            next.connection(c);
        }
    }

    @Override
    public void note(Text text) {
    }

    @Override
    public void injected(InjectedFault fault) {
    }

    /** After the run: {@link EventChoice#noneSeen()} when no segment matched, else null. */
    public String noneSeen() {
        return segmentsPassed > 0 ? null : choice.noneSeen();
    }
}
