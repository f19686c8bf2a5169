package dev.tcplab.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tcplab.capture.CaptureReader;
import dev.tcplab.capture.SyntheticCaptures;
import dev.tcplab.endpoint.TcpState;
import dev.tcplab.wire.Flags;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both sides' states as the observer infers them from the wire, frame by frame, for cases the sample captures lack. */
class StateObserverTest {

    /** "client/server" after each segment. */
    private static List<String> states(Path dir, List<byte[]> frames) throws IOException {
        Path capture = dir.resolve("states.pcap");
        long[] micros = new long[frames.size()];
        for (int i = 0; i < micros.length; i++) {
            micros[i] = i * 1_000L;
        }
        Files.write(capture, SyntheticCaptures.pcapAt(frames, micros));
        List<String> states = new ArrayList<>();
        AnalysisSink sink = new AnalysisSink() {
            @Override
            public void segment(AnalyzedSegment s) {
                TcpState client = s.fromClient() ? s.stateSrc() : s.stateDst();
                TcpState server = s.fromClient() ? s.stateDst() : s.stateSrc();
                states.add(client + "/" + server);
            }

            @Override
            public void connection(ConnectionSummary c) {
            }
        };
        try (CaptureReader r = CaptureReader.open(capture)) {
            new Analyzer(sink).run(r, p -> { });
        }
        return states;
    }

    /** Windows tries a refused connect again with the same SYN; when it is answered, the client opens anew. */
    @Test
    void theSameSynAfterARefusalOpensAgain(@TempDir Path dir) throws IOException {
        List<String> states = states(dir, List.of(
                SyntheticCaptures.frame(false, 10, 0, Flags.SYN, 0),
                SyntheticCaptures.frame(true, 0, 11, Flags.RST_ACK, 0),
                SyntheticCaptures.frame(false, 10, 0, Flags.SYN, 0),
                SyntheticCaptures.frame(true, 77, 11, Flags.SYN_ACK, 0),
                SyntheticCaptures.frame(false, 11, 78, Flags.ACK, 0),
                SyntheticCaptures.frame(false, 11, 78, Flags.FIN_ACK, 0),
                SyntheticCaptures.frame(true, 78, 12, Flags.FIN_ACK, 0),
                SyntheticCaptures.frame(false, 12, 79, Flags.ACK, 0)));
        assertEquals(List.of("SYN_SENT/SYN_RECEIVED", "CLOSED/CLOSED", "SYN_SENT/SYN_RECEIVED",
                "ESTABLISHED/SYN_RECEIVED", "ESTABLISHED/ESTABLISHED", "FIN_WAIT_1/CLOSE_WAIT", "TIME_WAIT/LAST_ACK",
                "TIME_WAIT/CLOSED"), states);
    }

    /** A RST with a number already passed (answering an old ACK) is dropped: TIME_WAIT goes on. */
    @Test
    void aRstBelowWhatItsSenderSentLeavesTimeWaitAlone(@TempDir Path dir) throws IOException {
        List<String> states = states(dir, List.of(
                SyntheticCaptures.frame(false, 10, 0, Flags.SYN, 0),
                SyntheticCaptures.frame(true, 20, 11, Flags.SYN_ACK, 0),
                SyntheticCaptures.frame(false, 11, 21, Flags.ACK, 0),
                SyntheticCaptures.frame(true, 21, 11, Flags.PSH_ACK, 100),
                SyntheticCaptures.frame(false, 11, 121, Flags.FIN_ACK, 0),
                SyntheticCaptures.frame(true, 121, 12, Flags.FIN_ACK, 0),
                SyntheticCaptures.frame(false, 12, 122, Flags.ACK, 0),
                SyntheticCaptures.frame(true, 21, 0, Flags.RST, 0),     // answers an old ACK: seq 21, long past
                SyntheticCaptures.frame(true, 122, 0, Flags.RST, 0)));  // at the next number: accepted
        assertEquals(List.of("TIME_WAIT/CLOSED", "CLOSED/CLOSED"), states.subList(7, 9));
    }

    /** A RST,ACK with sequence number 0, answering an old SYN at a closed socket, is nowhere in the window. */
    @Test
    void aRstAnsweringAnOldSynLeavesTimeWaitAlone(@TempDir Path dir) throws IOException {
        long isn = 3_548_258_697L, serverIsn = 2_210_141_810L; // far apart enough for 0 to look ahead, modulo 2^32
        List<String> states = states(dir, List.of(
                SyntheticCaptures.frame(false, isn, 0, Flags.SYN, 0),
                SyntheticCaptures.frame(true, serverIsn, isn + 1, Flags.SYN_ACK, 0),
                SyntheticCaptures.frame(false, isn + 1, serverIsn + 1, Flags.FIN_ACK, 0),
                SyntheticCaptures.frame(true, serverIsn + 1, isn + 2, Flags.FIN_ACK, 0),
                SyntheticCaptures.frame(false, isn + 2, serverIsn + 2, Flags.ACK, 0),
                SyntheticCaptures.frame(false, isn, 0, Flags.SYN, 0),                  // the SYN again, late
                SyntheticCaptures.frame(true, 0, isn + 1, Flags.RST_ACK, 0)));         // a closed socket's answer
        assertEquals(List.of("TIME_WAIT/CLOSED", "TIME_WAIT/CLOSED"), states.subList(5, 7));
    }

    /** In SYN_SENT, a RST counts only when it acknowledges the SYN. */
    @Test
    void aRstWithoutAnAckDoesNotRefuseASyn(@TempDir Path dir) throws IOException {
        List<String> states = states(dir, List.of(
                SyntheticCaptures.frame(false, 10, 0, Flags.SYN, 0),
                SyntheticCaptures.frame(true, 0, 0, Flags.RST, 0),
                SyntheticCaptures.frame(true, 0, 11, Flags.RST_ACK, 0)));
        assertEquals(List.of("SYN_SENT/SYN_RECEIVED", "SYN_SENT/SYN_RECEIVED", "CLOSED/CLOSED"), states);
    }

    /** Refused each time: every try opens and is closed again by its RST. */
    @Test
    void aConnectRefusedThreeTimesOpensAndClosesThreeTimes(@TempDir Path dir) throws IOException {
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            frames.add(SyntheticCaptures.frame(false, 10, 0, Flags.SYN, 0));
            frames.add(SyntheticCaptures.frame(true, 0, 11, Flags.RST_ACK, 0));
        }
        assertEquals(List.of("SYN_SENT/SYN_RECEIVED", "CLOSED/CLOSED", "SYN_SENT/SYN_RECEIVED", "CLOSED/CLOSED",
                "SYN_SENT/SYN_RECEIVED", "CLOSED/CLOSED"), states(dir, frames));
    }
}
