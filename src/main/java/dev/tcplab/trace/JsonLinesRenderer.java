package dev.tcplab.trace;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.tcplab.wire.Segment;
import dev.tcplab.wire.TcpOption;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/**
 * The timeline as JSON lines: one object per event, written with Jackson. Segment objects carry
 * both relative and absolute numbers ("seq", "seq_abs"), like the analysis output.
 */
public final class JsonLinesRenderer implements TraceSink {
    private final ObjectMapper mapper = new ObjectMapper().configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
    private final PrintWriter out;
    private final RelativeNumbers relative = new RelativeNumbers();
    private final WindowScaling scaling = new WindowScaling();

    public JsonLinesRenderer(PrintWriter out) {
        this.out = out;
    }

    @Override
    public void accept(TraceEvent e) {
        ObjectNode o = mapper.createObjectNode();
        o.putRawValue("time", new RawValue(JsonSeconds.of(e.timeNanos())));
        if (e instanceof TraceEvent.SegmentEvent s) {
            segment(o, s);
        } else if (e instanceof TraceEvent.StateChange c) {
            o.put("type", "state");
            o.put("from", c.from());
            o.put("to", c.to());
            o.put("cause", c.cause().en());
        } else if (e instanceof TraceEvent.Note n) {
            o.put("type", "note");
            o.put("text", n.text().en());
        }
        try {
            out.println(mapper.writeValueAsString(o));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        out.flush();
    }

    private void segment(ObjectNode o, TraceEvent.SegmentEvent e) {
        Segment s = e.segment();
        relative.observe(e.src(), e.dst(), s);
        scaling.observe(e.src(), s);
        o.put("type", "segment");
        o.put("dir", e.direction().name().toLowerCase());
        o.put("src", e.src().toString());
        o.put("dst", e.dst().toString());
        ArrayNode flags = o.putArray("flags");
        s.flags().names().forEach(flags::add);
        o.put("seq", relative.seq(e.src(), s));
        long ack = relative.ack(e.dst(), s);
        if (ack >= 0) {
            o.put("ack", ack);
        } else {
            o.putNull("ack");
        }
        o.put("seq_abs", s.seq().value());
        o.put("ack_abs", s.ack().value());
        o.put("len", s.payloadLength());
        o.put("win", scaling.bytes(e.src(), e.dst(), s));
        o.put("win_field", s.window());
        ArrayNode opts = o.putArray("options");
        for (TcpOption opt : s.options()) {
            if (!(opt instanceof TcpOption.Nop) && !(opt instanceof TcpOption.EndOfList)) {
                opts.add(opt.describe());
            }
        }
        o.put("state", e.state());
        if (e.why() != null) {
            o.put("why", e.why().en());
        }
        if (e.lost()) {
            o.put("lost", true);
        }
    }
}
