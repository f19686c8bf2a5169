package dev.tcplab.analysis;

import java.util.List;

/**
 * Passes on only the connections asked for ({@code --conn N}, {@code --port P}); the capture's
 * totals still cover the whole file.
 */
public final class Selection extends ForwardingSink {
    private final List<Integer> conns;
    private final List<Integer> ports;

    public Selection(AnalysisSink next, List<Integer> conns, List<Integer> ports) {
        super(next);
        this.conns = List.copyOf(conns);
        this.ports = List.copyOf(ports);
    }

    private boolean wanted(int conn, int portA, int portB) {
        return (conns.isEmpty() || conns.contains(conn)) && (ports.isEmpty() || ports.contains(portA) || ports.contains(portB));
    }

    @Override
    public void segment(AnalyzedSegment s) {
        if (wanted(s.conn(), s.src().port(), s.dst().port())) {
            next.segment(s);
        }
    }

    @Override
    public void connection(ConnectionSummary c) {
        if (wanted(c.conn(), c.client().port(), c.server().port())) {
            next.connection(c);
        }
    }


    /** Several sinks fed the same results, in order. */
    public static AnalysisSink tee(AnalysisSink... sinks) {
        return new AnalysisSink() {
            @Override
            public void segment(AnalyzedSegment s) {
                for (AnalysisSink k : sinks) {
                    k.segment(s);
                }
            }

            @Override
            public void connection(ConnectionSummary c) {
                for (AnalysisSink k : sinks) {
                    k.connection(c);
                }
            }

            @Override
            public void note(String text) {
                for (AnalysisSink k : sinks) {
                    k.note(text);
                }
            }

            @Override
            public void finish(AnalysisStats stats) {
                for (AnalysisSink k : sinks) {
                    k.finish(stats);
                }
            }
        };
    }
}
