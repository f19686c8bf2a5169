package dev.tcplab.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcplab.capture.CaptureReader;
import dev.tcplab.capture.SyntheticCaptures;
import dev.tcplab.host.Shell;
import dev.tcplab.wire.Flags;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * tshark as the independent decoder: for every TCP segment of every sample capture (the
 * project's own, made by tcplab and by kernels in a lab network, and the external ones in other
 * formats and link types), tcplab's time, connection number, endpoints, relative seq/ack, length,
 * window and Wireshark analysis flags must equal tshark's. Deliberate differences are listed in the README.
 */
class AnalysisAgreesWithTsharkTest {

    static final List<String> FLAGS = Event.valuesThatWiresharkHas();

    static Stream<Path> captures() throws IOException {
        List<Path> all = new ArrayList<>();
        try (Stream<Path> own = Files.list(Path.of("captures"))) {
            own.filter(p -> p.toString().matches(".*\\.pcap(ng)?$")).forEach(all::add);
        }
        try (Stream<Path> ext = Files.list(Path.of("src/test/resources/captures-external"))) {
            ext.filter(p -> p.toString().matches(".*\\.pcap(ng)?$")).forEach(all::add);
        }
        all.sort(null);
        return all.stream();
    }

    /** {@code src} and {@code dst} as "addr:port", IPv6 in brackets: how tcplab's JSON writes them. */
    /** @param nanos since the capture's first packet (tshark's frame.time_relative) */
    record Row(long nanos, int conn, String src, String dst, long seq, Long ack, int len, long win, List<String> flags) {
    }

    @ParameterizedTest
    @MethodSource("captures")
    void everySegmentMatchesTshark(Path capture) throws IOException {
        requireTshark();
        Map<Long, Row> theirs = tshark(capture);
        Map<Long, Row> ours = new TreeMap<>();
        AnalysisSink sink = new AnalysisSink() {
            @Override
            public void segment(AnalyzedSegment s) {
                List<String> flags = new ArrayList<>();
                for (Event e : Event.of(s.events())) {
                    if (e.fromWireshark()) {
                        flags.add(e.jsonName);
                    }
                }
                ours.put(s.frame(), new Row(s.timeNanos(), s.conn() - 1, s.src().toString(), s.dst().toString(), s.seq(),
                        s.ack() < 0 ? null : s.ack(), s.length(), s.window(), flags));
            }

            @Override
            public void connection(ConnectionSummary c) {
            }
        };
        try (CaptureReader r = CaptureReader.open(capture)) {
            new Analyzer(sink).run(r, p -> { });
        }
        assertEquals(theirs.keySet(), ours.keySet(), capture + ": the same frames are TCP");
        List<String> differences = new ArrayList<>();
        for (Map.Entry<Long, Row> e : theirs.entrySet()) {
            if (!e.getValue().equals(ours.get(e.getKey()))) {
                differences.add("frame " + e.getKey() + ": tshark " + e.getValue() + ", tcplab " + ours.get(e.getKey()));
            }
        }
        assertTrue(differences.isEmpty(), capture + ": " + differences.size() + " of " + theirs.size()
                + " segments differ:\n" + String.join("\n", differences.subList(0, Math.min(10, differences.size()))));
    }

    /**
     * {@code --events bad-tcp} marks what Wireshark's colouring rule "Bad TCP" marks, the rule read from
     * the installed Wireshark's own list. recorder-dropped.pcap has the case that tells "any flag but the
     * harmless ones" from Wireshark's rule: an ACK of an unseen segment that is also a window update.
     */
    @ParameterizedTest
    @MethodSource("captures")
    void badTcpIsWhatWiresharksColouringRuleMarks(Path capture) throws IOException {
        requireTshark();
        Shell.Result r = Shell.run("tshark", "-r", capture.toString(), "-Y", wiresharksBadTcpRule(), "-T", "fields",
                "-e", "frame.number");
        assertTrue(r.ok(), r.stderr());
        List<Long> theirs = r.stdout().lines().filter(l -> !l.isBlank()).map(Long::parseLong).toList();
        List<Long> ours = new ArrayList<>();
        AnalysisSink frames = new AnalysisSink() {
            @Override
            public void segment(AnalyzedSegment s) {
                ours.add(s.frame());
            }

            @Override
            public void connection(ConnectionSummary c) {
            }
        };
        try (CaptureReader reader = CaptureReader.open(capture)) {
            new Analyzer(new EventSelection(frames, new EventChoice(List.of(EventChoice.BAD_TCP)))).run(reader, p -> { });
        }
        assertEquals(theirs, ours, capture.toString());
    }

