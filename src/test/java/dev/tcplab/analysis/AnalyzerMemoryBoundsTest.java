package dev.tcplab.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcplab.capture.CaptureReader;
import dev.tcplab.capture.SyntheticCaptures;
import dev.tcplab.text.Text;
import dev.tcplab.wire.Flags;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Memory follows the connections held, not the file: past its bounds the analysis lets closed connections go
 * before their linger, then open ones idle the longest, and the summary table keeps the first rows only.
 * The bounds are small here; the launcher's are 50,000 and 100,000 connections and 50,000 rows.
 */
class AnalyzerMemoryBoundsTest {
    private static final int HELD = 100, OPEN = 200;

    /** Connections opened so far less those handed over: what the analysis holds, seen from its sink. */
    private static final class Holding implements AnalysisSink {
        int highestConn, handedOver, mostHeld;
        final List<ConnectionSummary> summaries = new ArrayList<>();
        final List<Integer> segmentConns = new ArrayList<>();

        @Override
        public void segment(AnalyzedSegment s) {
            highestConn = Math.max(highestConn, s.conn());
            mostHeld = Math.max(mostHeld, highestConn - handedOver);
            segmentConns.add(s.conn());
        }

        @Override
        public void connection(ConnectionSummary c) {
            handedOver++;
            summaries.add(c);
        }
    }

    /** {@code n} connections from client ports 10000 up, each closed: SYN, SYN+ACK, ACK, FIN, FIN+ACK, ACK. */
    private static List<byte[]> closedConnections(int n) {
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int port = 10_000 + i;
            frames.add(SyntheticCaptures.frame(port, false, 100, 0, Flags.SYN));
            frames.add(SyntheticCaptures.frame(port, true, 500, 101, Flags.SYN_ACK));
            frames.add(SyntheticCaptures.frame(port, false, 101, 501, Flags.ACK));
            frames.add(SyntheticCaptures.frame(port, false, 101, 501, Flags.FIN_ACK));
            frames.add(SyntheticCaptures.frame(port, true, 501, 102, Flags.FIN_ACK));
            frames.add(SyntheticCaptures.frame(port, false, 102, 502, Flags.ACK));
        }
        return frames;
    }

    private static AnalysisStats run(Analyzer analyzer, List<byte[]> frames) throws IOException {
        // 1 ms apart: every connection is closed well within the 120 s a closed one lingers.
        return run(analyzer, SyntheticCaptures.pcap(1, false, ByteOrder.LITTLE_ENDIAN, frames));
    }

    private static AnalysisStats run(Analyzer analyzer, byte[] pcap) throws IOException {
        try (CaptureReader r = CaptureReader.of(Channels.newChannel(new ByteArrayInputStream(pcap)), "test")) {
            return analyzer.run(r, position -> { });
        }
    }

    @Test
    void closedConnectionsLeaveBeforeTheirLingerWhenTooManyAreHeld() throws IOException {
        Holding bounded = new Holding();
        AnalysisStats st = run(new Analyzer(bounded, false, HELD, OPEN), closedConnections(1000));
        assertTrue(bounded.mostHeld <= HELD + HELD / 4 + 1, "held at most " + bounded.mostHeld);
        assertTrue(st.releasedClosed >= 800, "released early: " + st.releasedClosed);
        assertEquals(0, st.releasedOpen);
        assertEquals(1000, bounded.summaries.size());
        assertEquals(1000, bounded.summaries.stream().mapToInt(ConnectionSummary::conn).distinct().count());
        assertTrue(bounded.summaries.stream().allMatch(c -> c.close() == CloseKind.THREE_SEGMENT));

        // Within the default bounds every one lingers to the end, as before.
        Holding unbounded = new Holding();
        AnalysisStats all = run(new Analyzer(unbounded, false), closedConnections(1000));
        assertEquals(1000, unbounded.mostHeld);
        assertEquals(0, all.releasedClosed);
    }

    @Test
    void openConnectionsIdleTheLongestAreReleasedAndALaterSegmentStartsANewOne() throws IOException {
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < 1000; i++) { // a scan: SYNs that nobody answers
            frames.add(SyntheticCaptures.frame(10_000 + i, false, 100, 0, Flags.SYN));
        }
        frames.add(SyntheticCaptures.frame(10_000, false, 100, 0, Flags.SYN)); // the first one's SYN again
        // All in one microsecond, as a clock too coarse for the rate would write them: idle the longest is
        // told by the frames, not the timestamps.
        byte[] pcap = SyntheticCaptures.pcapAt(frames, new long[frames.size()]);
        Holding sink = new Holding();
        AnalysisStats st = run(new Analyzer(sink, false, HELD, OPEN), pcap);

        assertTrue(sink.mostHeld <= OPEN + HELD / 4 + 1, "held at most " + sink.mostHeld);
        long released = sink.summaries.stream().filter(c -> c.close() == CloseKind.RELEASED).count();
        assertEquals(st.releasedOpen, released);
        assertTrue(released >= 700, "released: " + released);
        // The oldest went first; the newest were still held at the end.
        assertEquals(CloseKind.RELEASED, summaryOf(sink, 1).close());
        assertEquals(CloseKind.OPEN, summaryOf(sink, 1000).close());
        // The first tuple was let go, so its SYN again is a connection of its own, not a retransmission.
        assertEquals(1001, sink.segmentConns.get(sink.segmentConns.size() - 1));
        assertEquals(1001, st.connections);
    }

    private static ConnectionSummary summaryOf(Holding sink, int conn) {
        return sink.summaries.stream().filter(c -> c.conn() == conn).findFirst().orElseThrow();
    }

    @Test
    void theTableKeepsTheFirstRowsByNumberAndCountsEveryConnection() throws IOException {
        Holding sink = new Holding();
        AnalysisStats st = run(new Analyzer(sink, false), closedConnections(10));
        StringWriter text = new StringWriter();
        SummaryTable table = new SummaryTable(new PrintWriter(text, true), Text.Lang.en, 3);
        for (int i = sink.summaries.size() - 1; i >= 0; i--) { // the last first: rows come as connections end
            table.connection(sink.summaries.get(i));
        }
        table.finish(st);

        List<String> rows = text.toString().lines().filter(l -> l.matches("\\s+\\d+\\s+10\\.0\\.0\\.1:.*")).toList();
        assertEquals(List.of("1", "2", "3"), rows.stream().map(l -> l.trim().split("\\s+")[0]).toList());
        assertTrue(text.toString().contains("… and 7 connections more, not listed"), text.toString());
        assertTrue(text.toString().contains("in all: 10 connections; closed three-segment 10"), text.toString());
    }

    @Test
    void theSummarySaysWhatWasLetGoEarly() {
        AnalysisStats st = new AnalysisStats();
        st.format = "pcap";
        st.releasedClosed = 550_000;
        st.releasedOpen = 1;
        StringWriter text = new StringWriter();
        new SummaryTable(new PrintWriter(text, true)).finish(st);
        assertTrue(text.toString().contains("550000 closed connections left memory before their 120 s were up, because"
                + " over 50000 connections were held at once"), text.toString());
        assertTrue(text.toString().contains("1 connection still open was let go (close: released), because over 100000"
                + " were open at once"), text.toString());
    }
}
