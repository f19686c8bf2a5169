package dev.tcplab.analysis;

import static dev.tcplab.capture.SyntheticCaptures.frame;
import static dev.tcplab.capture.SyntheticCaptures.frame6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcplab.capture.CaptureReader;
import dev.tcplab.capture.SyntheticCaptures;
import dev.tcplab.endpoint.TcpState;
import dev.tcplab.wire.Flags;
import dev.tcplab.wire.Ipv6Address;
import java.io.ByteArrayOutputStream;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** IPv6 connections are analysed as IPv4 ones are, and kept apart from IPv4 ones on the same ports. */
class Ipv6AnalysisTest {
    final List<AnalyzedSegment> segments = new ArrayList<>();
    final List<ConnectionSummary> connections = new ArrayList<>();

    AnalysisStats analyse(List<byte[]> frames) throws Exception {
        byte[] pcap = SyntheticCaptures.pcap(1, false, ByteOrder.LITTLE_ENDIAN, frames);
        AnalysisSink sink = new AnalysisSink() {
            @Override
            public void segment(AnalyzedSegment s) {
                segments.add(s);
            }

            @Override
            public void connection(ConnectionSummary c) {
                connections.add(c);
            }
        };
        try (CaptureReader r = CaptureReader.of(Channels.newChannel(new java.io.ByteArrayInputStream(pcap)), "test")) {
            return new Analyzer(sink).run(r, p -> { });
        }
    }

    @Test
    void anIpv4AndAnIpv6HandshakeOnTheSamePortsAreTwoConnections() throws Exception {
        // Interleaved, so that each packet's connection differs from the last one's.
        AnalysisStats st = analyse(List.of(
                frame(false, 100, 0, Flags.SYN, 0), frame6(false, 700, 0, Flags.SYN, 0),
                frame(true, 500, 101, Flags.SYN_ACK, 0), frame6(true, 900, 701, Flags.SYN_ACK, 0),
                frame(false, 101, 501, Flags.ACK, 0), frame6(false, 701, 901, Flags.ACK, 0),
                frame6(false, 701, 901, Flags.PSH_ACK, 5), frame6(true, 901, 706, Flags.ACK, 0)));
        assertEquals(8, st.tcpSegments);
        assertEquals(0, st.notTcp);
        assertEquals(List.of(1, 2, 1, 2, 1, 2, 2, 2), segments.stream().map(AnalyzedSegment::conn).toList());
        AnalyzedSegment third6 = segments.get(5);
        assertEquals("[fd00::1]:1000", third6.src().toString());
        assertEquals("[fd00::2]:80", third6.dst().toString());
        assertEquals(TcpState.ESTABLISHED, third6.stateSrc());
        assertEquals(TcpState.ESTABLISHED, third6.stateDst());
        assertTrue(third6.has(Event.HANDSHAKE_COMPLETE), "the IPv6 handshake completes");
        assertEquals(1, segments.get(6).seq(), "relative numbers count from the IPv6 connection's own ISN");
        assertEquals(6, segments.get(7).ack());
        assertEquals(2, connections.size());
        ConnectionSummary v6 = connections.stream().filter(c -> c.conn() == 2).findFirst().orElseThrow();
        assertEquals("[fd00::1]:1000", v6.client().toString());
        assertEquals("[fd00::2]:80", v6.server().toString());
        assertTrue(v6.handshakeSeen());
    }

    @Test
    void theSummaryTableWidensItsEndpointColumnsForLongAddresses() throws Exception {
        Ipv6Address a = SyntheticCaptures.ipv6("2001:db8:85a3:8d3:1319:8a2e:370:7348");
        Ipv6Address b = SyntheticCaptures.ipv6("2001:db8:85a3:8d3:1319:8a2e:370:7349");
        byte[] pcap = SyntheticCaptures.pcap(1, false, ByteOrder.LITTLE_ENDIAN, List.of(
                frame6(a, b, false, 700, 0, Flags.SYN, 0), frame6(a, b, true, 900, 701, Flags.SYN_ACK, 0),
                frame(false, 100, 0, Flags.SYN, 0)));
        java.io.StringWriter text = new java.io.StringWriter();
        try (CaptureReader r = CaptureReader.of(Channels.newChannel(new java.io.ByteArrayInputStream(pcap)), "test")) {
            new Analyzer(new SummaryTable(new java.io.PrintWriter(text, true))).run(r, p -> { });
        }
        List<String> lines = text.toString().lines().filter(l -> l.contains("client") || l.matches("\\s+\\d+ .*"))
                .toList();
        assertEquals(3, lines.size(), text.toString());
        int serverColumn = lines.get(0).indexOf("server");
        int packetsColumnEnd = lines.get(0).indexOf("packets") + "packets".length();
        assertEquals(serverColumn, lines.get(1).indexOf("[2001:db8:85a3:8d3:1319:8a2e:370:7349]:80"), text.toString());
        assertEquals(serverColumn, lines.get(2).indexOf("10.0.0.2:80"), "the IPv4 row lines up too");
        assertEquals(packetsColumnEnd, lines.get(2).indexOf(" 1 ") + 2, "and so do the columns after it");
    }

    @Test
    void theJsonWritesIpv6EndpointsInBrackets() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] pcap = SyntheticCaptures.pcap(1, false, ByteOrder.LITTLE_ENDIAN,
                List.of(frame6(false, 700, 0, Flags.SYN, 0), frame6(true, 900, 701, Flags.SYN_ACK, 0)));
        AnalysisJson json = new AnalysisJson(out);
        try (CaptureReader r = CaptureReader.of(Channels.newChannel(new java.io.ByteArrayInputStream(pcap)), "test")) {
            new Analyzer(json).run(r, p -> { });
        }
        String first = out.toString().lines().findFirst().orElseThrow();
        assertTrue(first.contains("\"src\":\"[fd00::1]:1000\",\"dst\":\"[fd00::2]:80\""), first);
    }
}
