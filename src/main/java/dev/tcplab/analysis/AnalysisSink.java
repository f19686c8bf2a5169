package dev.tcplab.analysis;

/** Where the analysis's results go: renderers, filters, tests. */
public interface AnalysisSink {

    void segment(AnalyzedSegment s);

    /** A connection is over (replaced by a new one on its tuple, closed long ago, or the file ended). */
    void connection(ConnectionSummary c);

    /** A remark between segments (a replay's cut of a long gap); ignored unless a renderer shows it. */
    default void note(String text) {
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
