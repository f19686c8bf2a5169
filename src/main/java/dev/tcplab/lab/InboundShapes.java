package dev.tcplab.lab;

import dev.tcplab.analysis.SegmentShape;
import dev.tcplab.trace.Direction;
import dev.tcplab.trace.RelativeNumbers;
import dev.tcplab.trace.TraceEvent;
import dev.tcplab.trace.TraceSink;
import java.util.ArrayList;
import java.util.List;

/** Collects the peer's segments of a live run in TCP's terms (relative numbers), to compare with a recording. */
public final class InboundShapes implements TraceSink {
    private final RelativeNumbers relative = new RelativeNumbers();
    private final List<SegmentShape> shapes = new ArrayList<>();
    private long count;

    @Override
    public synchronized void accept(TraceEvent e) {
        if (e instanceof TraceEvent.SegmentEvent s) {
            relative.observe(s.src(), s.dst(), s.segment());
            count++;
            if (s.direction() == Direction.IN) {
                shapes.add(new SegmentShape(s.segment().flags(), relative.seq(s.src(), s.segment()),
                        relative.ack(s.dst(), s.segment()), s.segment().payloadLength(), count));
            }
        }
    }

    public synchronized List<SegmentShape> shapes() {
        return List.copyOf(shapes);
    }
}
