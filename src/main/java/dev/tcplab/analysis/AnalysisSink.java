package dev.tcplab.analysis;

import dev.tcplab.text.Text;

/** Where the analysis's results go: renderers, filters, tests. */
public interface AnalysisSink {

    void segment(AnalyzedSegment s);

    /** A connection is over (replaced by a new one on its tuple, closed long ago, or the file ended). */
    void connection(ConnectionSummary c);

    /** A remark between segments (a replay's cut of a long gap); ignored unless a renderer shows it. */
    default void note(Text text) {
    }

    /**
     * A fault a live run injected, read from beside its capture by {@link FaultAnnotations}, which says it in a
     * note too: on the segment just handed on, or, when {@link InjectedFault#neverOnTheWire()}, where the
     * dropped segment would have been. Pictures draw it; the other renderers have the note.
     */
    default void injected(InjectedFault fault) {
    }

    /** The file is read (or reading stopped at damage, see {@link AnalysisStats#problem()}). */
    default void finish(AnalysisStats stats) {
    }

    /** The connections' summaries and the rest, without the segments: `--summary` for formats other than text. */
    static AnalysisSink withoutSegments(AnalysisSink inner) {
        return new ForwardingSink(inner) {
            @Override
            public void segment(AnalyzedSegment s) {
            }
        };
    }
}