    @Test
    void badTcpLeavesOutAnUnseenSegmentsAckThatIsAlsoAWindowUpdateAsWiresharkDoes() {
        assertTrue(EventChoice.badTcp(Event.ACK_LOST_SEGMENT.bit));
        assertFalse(EventChoice.badTcp(Event.ACK_LOST_SEGMENT.bit | Event.WINDOW_UPDATE.bit));
        assertFalse(EventChoice.badTcp(Event.RST.bit | Event.TIME_WAIT.bit), "tcplab's own events are not Wireshark's");
    }

    static String wiresharksBadTcpRule() throws IOException {
        for (String line : Files.readAllLines(Path.of("/usr/share/wireshark/colorfilters"))) {
            if (line.startsWith("@Bad TCP@")) {
                return line.split("@")[2];
            }
        }
        throw new AssertionError("no Bad TCP rule in /usr/share/wireshark/colorfilters");
    }

    /**
     * Wireshark's out-of-order window is its initial RTT: from the SYN to the first pure ACK, which it
     * takes even when the SYN+ACK was not captured (here 10 ms). The copy of the first data segment,
     * 5 ms after the highest one, is then out-of-order, not a retransmission as with the default 3 ms.
     */
    @Test
    void theOutOfOrderWindowIsTheInitialRttEvenWithoutTheSynAck(@TempDir Path dir) throws IOException {
        List<byte[]> frames = List.of(
                SyntheticCaptures.frame(false, 100, 0, Flags.SYN, 0),
                SyntheticCaptures.frame(false, 101, 501, Flags.ACK, 0), // its SYN+ACK missing from the capture
                SyntheticCaptures.frame(false, 101, 501, Flags.ACK, 100),
                SyntheticCaptures.frame(false, 201, 501, Flags.ACK, 100),
                SyntheticCaptures.frame(false, 101, 501, Flags.ACK, 100));
        Path capture = agreesWithTshark(dir.resolve("synack-missing.pcap"), frames,
                new long[] {0, 10_000, 11_000, 12_000, 17_000});
        assertEquals(List.of("out_of_order"), tshark(capture).get(5L).flags(), "what tshark says of the copy");
    }

    /** A SYN or a FIN sent again within the out-of-order window: its own sequence number counts, so not out of order. */
    @Test
    void aSynOrFinSentAgainAtOnceIsARetransmission(@TempDir Path dir) throws IOException {
        List<byte[]> frames = List.of(
                SyntheticCaptures.frame(false, 10, 0, Flags.SYN, 0),
                SyntheticCaptures.frame(false, 10, 0, Flags.SYN, 0),
                SyntheticCaptures.frame(true, 20, 11, Flags.SYN_ACK, 0),
                SyntheticCaptures.frame(false, 11, 21, Flags.ACK, 0),
                SyntheticCaptures.frame(false, 11, 21, Flags.FIN_ACK, 0),
                SyntheticCaptures.frame(false, 11, 21, Flags.FIN_ACK, 0));
        Path capture = agreesWithTshark(dir.resolve("syn-fin-again.pcap"), frames, millisecondsApart(6));
        Map<Long, Row> theirs = tshark(capture);
        assertEquals(List.of("retransmission"), theirs.get(2L).flags(), "what tshark says of the second SYN");
        assertEquals(List.of("retransmission"), theirs.get(6L).flags(), "what tshark says of the second FIN");
    }

