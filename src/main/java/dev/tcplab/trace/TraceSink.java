package dev.tcplab.trace;

/** Receives timeline events as they happen: a renderer, a recorder, or several. */
@FunctionalInterface
public interface TraceSink {
    void accept(TraceEvent event);

    /** Called once after the last event. */
    default void finish() {
    }

    /** Passes everything but segment lines: a bulk transfer's ladder would be tens of thousands of lines. */
    static TraceSink withoutSegments(TraceSink inner) {
        return new TraceSink() {
            @Override
            public void accept(TraceEvent e) {
                if (!(e instanceof TraceEvent.SegmentEvent)) {
                    inner.accept(e);
                }
            }

            @Override
            public void finish() {
                inner.finish();
            }
        };
    }

    static TraceSink both(TraceSink a, TraceSink b) {
        return new TraceSink() {
            @Override
            public void accept(TraceEvent e) {
                a.accept(e);
                b.accept(e);
            }

            @Override
            public void finish() {
                a.finish();
                b.finish();
            }
        };
    }
}
