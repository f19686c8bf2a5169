package dev.tcplab.analysis;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tcplab.text.Text;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the faults a live run injected (the {@code FILE.faults.jsonl} written beside its capture)
 * and says in the ladder where they acted: an outbound segment dropped never reached the wire, so
 * the note stands where it would have been; an inbound one dropped is on the wire but the
 * endpoint never saw it; a delayed or duplicated one is marked where it appears.
 */
public final class FaultAnnotations extends ForwardingSink {
    private final List<InjectedFault> pending;

    private FaultAnnotations(AnalysisSink next, List<InjectedFault> faults) {
        super(next);
        this.pending = faults;
    }

    /** {@code next} itself when the capture has no sidecar. */
    public static AnalysisSink around(AnalysisSink next, Path capture) throws IOException {
        Path sidecar = capture.resolveSibling(capture.getFileName() + ".faults.jsonl");
        if (!Files.isRegularFile(sidecar)) {
            return next;
        }
        // Exact decimals: a double would put a fault up to ~100 ns off, beside the wrong frame.
        ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        List<InjectedFault> faults = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(sidecar)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n = mapper.readTree(line);
                List<String> flags = new ArrayList<>();
                n.path("flags").forEach(f -> flags.add(f.asText()));
                long epochNanos = n.path("time_epoch").decimalValue().movePointRight(9).longValue();
                faults.add(new InjectedFault(epochNanos, n.path("rule").asText(), n.path("action").asText(),
                        n.path("way").asText().equals("out"), n.path("src").asText(), n.path("dst").asText(),
                        n.path("seq_abs").asLong(), n.path("ack_abs").asLong(), String.join(",", flags)));
            }
        }
        return new FaultAnnotations(next, faults);
    }

    @Override
    public void segment(AnalyzedSegment s) {
        for (var it = pending.iterator(); it.hasNext(); ) {
            InjectedFault f = it.next();
            if (f.neverOnTheWire() && f.epochNanos() <= s.epochNanos()) {
                String segment = f.flags() + " " + f.src() + " → " + f.dst();
                next.note(Text.of(f.injectedBy().en() + segment + " was dropped here and never reached the wire",
                        f.injectedBy().zh() + segment + " 在此被丢弃，没有到达线路"));
                next.injected(f);
                it.remove();
            }
        }
        next.segment(s);
        for (var it = pending.iterator(); it.hasNext(); ) {
            InjectedFault f = it.next();
            if (!f.neverOnTheWire() && f.hit(s)) {
                boolean drop = f.action().equals("drop");
                next.note(Text.of(f.injectedBy().en() + "the segment above " + (drop ? "is on the wire, but " : "was ")
                        + f.whatItDid().en(), f.injectedBy().zh() + "上面的报文段" + (drop ? "在线路上，但 " : "")
                        + f.whatItDid().zh()));
                next.injected(f);
                it.remove();
                break; // identical segments (keepalive probes) each answer one record
            }
        }
    }

}
