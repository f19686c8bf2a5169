package dev.tcplab.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tcplab.analysis.AnalysisSink;
import dev.tcplab.analysis.AnalyzedSegment;
import dev.tcplab.analysis.Analyzer;
import dev.tcplab.analysis.ConnectionSummary;
import dev.tcplab.capture.CaptureReader;
import dev.tcplab.host.Shell;
import dev.tcplab.lab.exercises.Timeline;
import dev.tcplab.text.Text;
import dev.tcplab.trace.TraceEvent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two witnesses of our side's states: tcplab's endpoint, which knows them, and `analyze`, which infers
 * them from the run's capture as an observer in the middle of the wire would (RFC 9293's rules applied
 * to what it sees). For every segment of a live run that went on the wire, our state after it must be
 * the same in both. On the kernel's side, every state its socket was seen in (sock_diag, during the
 * run) must be among the states the observer infers for it, in the same order: the kernel is only
 * sampled, and states that last microseconds pass unseen. (A segment lost on purpose as it arrived is
 * on the wire but never reached the endpoint, and one held back on purpose is in the capture where it
 * reached the wire, later than the endpoint sent it; so runs with inbound loss or delays are not
 * among these.)
 */
@Tag("live")
class ObserverAgreesWithEndpointLiveTest {
    @BeforeEach
    void live() {
        Live.require("ip", "ss", "ethtool");
    }

    @AfterEach
    void nothingLeft() {
        Live.assertNothingLeft();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "connect",                                                // three segments to close, TIME_WAIT on our side
        "connect --peer-close-delay 300ms",                       // four segments, the kernel in CLOSE_WAIT
        "connect --drop out:final-ack",                           // TIME_WAIT re-ACKs the kernel's FIN again
        "connect --peer-closes-first --hold 100ms",               // the kernel closes first: our CLOSE_WAIT, LAST_ACK
        "connect --peer-keepalive 1,1,3 --hold 2500ms",           // the kernel's keep-alive probes and our answers
        "connect --peer-rst-close",                               // the kernel's RST in FIN_WAIT_1
        "listen --close-delay 200ms"                              // passive open: SYN_RECEIVED, CLOSE_WAIT, LAST_ACK
    })
    void theObserverAgreesWithOurEndpointAndWithTheKernelsSocket(String run, @TempDir Path dir)
            throws Exception {
        Path pcap = dir.resolve("run.pcap");
        List<String> args = new ArrayList<>(List.of(run.split(" ")));
        args.addAll(List.of("--msl", "100ms", "--format", "json", "--capture", pcap.toString()));
        Shell.Result r = CliLiveTest.tcplab(List.of(), args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.stderr());

        ObjectMapper m = new ObjectMapper();
        List<JsonNode> ours = new ArrayList<>();
        List<TraceEvent> notes = new ArrayList<>();
        for (String line : r.stdout().split("\n")) {
            JsonNode n = m.readTree(line);
            if (n.get("type").asText().equals("note")) {
                String text = n.get("text").asText(); // JSON gives the English
                notes.add(new TraceEvent.Note(0, Text.of(text, text)));
            }
            boolean lostBeforeTheWire = n.path("dir").asText().equals("out") && n.path("lost").asBoolean();
            if (n.get("type").asText().equals("segment") && !lostBeforeTheWire) {
                ours.add(n);
            }
        }
        // The kernel's socket states as the lab's checks read them from the same notes.
        List<String> kernelSeen = new ArrayList<>();
        for (Timeline.KernelState k : new Timeline(notes, pcap).kernelStates()) {
            String state = SS_NAMES.get(k.state());
            if (state != null && (kernelSeen.isEmpty() || !kernelSeen.get(kernelSeen.size() - 1).equals(state))) {
                kernelSeen.add(state);
            }
        }
        List<AnalyzedSegment> observed = new ArrayList<>();
        try (CaptureReader reader = CaptureReader.open(pcap)) {
            new Analyzer(new AnalysisSink() {
                @Override
                public void segment(AnalyzedSegment s) {
                    observed.add(s);
                }

                @Override
                public void connection(ConnectionSummary c) {
                }
            }).run(reader, p -> { });
        }
        assertEquals(ours.size(), observed.size(), "the capture holds every segment that went on the wire");
        List<String> differences = new ArrayList<>();
        List<String> kernelInferred = new ArrayList<>();
        for (int i = 0; i < ours.size(); i++) {
            JsonNode e = ours.get(i);
            AnalyzedSegment a = observed.get(i);
            assertEquals(e.get("seq_abs").asLong(), a.seqAbs(), "the same segment, in the same order, frame " + a.frame());
            boolean sentByUs = e.get("dir").asText().equals("out");
            String inferred = (sentByUs ? a.stateSrc() : a.stateDst()).name();
            String kernel = (sentByUs ? a.stateDst() : a.stateSrc()).name();
            if (kernelInferred.isEmpty() || !kernelInferred.get(kernelInferred.size() - 1).equals(kernel)) {
                kernelInferred.add(kernel);
            }
            if (!e.get("state").asText().equals(inferred)) {
                differences.add("frame " + a.frame() + " " + e.get("flags") + (sentByUs ? " sent" : " received")
                        + ": endpoint " + e.get("state").asText() + ", observer " + inferred);
            }
        }
        assertTrue(differences.isEmpty(), run + ":\n" + String.join("\n", differences));
        assertTrue(kernelSeen.size() >= 2, "the kernel's socket was seen in at least two states: " + kernelSeen);
        Iterator<String> inOrder = kernelInferred.iterator();
        assertTrue(kernelSeen.stream().allMatch(state -> {
            while (inOrder.hasNext()) {
                if (inOrder.next().equals(state)) {
                    return true;
                }
            }
            return false;
        }), run + ": the kernel was seen in " + kernelSeen + ", the observer inferred " + kernelInferred);
    }

    /** ss's names for RFC 9293's states. */
    private static final Map<String, String> SS_NAMES = Map.of("SYN-RECV", "SYN_RECEIVED", "SYN-SENT", "SYN_SENT",
            "ESTAB", "ESTABLISHED", "FIN-WAIT-1", "FIN_WAIT_1", "FIN-WAIT-2", "FIN_WAIT_2", "CLOSE-WAIT", "CLOSE_WAIT",
            "LAST-ACK", "LAST_ACK", "CLOSING", "CLOSING", "TIME-WAIT", "TIME_WAIT");
}
