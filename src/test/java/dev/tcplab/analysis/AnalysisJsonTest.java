package dev.tcplab.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tcplab.endpoint.TcpState;
import dev.tcplab.wire.Flags;
import dev.tcplab.wire.HostPort;
import dev.tcplab.wire.Segment;
import dev.tcplab.wire.SeqNum;
import dev.tcplab.wire.TcpOption;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JSON lines themselves: the values written from pre-serialized pieces read back as what they stand for. */
class AnalysisJsonTest {
    private static final HostPort A = HostPort.parse("10.0.0.1:40000"), B = HostPort.parse("10.0.0.2:80");

    private static List<String> lines(AnalyzedSegment... segments) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AnalysisJson json = new AnalysisJson(out);
        for (AnalyzedSegment s : segments) {
            json.segment(s);
        }
        json.finish(new AnalysisStats());
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private static List<JsonNode> write(AnalyzedSegment... segments) {
        ObjectMapper mapper = new ObjectMapper();
        return lines(segments).stream().map(l -> {
            try {
                return mapper.readTree(l);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + l, e);
            }
        }).toList();
    }

    private static AnalyzedSegment segment(long timeNanos, Segment s, HostPort src, HostPort dst, int events) {
        return new AnalyzedSegment(1, timeNanos, timeNanos, 1, true, src, dst, s, 0, -1, 0, s.window(),
                TcpState.SYN_SENT, TcpState.SYN_RECEIVED, events, null);
    }

    @Test
    void flagsEventsOptionsAndEndpointsReadBackPerSegment() {
        Segment syn = new Segment(40000, 80, SeqNum.of(1), SeqNum.ZERO, Flags.SYN, 64240, 0,
                List.of(new TcpOption.Mss(1460), new TcpOption.Nop(), new TcpOption.Timestamps(7, 0)), new byte[0]);
        Segment ack = new Segment(80, 40000, SeqNum.of(9), SeqNum.of(2), Flags.ACK, 500, 0,
                List.of(new TcpOption.Nop(), new TcpOption.Nop(), new TcpOption.Timestamps(8, 7)), new byte[0]);
        int events = Event.RETRANSMISSION.bit | Event.RST.bit;
        List<JsonNode> nodes = write(segment(0, syn, A, B, 0), segment(5, ack, B, A, events), segment(6, ack, B, A, events));

        JsonNode first = nodes.get(0), second = nodes.get(1), third = nodes.get(2);
        assertEquals("[\"SYN\"]", first.get("flags").toString());
        assertEquals("[\"mss 1460\"]", first.get("options").toString(), "the timestamps have fields of their own");
        assertEquals(7, first.get("tsval").asLong());
        assertEquals("[]", first.get("events").toString());
        assertEquals("10.0.0.1:40000", first.get("src").asText());
        assertEquals("[\"ACK\"]", second.get("flags").toString());
        assertEquals("[]", second.get("options").toString());
        assertEquals("[\"retransmission\",\"rst\"]", second.get("events").toString());
        assertEquals("10.0.0.2:80", second.get("src").asText(), "the endpoint text follows the segment");
        assertEquals(second.get("events"), third.get("events"), "the same event set, written again from its cache");
        assertEquals("capture", nodes.get(3).get("type").asText());
    }

    @Test
    void endpointsStayRightAsConnectionsInterleave() {
        HostPort c = HostPort.parse("10.0.0.3:40001");
        Segment ack = Segment.of(80, 40000, SeqNum.of(9), SeqNum.of(2), Flags.ACK, 500);
        // Both directions of one connection, then a third endpoint, then the first connection again.
        HostPort[][] pairs = {{A, B}, {B, A}, {A, B}, {c, B}, {B, c}, {A, B}, {B, A}, {c, A}, {A, c}};
        AnalyzedSegment[] segments = new AnalyzedSegment[pairs.length];
        for (int i = 0; i < pairs.length; i++) {
            segments[i] = segment(i, ack, pairs[i][0], pairs[i][1], 0);
        }
        List<JsonNode> nodes = write(segments);
        for (int i = 0; i < pairs.length; i++) {
            assertEquals(pairs[i][0].toString(), nodes.get(i).get("src").asText(), "src of segment " + i);
            assertEquals(pairs[i][1].toString(), nodes.get(i).get("dst").asText(), "dst of segment " + i);
        }
    }

    @Test
    void endpointsStayRightAmongManyThatShareCacheSlots() {
        // Ports 256 apart on one address have hashes 256 apart, which mostly fall in one slot of the
        // endpoint cache (256 slots): each write there replaces another's text. Random others beside them.
        java.util.Random random = new java.util.Random(7);
        HostPort[] endpoints = new HostPort[600];
        for (int i = 0; i < endpoints.length; i++) {
            endpoints[i] = i < 40 ? HostPort.parse("10.0.0.9:" + (1024 + 256 * i))
                    : HostPort.parse("10.0." + random.nextInt(4) + "." + random.nextInt(256) + ":" + random.nextInt(65536));
        }
        Segment ack = Segment.of(80, 40000, SeqNum.of(9), SeqNum.of(2), Flags.ACK, 500);
        AnalyzedSegment[] segments = new AnalyzedSegment[5_000];
        for (int i = 0; i < segments.length; i++) {
            HostPort src = endpoints[i < 400 ? i % 40 : random.nextInt(endpoints.length)];
            HostPort dst = endpoints[i < 400 ? (i + 1) % 40 : random.nextInt(endpoints.length)];
            segments[i] = segment(i, ack, src, dst, 0);
        }
        List<JsonNode> nodes = write(segments);
        for (int i = 0; i < segments.length; i++) {
            assertEquals(segments[i].src().toString(), nodes.get(i).get("src").asText(), "src of segment " + i);
            assertEquals(segments[i].dst().toString(), nodes.get(i).get("dst").asText(), "dst of segment " + i);
        }
    }

    @Test
    void sackBlocksWrittenInPlaceSayWhatTheOptionDescribes() {
        java.util.Random random = new java.util.Random(11);
        long[][] edgeSets = new long[2_000][];
        for (int i = 0; i < edgeSets.length; i++) {
            // 0 to 4 blocks from a wire; 5 and 6, with 19-digit edges, only as a record built by hand.
            long[] edges = new long[2 * (i < 14 ? i % 7 : random.nextInt(5))];
            for (int e = 0; e < edges.length; e++) {
                edges[e] = edges.length > 8 ? Long.MAX_VALUE - e : switch (random.nextInt(4)) {
                    case 0 -> 0;
                    case 1 -> 0xffffffffL;
                    case 2 -> random.nextInt(1000);
                    default -> random.nextLong() & 0xffffffffL;
                };
            }
            edgeSets[i] = edges;
        }
        AnalyzedSegment[] segments = new AnalyzedSegment[edgeSets.length];
        for (int i = 0; i < edgeSets.length; i++) {
            Segment s = new Segment(80, 40000, SeqNum.of(9), SeqNum.of(2), Flags.ACK, 500, 0,
                    List.of(new TcpOption.Nop(), new TcpOption.Nop(), new TcpOption.Sack(edgeSets[i])), new byte[0]);
            segments[i] = segment(i, s, B, A, 0);
        }
        List<JsonNode> nodes = write(segments);
        for (int i = 0; i < edgeSets.length; i++) {
            String expected = new TcpOption.Sack(edgeSets[i]).describe();
            assertEquals(expected, nodes.get(i).get("options").get(0).asText(), "SACK " + i);
        }
    }

    @Test
    void synOptionsWrittenAgainFromTheirCacheKeepTheirValues() {
        Segment first = new Segment(40000, 80, SeqNum.of(1), SeqNum.ZERO, Flags.SYN, 64240, 0,
                List.of(new TcpOption.Mss(1460), new TcpOption.WindowScale(7), new TcpOption.SackPermitted()), new byte[0]);
        Segment second = new Segment(40001, 80, SeqNum.of(1), SeqNum.ZERO, Flags.SYN, 64240, 0,
                List.of(new TcpOption.Mss(536), new TcpOption.WindowScale(7), new TcpOption.Sack(new long[] {5, 9})),
                new byte[0]);
        List<JsonNode> nodes = write(segment(0, first, A, B, 0), segment(1, second, A, B, 0), segment(2, first, A, B, 0));
        assertEquals("[\"mss 1460\",\"wscale 7\",\"sackOK\"]", nodes.get(0).get("options").toString());
        assertEquals("[\"mss 536\",\"wscale 7\",\"" + new TcpOption.Sack(new long[] {5, 9}).describe() + "\"]",
                nodes.get(1).get("options").toString());
        assertEquals(nodes.get(0).get("options"), nodes.get(2).get("options"));
    }

    @Test
    void aConnectionsTimesAreDecimalsEvenBelowAMillisecond() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AnalysisJson json = new AnalysisJson(out);
        json.connection(new ConnectionSummary(1, A, B, 1, 9, 575_000, 575_000 + 631_000, 5, 4, 8, 8, true, 16_000,
                CloseKind.THREE_SEGMENT, "client", null, TcpState.TIME_WAIT, TcpState.CLOSED, Map.of(), 0, 0));
        json.finish(new AnalysisStats());
        String line = out.toString(StandardCharsets.UTF_8).lines().findFirst().orElseThrow();
        assertTrue(line.contains("\"start\":0.000575,\"duration\":0.000631,"), line);
        assertTrue(line.contains("\"handshake_rtt_ms\":0.016,"), line);
    }

    @Test
    void timesOfEveryMagnitudeAreTheirExactDecimal() {
        java.util.Random random = new java.util.Random(5);
        Segment ack = Segment.of(80, 40000, SeqNum.of(9), SeqNum.of(2), Flags.ACK, 500);
        long[] times = new long[20_000];
        for (int i = 0; i < times.length; i++) {
            long magnitude = (long) Math.pow(10, random.nextInt(19)); // from nanoseconds to centuries
            times[i] = (random.nextLong() & Long.MAX_VALUE) % magnitude * (random.nextInt(8) == 0 ? -1 : 1);
        }
        times[0] = 0;
        times[1] = 999_999_999;
        times[2] = Long.MAX_VALUE;
        times[3] = -Long.MAX_VALUE;
        AnalyzedSegment[] segments = new AnalyzedSegment[times.length];
        for (int i = 0; i < times.length; i++) {
            segments[i] = segment(times[i], ack, B, A, 0);
        }
        List<String> lines = lines(segments);
        for (int i = 0; i < times.length; i++) {
            String line = lines.get(i);
            int from = line.indexOf("\"time\":") + 7;
            String expected = java.math.BigDecimal.valueOf(times[i], 9).toPlainString(); // all nine digits
            assertEquals(expected, line.substring(from, line.indexOf(',', from)), "time " + times[i]);
        }
    }

    @Test
    void timeIsExactSecondsAndNegativeBeforeTheFirstPacket() {
        Segment ack = Segment.of(80, 40000, SeqNum.of(9), SeqNum.of(2), Flags.ACK, 500);
        List<String> lines = lines(segment(1_000_000_001L, ack, B, A, 0), segment(-1_500_000_000L, ack, B, A, 0),
                segment(3_000_000_000L, ack, B, A, 0));
        assertTrue(lines.get(0).contains("\"time\":1.000000001,"), lines.get(0));
        assertTrue(lines.get(1).contains("\"time\":-1.500000000,"), "a clock stepped back: a negative time, not garbage: "
                + lines.get(1));
        assertTrue(lines.get(2).contains("\"time\":3.000000000,"), lines.get(2));
    }
}