    /** Data that starts one byte before the next expected byte does advance (the byte before a probe's). */
    @Test
    void newDataStartingOneByteEarlyIsNotARetransmission(@TempDir Path dir) throws IOException {
        List<byte[]> frames = List.of(
                SyntheticCaptures.frame(false, 10, 0, Flags.SYN, 0),
                SyntheticCaptures.frame(true, 20, 11, Flags.SYN_ACK, 0),
                SyntheticCaptures.frame(false, 11, 21, Flags.ACK, 0),
                SyntheticCaptures.frame(false, 11, 21, Flags.PSH_ACK, 100),
                SyntheticCaptures.frame(false, 110, 21, Flags.PSH_ACK, 50),
                SyntheticCaptures.frame(false, 158, 21, Flags.PSH_ACK, 2));
        Path capture = agreesWithTshark(dir.resolve("one-byte-early.pcap"), frames,
                new long[] {0, 1_000, 2_000, 3_000, 4_000, 20_000});
        Map<Long, Row> theirs = tshark(capture);
        assertEquals(List.of(), theirs.get(5L).flags(), "what tshark says of 50 bytes from one byte early");
        assertEquals(List.of("retransmission"), theirs.get(6L).flags(), "and of 2 bytes from two bytes early");
    }

    /**
     * A refused connection tried again: Linux's RST answers a SYN with sequence number 0, which leaves the
     * server's next sequence number unset in Wireshark (which keeps numbers absolute, 0 meaning none), so
     * the server's SYN+ACK that finally comes is no retransmission.
     */
    @Test
    void aSynAckAfterARefusalWithSequenceZeroIsNoRetransmission(@TempDir Path dir) throws IOException {
        List<byte[]> frames = List.of(
                SyntheticCaptures.frame(false, 10, 0, Flags.SYN, 0),
                SyntheticCaptures.frame(true, 0, 11, Flags.RST_ACK, 0),
                SyntheticCaptures.frame(false, 10, 0, Flags.SYN, 0),
                SyntheticCaptures.frame(true, 77, 11, Flags.SYN_ACK, 0),
                SyntheticCaptures.frame(false, 11, 78, Flags.ACK, 0));
        Path capture = agreesWithTshark(dir.resolve("refused-then-answered.pcap"), frames,
                new long[] {0, 1_000, 500_000, 501_000, 502_000});
        assertEquals(List.of("reused_ports"), tshark(capture).get(4L).flags(), "what tshark says of the SYN+ACK");
    }

    /**
     * A segment in IP fragments, IPv4 and IPv6, the pieces out of order: put back together, and shown at the
     * frame of the fragment that completed it, as tshark does.
     */
    @Test
    void fragmentedSegmentsArePutBackTogetherAsWiresharkDoes(@TempDir Path dir) throws IOException {
        List<byte[]> frames = new ArrayList<>();
        frames.add(SyntheticCaptures.frame(false, 10, 0, Flags.SYN, 0));
        frames.add(SyntheticCaptures.frame(true, 20, 11, Flags.SYN_ACK, 0));
        frames.add(SyntheticCaptures.frame(false, 11, 21, Flags.ACK, 0));
        List<byte[]> v4 = SyntheticCaptures.fragments(SyntheticCaptures.frame(false, 11, 21, Flags.PSH_ACK, 1000), 400, 7);
        frames.addAll(List.of(v4.get(1), v4.get(2), v4.get(0)));                    // frames 4-6: the first comes last
        frames.add(SyntheticCaptures.frame(true, 21, 1011, Flags.ACK, 0));
        frames.add(SyntheticCaptures.frame6(false, 10, 0, Flags.SYN, 0));
        frames.add(SyntheticCaptures.frame6(true, 20, 11, Flags.SYN_ACK, 0));
        frames.add(SyntheticCaptures.frame6(false, 11, 21, Flags.ACK, 0));
        frames.addAll(SyntheticCaptures.fragments(SyntheticCaptures.frame6(false, 11, 21, Flags.PSH_ACK, 1500), 1232, 9));
        frames.add(SyntheticCaptures.frame6(true, 21, 1511, Flags.ACK, 0));
        Path capture = agreesWithTshark(dir.resolve("fragments.pcap"), frames, millisecondsApart(frames.size()));
        Map<Long, Row> theirs = tshark(capture);
        assertEquals(1000, theirs.get(6L).len(), "tshark: the IPv4 segment whole, at its last fragment's frame");
        assertEquals(1500, theirs.get(12L).len(), "tshark: the IPv6 segment whole, at its last fragment's frame");
        assertEquals(List.of(), theirs.get(7L).flags(), "tshark: its ACK acknowledges nothing unseen");
    }

