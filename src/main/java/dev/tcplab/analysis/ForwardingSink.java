package dev.tcplab.analysis;

import dev.tcplab.text.Text;

/** A sink that changes or filters segments and hands everything else on unchanged. */
abstract class ForwardingSink implements AnalysisSink {
    protected final AnalysisSink next;

    ForwardingSink(AnalysisSink next) {
        this.next = next;
    }

    @Override
    public void connection(ConnectionSummary c) {
        next.connection(c);
    }

    @Override
    public void note(Text text) {
        next.note(text);
    }

    @Override
    public void injected(InjectedFault fault) {
        next.injected(fault);
    }

    @Override
    public void finish(AnalysisStats stats) {
        next.finish(stats);
    }
}
