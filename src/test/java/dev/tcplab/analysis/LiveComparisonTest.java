package dev.tcplab.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcplab.text.BothLanguages;
import dev.tcplab.text.Text;
import dev.tcplab.wire.Flags;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiveComparisonTest {
    static SegmentShape shape(Flags f, long seq, long ack, int len, long frame) {
        return new SegmentShape(f, seq, ack, len, frame);
    }

    final List<SegmentShape> recorded = List.of(shape(Flags.SYN_ACK, 0, 1, 0, 4), shape(Flags.ACK, 1, 19, 0, 7),
            shape(Flags.PSH_ACK, 1, 19, 18, 8), shape(Flags.ACK, 19, 20, 0, 11), shape(Flags.FIN_ACK, 19, 20, 0, 12));

    @Test
    void theSameShapesInOtherFramesAreNoDifference() {
        List<SegmentShape> live = recorded.stream().map(s -> shape(s.flags(), s.seq(), s.ack(), s.length(), 100 + s.frame()))
                .toList();
        assertTrue(LiveComparison.differences(recorded, live).isEmpty());
    }

    /** Beyond 4,000 segments a side only the counts are compared, and the line names the side compared. */
    @Test
    void tooManySegmentsToLineUpAreCountedForTheSideCompared() {
        List<SegmentShape> many = java.util.stream.IntStream.range(0, 4001)
                .mapToObj(i -> shape(Flags.ACK, 1 + 1448L * i, 1, 1448, i + 1)).toList();
        List<Text> d = LiveComparison.differences(many, many.subList(0, 3990), Text.of("client", "客户端"));
        assertEquals(List.of("the recording has 4001 client segments, the live kernel sent 3990 (too many to line up "
                + "one by one)"), d.stream().map(Text::en).toList());
        assertEquals("录制中客户端有 4001 个报文段，实际的内核发送了 3990 个（太多，无法逐个对齐）", d.get(0).zh());
        assertTrue(LiveComparison.differences(many, many).isEmpty(), "as many on both sides: nothing to say");
    }

    /**
     * A burst of ACKs handed on out of order (seen live: a Windows client's 1,460-byte pieces acknowledged one by one,
     * ack 7301 reaching us 5 µs before ack 5841) is put back in order, and said; duplicates keep their order.
     */
    @Test
    void acksThatCameOutOfOrderArePutBackAndNamed() {
        List<SegmentShape> sent = List.of(shape(Flags.ACK, 1, 1461, 0, 13), shape(Flags.ACK, 1, 2921, 0, 15),
                shape(Flags.ACK, 1, 4381, 0, 17), shape(Flags.ACK, 1, 5841, 0, 19), shape(Flags.ACK, 1, 7301, 0, 21),
                shape(Flags.PSH_ACK, 1, 7301, 2, 26), shape(Flags.ACK, 3, 7301, 0, 28), shape(Flags.ACK, 3, 7301, 0, 29));
        List<SegmentShape> came = List.of(sent.get(0), sent.get(1), sent.get(2), sent.get(4), sent.get(3), sent.get(5),
                sent.get(6), sent.get(7));
        assertEquals(2, LiveComparison.differences(sent, came).size(), "as they came: two places");
        LiveComparison.AcksInOrder ordered = LiveComparison.AcksInOrder.of(came);
        assertEquals(sent, ordered.segments());
        assertEquals(List.of(sent.get(3)), ordered.late());
        assertTrue(LiveComparison.differences(sent, ordered.segments()).isEmpty());

        LiveComparison.AcksInOrder already = LiveComparison.AcksInOrder.of(sent);
        assertEquals(sent, already.segments());
        assertEquals(List.of(), already.late(), "a duplicate ACK is not late");
        // An ACK does not move across data: the run ends at a segment that is not a pure ACK.
        List<SegmentShape> acrossData = List.of(sent.get(4), sent.get(5), sent.get(3));
        assertEquals(acrossData, LiveComparison.AcksInOrder.of(acrossData).segments());
    }

    @Test
    void aMissingSegmentIsOneLineAndTheRestStillLinesUp() {
        List<SegmentShape> live = List.of(recorded.get(0), recorded.get(1), recorded.get(2), recorded.get(4));
        List<Text> d = LiveComparison.differences(recorded, live);
        assertEquals(1, d.size(), d.toString());
        assertEquals("recorded frame 11: ACK seq 19 ack 20 len 0; live: no such segment", d.get(0).en());
        assertEquals("录制的第 11 帧：ACK seq 19 ack 20 len 0；实际：没有这个报文段", d.get(0).zh());
    }

    @Test
    void extraAndChangedSegmentsAreNamedWithoutStoppingAtTheFirst() {
        List<SegmentShape> live = List.of(recorded.get(0), shape(Flags.ACK, 1, 10, 0, 1), recorded.get(2),
                recorded.get(3), recorded.get(4), shape(Flags.RST, 20, -1, 0, 9));
        List<Text> d = LiveComparison.differences(recorded, live);
        assertEquals(2, d.size(), d.toString());
        assertTrue(d.get(0).en().startsWith("recorded frame 7: ACK seq 1 ack 19 len 0; live instead: ACK seq 1 ack 10"), d.toString());
        assertTrue(d.get(0).zh().startsWith("录制的第 7 帧：ACK seq 1 ack 19 len 0；实际却是：ACK seq 1 ack 10"), d.toString());
        assertEquals("live only: RST seq 20 len 0", d.get(1).en());
        d.forEach(BothLanguages::assertTold);
    }

    @Test
    void aRecordingGivesTheClientsDataInTurnAndWhoClosedFirst() throws IOException {
        RecordedConversation rec = RecordedConversation.read(Path.of("captures/handshake-echo-close.pcap"), 0);
        assertEquals(1, rec.chunks().size());
        assertArrayEquals("hello from tcplab\n".getBytes(StandardCharsets.UTF_8), rec.chunks().get(0).data());
        assertEquals(0, rec.chunks().get(0).serverBytesBefore());
        assertTrue(rec.clientClosedFirst());
        assertFalse(rec.serverClosedFirst());
        assertEquals(18, rec.serverBytesBeforeClientFin(), "the client closed after the echo came back");
        assertEquals(4, rec.serverSegments().size());
        RecordedConversation passive = RecordedConversation.read(Path.of("captures/passive-open-listen.pcap"), 1);
        assertEquals("10.77.1.2:38920", passive.client());
        // kernel-mix.pcap (tshark: FINs of connection 1 in frames 180, server, and 181; connection 8 has none, and
        // connection 41 ends in the server's RST): the client closed second in all three, the server first in one.
        Path mix = Path.of("captures/kernel-mix.pcap");
        for (int conn : new int[] {1, 8, 41}) {
            RecordedConversation r = RecordedConversation.read(mix, conn);
            assertFalse(r.clientClosedFirst(), "connection " + conn);
            assertEquals(conn == 1, r.serverClosedFirst(), "connection " + conn);
            assertEquals(conn == 41 ? 3788 : -1, r.serverResetFrame(), "connection " + conn);
        }
        assertEquals("the client closed second", RecordedConversation.read(mix, 1).closeOrder().en());
        assertEquals("neither side's FIN is in the capture", RecordedConversation.read(mix, 8).closeOrder().en());
        assertEquals("the server reset the connection", RecordedConversation.read(mix, 41).closeOrder().en());
        assertEquals("the client closed first", RecordedConversation.read(mix, 4).closeOrder().en());
        // Connection 8, a slow reader (tshark: tcp.analysis.zero_window in 15 frames, the first 3901).
        List<Long> zeroWindows = RecordedConversation.read(mix, 8).serverZeroWindowFrames();
        assertEquals(15, zeroWindows.size());
        assertEquals(3901L, zeroWindows.get(0));
        // Its reading pace (tshark: its first zero window in frame 3901 at .494322, tcp.ack 4345, its last in 4275 at
        // 4.418351, tcp.ack 43441): 39,096 bytes in 3.924029 s. The reader took 512 bytes every 50 ms
        // (bench/kernel-traffic.py): 10,240 bytes/s, less its reads' own time.
        assertEquals(9963, RecordedConversation.read(mix, 8).serverReadRate());
        assertEquals(0, RecordedConversation.read(mix, 1).serverReadRate(), "no zero window");
    }

    @Test
    void aRecordingGivesTheClientsIdleTimeBeforeItsFinAndItsKeepalive() throws IOException {
        // kernel-mix.pcap's connection 4 (tshark, frame.time_epoch): the client's third ACK at .447782 (frame 71), its
        // keep-alives at 1.450371 (4220, the first tcp.analysis.keep_alive), 2.474395 (4234) and 3.498324 (4256), its FIN at 4.448463
        // (4276); the server's ACKs of the probes do not end the quiet.
        RecordedConversation rec = RecordedConversation.read(Path.of("captures/kernel-mix.pcap"), 4);
        assertEquals(new RecordedConversation.Quiet(4_000_681_000L, -1,
                new RecordedConversation.Keepalive(1_002_589_000L, 1_024_024_000L, 3, 4220, true,
                        950_139_000L), null), rec.quiet());
        RecordedConversation echo = RecordedConversation.read(Path.of("captures/handshake-echo-close.pcap"), 1);
        long beforeFin = echo.quiet().clientBeforeFinNanos();
        assertTrue(beforeFin >= 0 && beforeFin < 100_000_000L, "its FIN right after the echo: " + beforeFin);
        assertEquals(null, echo.quiet().client());
        // The kernel's keep-alive on the server's side, nobody answering (tshark, frame.time_epoch): the client's last
        // ACK at 977.783894684 (frame 9), the probes at 978.786305184 (10) and 979.802299876 (11), then 980.826298487
        // (12), the server's RST at 981.850377371 (13). The client sent no FIN: it stayed on until the RST.
        RecordedConversation crashed = RecordedConversation.read(Path.of("captures/keepalive-crashed-client.pcap"), 1);
        assertEquals(new RecordedConversation.Quiet(-1, 4_066_482_687L, null,
                new RecordedConversation.Keepalive(1_002_410_500L, 1_015_994_692L, 3, 10, false,
                        1_024_078_884L)), crashed.quiet());
    }

    @Test
    void bytesTheCaptureMissedAreSentAsZerosSoTheStreamKeepsItsLength() {
        dev.tcplab.wire.HostPort c = dev.tcplab.wire.HostPort.parse("10.0.0.1:1000");
        dev.tcplab.wire.HostPort s = dev.tcplab.wire.HostPort.parse("10.0.0.2:80");
        java.util.function.BiFunction<Long, Integer, AnalyzedSegment> data = (seq, len) -> new AnalyzedSegment(seq, 0, 0,
                1, true, c, s, dev.tcplab.wire.Segment.of(1000, 80, dev.tcplab.wire.SeqNum.of(seq), dev.tcplab.wire.SeqNum.ZERO,
                Flags.PSH_ACK, 100).withPayload(new byte[len]), seq, 1, len, 100,
                dev.tcplab.endpoint.TcpState.ESTABLISHED, dev.tcplab.endpoint.TcpState.ESTABLISHED, 0, null);
        AnalyzedSegment syn = new AnalyzedSegment(1, 0, 0, 1, true, c, s, dev.tcplab.wire.Segment.of(1000, 80,
                dev.tcplab.wire.SeqNum.ZERO, dev.tcplab.wire.SeqNum.ZERO, Flags.SYN, 100), 0, -1, 0, 100,
                dev.tcplab.endpoint.TcpState.SYN_SENT, dev.tcplab.endpoint.TcpState.SYN_RECEIVED, 0, null);
        // Bytes 1-100 captured, 101-200 not, 201-300 captured.
        RecordedConversation rec = RecordedConversation.from(List.of(syn, data.apply(1L, 100), data.apply(201L, 100)));
        assertEquals(300, rec.clientBytes());
        assertEquals(100, rec.filledBytes());
        assertEquals(100, rec.unseenBytes(), "a segment never captured, not a snaplen's cut");
        assertEquals(" (100 bytes the capture does not hold are sent as zeros: 100 in segments it never captured)",
                rec.zerosExplained().en());
        assertEquals("（抓包里没有的 100 个字节以零代替发送：其中 100 个在从未抓到的报文段里）", rec.zerosExplained().zh());
    }

    /**
     * What the server answered, for a re-enactment's peer to answer the same (tshark: corner-cases.pcap's second
     * connection's server sends 40 bytes of 'y' in frame 19, with ack 401; handshake-echo-close.pcap's echo, 18
     * bytes in frame 8, with ack 19).
     */
    @Test
    void aRecordingGivesTheServersRepliesAndHowMuchItHadReceivedBeforeEach() throws IOException {
        RecordedConversation rec = RecordedConversation.read(Path.of("captures/corner-cases.pcap"), 2);
        assertEquals(1, rec.serverReplies().size());
        RecordedConversation.Write reply = rec.serverReplies().get(0);
        assertArrayEquals("y".repeat(40).getBytes(StandardCharsets.US_ASCII), reply.data());
        assertEquals(400, reply.receivedBefore(), "after the client's four pieces of 100 bytes");
        assertEquals(19, reply.frame());
        RecordedConversation echo = RecordedConversation.read(Path.of("captures/handshake-echo-close.pcap"), 0);
        assertEquals(1, echo.serverReplies().size());
        assertArrayEquals("hello from tcplab\n".getBytes(StandardCharsets.UTF_8), echo.serverReplies().get(0).data());
        assertEquals(18, echo.serverReplies().get(0).receivedBefore());
        assertEquals(8, echo.serverReplies().get(0).frame());
    }

    /**
     * The server application's writes come back whole: Linux marks a write's last segment with PSH (tshark:
     * simple_http.pcap's Python server sends 186 bytes with PSH, then, after the client's ACK, 14 with PSH;
     * loss-both-ways.pcap's echo server 40,000 bytes in 29 segments that are no retransmission, 7 of them with
     * PSH).
     */
    @Test
    void theServersRepliesAreItsWritesPutBackTogether() throws IOException {
        RecordedConversation http = RecordedConversation.read(
                Path.of("src/test/resources/captures-external/simple_http.pcap"), 1);
        assertEquals(List.of(186, 14), http.serverReplies().stream().map(r -> r.data().length).toList());
        assertEquals(List.of(493L, 493L), http.serverReplies().stream().map(RecordedConversation.Write::receivedBefore)
                .toList());
        RecordedConversation echo = RecordedConversation.read(Path.of("captures/loss-both-ways.pcap"), 1);
        assertEquals(40_000, echo.serverBytes(), "each byte once, the retransmissions left out");
        assertTrue(echo.serverReplies().size() > 1 && echo.serverReplies().size() < 29,
                "segments put together into writes: " + echo.serverReplies().size());
    }

    /**
     * A Windows client's SYN (no timestamps) and a server that thinks before it answers (tshark, 200722_tcp_anon.pcapng's
     * second connection: the client's last data at 9.047601 s, the server's 2-byte replies at 17.699266, 19.204565 and
     * 21.427095 s, each with PSH).
     */
    @Test
    void aRecordingGivesTheClientsSynAndTheServersPausesBeforeItsReplies() throws IOException {
        RecordedConversation rec = RecordedConversation.read(
                Path.of("src/test/resources/captures-external/200722_tcp_anon.pcapng"), 2);
        assertEquals(new RecordedConversation.SynOffer(1460, false), rec.clientSyn());
        assertEquals(List.of(2, 2, 2), rec.serverReplies().stream().map(r -> r.data().length).toList());
        assertEquals(List.of(8_651_665L, 1_505_299L, 2_222_530L), rec.serverReplies().stream()
                .map(r -> r.pauseNanos() / 1000).toList(), "microseconds since the client's last data, then each reply");
        assertEquals(new RecordedConversation.SynOffer(1460, true),
                RecordedConversation.read(Path.of("captures/handshake-echo-close.pcap"), 0).clientSyn());
    }

    /**
     * What a re-enactment of the server needs of the recorded client (tshark, 200722_tcp_anon.pcapng's second
     * connection: the Windows client's 14 segments, its 9,519 bytes in frames 12-24 with PSH on the last only,
     * before any of the server's; the server's SYN+ACK with MSS 1460 and no timestamps; its FIN in frame 32 at
     * 27.667394 s, the client's in frame 34 at 27.670958 s).
     */
    @Test
    void aRecordingGivesTheClientsWritesSegmentsAndCloseForAReenactmentOfTheServer() throws IOException {
        RecordedConversation.Mirror m = RecordedConversation.read(
                Path.of("src/test/resources/captures-external/200722_tcp_anon.pcapng"), 2).mirror();
        assertEquals(14, m.clientSegments().size());
        assertEquals(List.of(9519), m.clientWrites().stream().map(w -> w.data().length).toList(),
                "seven segments without PSH but the last: one write");
        assertEquals(0, m.clientWrites().get(0).receivedBefore());
        assertEquals(12, m.clientWrites().get(0).frame());
        assertEquals(9519, m.bytesBeforeServerFin());
        assertEquals(3564, m.clientCloseDelayNanos() / 1000, "microseconds from the server's FIN to the client's");
        assertEquals(new RecordedConversation.SynOffer(1460, false), m.serverSynAck());
        RecordedConversation.Mirror echo = RecordedConversation.read(Path.of("captures/handshake-echo-close.pcap"), 0)
                .mirror();
        assertEquals(-1, echo.clientCloseDelayNanos(), "the client closed first");
        assertEquals(true, echo.serverSynAck().timestamps());
        assertEquals(-1, echo.clientResetFrame());
        assertEquals(30, RecordedConversation.read(Path.of("captures/corner-cases.pcap"), 3).mirror().clientResetFrame(),
                "corner-cases.pcap's third client ends with RST,ACK in frame 30, without a FIN");
        // kernel-mix.pcap's slow reader (tshark: tcp.window_size of the server's segments after its SYN+ACK, at
        // most 2896, as in frame 4210).
        assertEquals(2896, RecordedConversation.read(Path.of("captures/kernel-mix.pcap"), 8).mirror()
                .serverLargestWindow());
    }

    /**
     * The same 4,000 bytes, cut 1448 + 552 + 1448 + 552 recorded and 1448 + 1448 + 1104 live (a write's end the
     * live sender did not stop at): the cuts part at the second segment, and a retransmission counts once.
     */
    @Test
    void theSameBytesCutElsewhereAreFoundWhereTheyPart() {
        List<SegmentShape> rec = List.of(shape(Flags.ACK, 1, 1, 1448, 10), shape(Flags.PSH_ACK, 1449, 1, 552, 11),
                shape(Flags.ACK, 2001, 1, 1448, 12), shape(Flags.PSH_ACK, 3449, 1, 552, 13));
        List<SegmentShape> live = List.of(shape(Flags.ACK, 1, 1, 1448, 3), shape(Flags.ACK, 1449, 1, 1448, 4),
                shape(Flags.ACK, 1449, 1, 1448, 5), shape(Flags.PSH_ACK, 2897, 1, 1104, 6));
        LiveComparison.CutsPart c = LiveComparison.whereTheCutsPart(rec, live);
        assertEquals(new LiveComparison.CutsPart(rec.get(1), 3, 2, 4000), c);
        assertEquals(null, LiveComparison.whereTheCutsPart(rec, rec), "the same cuts");
        assertEquals(null, LiveComparison.whereTheCutsPart(rec, live.subList(0, 2)), "not the same bytes");
        assertEquals(null, LiveComparison.whereTheCutsPart(recorded, recorded), "one data segment each, the same");
    }

    /**
     * FINs that crossed (tshark, kernel-mix.pcap's connection 40: the client's ACK in frame 3805 at .489671, the
     * server's FIN in 3806 at .489689 with ack 9, the client's FIN in 3807 with ack 9 too, neither covering the
     * other's FIN at 9; simultaneous-close.pcap: both FINs ack 19); and FINs that did not (connection 1, and
     * handshake-echo-close.pcap).
     */
    @Test
    void finsThatCrossedAreASimultaneousCloseWithTheQuietBeforeThem() throws IOException {
        Path mix = Path.of("captures/kernel-mix.pcap");
        RecordedConversation crossed = RecordedConversation.read(mix, 40);
        assertTrue(crossed.mirror().finsCrossed());
        assertEquals(18_000, crossed.mirror().finsCrossedAfterNanos(), "from the client's ACK to the server's FIN");
        assertEquals("both closed at once (the FINs crossed)", crossed.closeOrder().en());
        BothLanguages.assertTold(crossed.closeOrder());
        assertTrue(RecordedConversation.read(Path.of("captures/simultaneous-close.pcap"), 1).mirror().finsCrossed());
        for (RecordedConversation apart : List.of(RecordedConversation.read(mix, 1),
                RecordedConversation.read(Path.of("captures/handshake-echo-close.pcap"), 1))) {
            assertFalse(apart.mirror().finsCrossed(), apart.closeOrder().en());
            assertEquals(-1, apart.mirror().finsCrossedAfterNanos());
        }
    }

    /**
     * A long write's PSH, where its kernel pushed what it had or the client's window stopped it, ends no write:
     * the kernel sent 64,000 bytes in one write to a client reading 16 KB/s from a 16,000-byte window (tshark:
     * PSH on 31 of its 72 segments, the first at 5,793 bytes, half the window on).
     */
    @Test
    void aLongWritesPushesWhereTheWindowStoppedItEndNoWrite() throws IOException {
        dev.tcplab.wire.HostPort c = dev.tcplab.wire.HostPort.parse("10.0.0.1:1000");
        dev.tcplab.wire.HostPort s = dev.tcplab.wire.HostPort.parse("10.0.0.2:80");
        List<AnalyzedSegment> segments = new java.util.ArrayList<>();
        segments.add(new AnalyzedSegment(1, 0, 0, 1, true, c, s, dev.tcplab.wire.Segment.of(1000, 80,
                dev.tcplab.wire.SeqNum.ZERO, dev.tcplab.wire.SeqNum.ZERO, Flags.SYN, 100), 0, -1, 0, 100,
                dev.tcplab.endpoint.TcpState.SYN_SENT, dev.tcplab.endpoint.TcpState.SYN_RECEIVED, 0, null));
        // The client offers 3,000 bytes; the server sends 1,448 + 1,552 (PSH: the window is full), then, at the
        // window update to 10,000, 1,448 + 1,552 more (PSH: the write's end, far from the window's), which the
        // client acknowledges; then 10 bytes, a write of their own.
        java.util.function.BiConsumer<long[], Boolean> server = (seqLen, push) -> segments.add(new AnalyzedSegment(
                segments.size() + 1, segments.size(), 0, 1, false, s, c, dev.tcplab.wire.Segment.of(80, 1000,
                dev.tcplab.wire.SeqNum.of(seqLen[0]), dev.tcplab.wire.SeqNum.of(1), push ? Flags.PSH_ACK : Flags.ACK,
                100).withPayload(new byte[(int) seqLen[1]]), seqLen[0], 1, (int) seqLen[1], 100,
                dev.tcplab.endpoint.TcpState.ESTABLISHED, dev.tcplab.endpoint.TcpState.ESTABLISHED, 0, null));
        java.util.function.BiConsumer<Long, Long> client = (ack, window) -> segments.add(new AnalyzedSegment(
                segments.size() + 1, segments.size(), 0, 1, true, c, s, dev.tcplab.wire.Segment.of(1000, 80,
                dev.tcplab.wire.SeqNum.of(1), dev.tcplab.wire.SeqNum.of(ack), Flags.ACK, 100), 1, ack, 0, window,
                dev.tcplab.endpoint.TcpState.ESTABLISHED, dev.tcplab.endpoint.TcpState.ESTABLISHED, 0, null));
        client.accept(1L, 3000L);
        server.accept(new long[] {1, 1448}, false);
        server.accept(new long[] {1449, 1552}, true);
        client.accept(3001L, 0L);
        client.accept(3001L, 10000L);
        server.accept(new long[] {3001, 1448}, false);
        server.accept(new long[] {4449, 1552}, true);
        client.accept(6001L, 60000L);
        server.accept(new long[] {6001, 10}, true);
        RecordedConversation rec = RecordedConversation.from(segments);
        assertEquals(List.of(6000, 10), rec.serverReplies().stream().map(r -> r.data().length).toList(),
                "one write of 6,000 bytes, stopped twice by the window; then one of 10");
    }

    /** A reply sent after the client's FIN had arrived: its ACK counts the FIN, which is no byte to wait for. */
    @Test
    void aReplyAfterTheClientsFinWaitsForTheClientsBytesNotItsFin() {
        dev.tcplab.wire.HostPort c = dev.tcplab.wire.HostPort.parse("10.0.0.1:1000");
        dev.tcplab.wire.HostPort s = dev.tcplab.wire.HostPort.parse("10.0.0.2:80");
        AnalyzedSegment syn = new AnalyzedSegment(1, 0, 0, 1, true, c, s, dev.tcplab.wire.Segment.of(1000, 80,
                dev.tcplab.wire.SeqNum.ZERO, dev.tcplab.wire.SeqNum.ZERO, Flags.SYN, 100), 0, -1, 0, 100,
                dev.tcplab.endpoint.TcpState.SYN_SENT, dev.tcplab.endpoint.TcpState.SYN_RECEIVED, 0, null);
        AnalyzedSegment dataAndFin = new AnalyzedSegment(2, 0, 0, 1, true, c, s, dev.tcplab.wire.Segment.of(1000, 80,
                dev.tcplab.wire.SeqNum.of(1), dev.tcplab.wire.SeqNum.of(1), Flags.FIN_ACK, 100).withPayload(new byte[100]),
                1, 1, 100, 100, dev.tcplab.endpoint.TcpState.FIN_WAIT_1, dev.tcplab.endpoint.TcpState.CLOSE_WAIT, 0, null);
        AnalyzedSegment reply = new AnalyzedSegment(3, 0, 0, 1, false, s, c, dev.tcplab.wire.Segment.of(80, 1000,
                dev.tcplab.wire.SeqNum.of(1), dev.tcplab.wire.SeqNum.of(102), Flags.PSH_ACK, 100)
                .withPayload("bye".getBytes(StandardCharsets.US_ASCII)), 1, 102, 3, 100,
                dev.tcplab.endpoint.TcpState.CLOSE_WAIT, dev.tcplab.endpoint.TcpState.FIN_WAIT_2, 0, null);
        RecordedConversation rec = RecordedConversation.from(List.of(syn, dataAndFin, reply));
        assertEquals(1, rec.serverReplies().size());
        assertEquals(100, rec.serverReplies().get(0).receivedBefore(), "ack 102 less the SYN and the FIN");
    }

    /** TCP Fast Open: the SYN's data starts after the SYN's own number, all of it sent, and it is said so. */
    @Test
    void dataInTheClientsSynIsSentWholeAfterTheHandshake() throws IOException {
        RecordedConversation rec = RecordedConversation.read(Path.of("captures/corner-cases.pcap"), 1);
        assertEquals(10, rec.synDataBytes());
        assertEquals(1, rec.chunks().size(), "the SYN's data, then nothing new: the FIN");
        assertArrayEquals("GET / 0123".getBytes(StandardCharsets.US_ASCII), rec.chunks().get(0).data(),
                "every byte, the first one too");
        assertEquals(0, RecordedConversation.read(Path.of("captures/handshake-echo-close.pcap"), 1).synDataBytes());
    }

    @Test
    void aRunThatPartsInItsAcksAloneIsToldApartFromOneThatPartsInWhatItSends() {
        // The same data and FIN, acknowledged at other points: a bulk transfer's pace, not a different kernel.
        List<SegmentShape> live = List.of(recorded.get(0), shape(Flags.ACK, 1, 10, 0, 1), shape(Flags.ACK, 1, 19, 0, 2),
                recorded.get(2), recorded.get(4));
        assertTrue(LiveComparison.onlyAcksDiffer(recorded, live));
        List<SegmentShape> moreData = List.of(recorded.get(0), shape(Flags.PSH_ACK, 1, 19, 20, 2), recorded.get(4));
        assertFalse(LiveComparison.onlyAcksDiffer(recorded, moreData), "a data segment of another length");
        List<SegmentShape> noFin = List.of(recorded.get(0), recorded.get(1), recorded.get(2), recorded.get(3));
        assertFalse(LiveComparison.onlyAcksDiffer(recorded, noFin), "the FIN missing");
        // The data acknowledging less (the client's FIN not yet in): pace. The FIN doing so: the server closed first.
        List<SegmentShape> dataAckedEarlier = List.of(recorded.get(0), recorded.get(1), shape(Flags.PSH_ACK, 1, 1, 18, 8),
                recorded.get(3), recorded.get(4));
        assertTrue(LiveComparison.onlyAcksDiffer(recorded, dataAckedEarlier), "a data segment's ack");
        List<SegmentShape> finFirst = List.of(recorded.get(0), recorded.get(1), recorded.get(2),
                shape(Flags.FIN_ACK, 19, 19, 0, 12), shape(Flags.ACK, 20, 20, 0, 14));
        assertFalse(LiveComparison.onlyAcksDiffer(recorded, finFirst), "a FIN before the client's, not after it");
    }
}