    /** A capture on a sending host with segmentation offload: an IPv4 total length of 0 means the frame's. */
    @Test
    void anIpv4TotalLengthOfZeroIsTheLengthOnTheWire(@TempDir Path dir) throws IOException {
        byte[] large = SyntheticCaptures.frame(false, 11, 21, Flags.PSH_ACK, 3000);
        large[14 + 2] = 0;
        large[14 + 3] = 0;
        List<byte[]> frames = List.of(SyntheticCaptures.frame(false, 10, 0, Flags.SYN, 0),
                SyntheticCaptures.frame(true, 20, 11, Flags.SYN_ACK, 0), SyntheticCaptures.frame(false, 11, 21, Flags.ACK, 0),
                large, SyntheticCaptures.frame(true, 21, 3011, Flags.ACK, 0));
        Path capture = agreesWithTshark(dir.resolve("tso.pcap"), frames, millisecondsApart(5));
        assertEquals(3000, tshark(capture).get(4L).len(), "what tshark takes the length to be");
        try (CaptureReader r = CaptureReader.open(capture)) {
            AnalysisStats st = new Analyzer(new AnalysisSink() {
                @Override
                public void segment(AnalyzedSegment s) {
                }

                @Override
                public void connection(ConnectionSummary c) {
                }
            }).run(r, p -> { });
            assertEquals(1, st.lengthFromTheWire, "counted for the summary");
            assertEquals(0, st.skipped());
        }
    }

    /** Writes the frames to {@code capture} at the given times and checks every segment against tshark. */
    private Path agreesWithTshark(Path capture, List<byte[]> frames, long[] micros) throws IOException {
        Files.write(capture, SyntheticCaptures.pcapAt(frames, micros));
        everySegmentMatchesTshark(capture);
        return capture;
    }

    private static long[] millisecondsApart(int frames) {
        long[] micros = new long[frames];
        for (int i = 0; i < frames; i++) {
            micros[i] = i * 1_000L;
        }
        return micros;
    }

    static Map<Long, Row> tshark(Path capture) {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-r", capture.toString(), "-Y", "tcp", "-T", "fields",
                "-E", "separator=|", "-e", "frame.number", "-e", "tcp.stream", "-e", "tcp.seq", "-e", "tcp.ack",
                "-e", "tcp.flags", "-e", "tcp.len", "-e", "tcp.window_size"));
        for (String f : FLAGS) {
            cmd.add("-e");
            cmd.add("tcp.analysis." + f);
        }
        for (String f : List.of("ip.src", "ipv6.src", "tcp.srcport", "ip.dst", "ipv6.dst", "tcp.dstport",
                "frame.time_relative")) {
            cmd.add("-e");
            cmd.add(f);
        }
        Shell.Result r = Shell.run(cmd.toArray(String[]::new));
        assertTrue(r.ok(), "tshark could not read " + capture + ": " + r.stderr());
        Map<Long, Row> rows = new TreeMap<>();
        for (String line : r.stdout().split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\\|", -1);
            boolean ackBit = (Integer.decode(f[4]) & 0x10) != 0;
            List<String> flags = new ArrayList<>();
            for (int i = 0; i < FLAGS.size(); i++) {
                if (!f[7 + i].isEmpty()) {
                    flags.add(FLAGS.get(i));
                }
            }
            int a = 7 + FLAGS.size();
            long nanos = new java.math.BigDecimal(f[a + 6]).movePointRight(9).longValueExact();
            rows.put(Long.parseLong(f[0]), new Row(nanos, Integer.parseInt(f[1]), endpoint(f[a], f[a + 1], f[a + 2]),
                    endpoint(f[a + 3], f[a + 4], f[a + 5]), Long.parseLong(f[2]), ackBit ? Long.parseLong(f[3]) : null,
                    Integer.parseInt(f[5]), Long.parseLong(f[6]), flags));
        }
        return rows;
    }

    static String endpoint(String ipv4, String ipv6, String port) {
        return ipv4.isEmpty() ? "[" + ipv6 + "]:" + port : ipv4 + ":" + port;
    }

    /** Skips locally without tshark; in CI (which installs it) its absence is a failure. */
    static void requireTshark() {
        boolean present = Shell.run("sh", "-c", "command -v tshark").ok();
        if (!present && (Boolean.getBoolean("tcplab.requireLive") || "true".equals(System.getenv("CI")))) {
            throw new AssertionError("tshark is missing: ./run-tests installs it");
        }
        Assumptions.assumeTrue(present, "tshark is not installed");
    }
}
