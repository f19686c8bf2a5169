package dev.tcplab.lab;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.tcplab.link.FaultyFrameLink;
import dev.tcplab.trace.JsonSeconds;
import dev.tcplab.wire.Segment;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The faults a run injected, one JSON line each, in a file beside the capture (classic pcap has no
 * place for comments): when, which rule, which way, and the segment it hit (absolute numbers), so
 * that whoever reads the capture later can tell a dropped segment from a lost one.
 */
final class FaultRecord implements AutoCloseable {
    private final ObjectMapper json = new ObjectMapper();
    private final BufferedWriter out;

    FaultRecord(Path file) {
        try {
            out = Files.newBufferedWriter(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    synchronized void write(FaultyFrameLink.Injected i) {
        Segment s = i.packet().segment();
        ObjectNode o = json.createObjectNode();
        o.putRawValue("time_epoch", new RawValue(JsonSeconds.of(i.epochNanos())));
        o.put("rule", i.rule().toString());
        o.put("action", i.rule().action().name().toLowerCase());
        o.put("way", i.outbound() ? "out" : "in");
        o.put("src", i.packet().source().toString());
        o.put("dst", i.packet().destination().toString());
        var flags = o.putArray("flags");
        s.flags().names().forEach(flags::add);
        o.put("seq_abs", s.seq().value());
        o.put("ack_abs", s.ack().value());
        o.put("len", s.payloadLength());
        try {
            out.write(json.writeValueAsString(o));
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
