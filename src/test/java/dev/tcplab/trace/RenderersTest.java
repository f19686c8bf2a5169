package dev.tcplab.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tcplab.text.Text;
import dev.tcplab.wire.Flags;
import dev.tcplab.wire.HostPort;
import dev.tcplab.wire.Segment;
import dev.tcplab.wire.SeqNum;
import dev.tcplab.wire.TcpOption;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ladder and JSON lines for a textbook handshake whose ISNs sit just below 2^32. */
class RenderersTest {
    static final HostPort US = HostPort.parse("10.77.1.1:61000");
    static final HostPort PEER = HostPort.parse("10.77.1.2:7");
    static final long J = 0xFFFF_FFFFL; // our ISN: data starts at 0 after the wrap
    static final long K = 4_000_000_000L;

    static List<TraceEvent> handshake() {
        return List.of(
                new TraceEvent.StateChange(0, "CLOSED", "SYN_SENT", Text.of("active open", "主动打开")),
                seg(1_000, Direction.OUT, US, PEER, Segment.of(61000, 7, SeqNum.of(J), SeqNum.ZERO, Flags.SYN, 64240)
                        .withOptions(List.of(new TcpOption.Mss(1460))), "SYN_SENT", null),
                seg(101_000, Direction.IN, PEER, US, Segment.of(7, 61000, SeqNum.of(K), SeqNum.of(J + 1), Flags.SYN_ACK,
                        65160), "ESTABLISHED", null),
                seg(120_000, Direction.OUT, US, PEER, Segment.of(61000, 7, SeqNum.of(J + 1), SeqNum.of(K + 1), Flags.ACK,
                        64240), "ESTABLISHED", null),
                seg(1_120_000, Direction.OUT, US, PEER, Segment.of(61000, 7, SeqNum.of(J + 1), SeqNum.of(K + 1),
                        Flags.PSH_ACK, 64240).withPayload("hi".getBytes()), "ESTABLISHED", Text.of("retransmission 1", "第 1 次重传")),
                new TraceEvent.Note(2_000_000, Text.of("a remark", "一条备注")));
    }

    static TraceEvent seg(long t, Direction d, HostPort s, HostPort dst, Segment g, String state, Text why) {
        return new TraceEvent.SegmentEvent(t, d, s, dst, g, state, why);
    }

    /** 20 MB echoed drew a 23 MB SVG; a bulk transfer's picture keeps its start and its end. */
    @Test
    void aLongLivePictureKeepsItsStartAndItsCloseAndMarksWhatItLeftOut() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("tcplab-picture", ".svg");
        try {
            PictureRecorder picture = new PictureRecorder(file, PictureRecorder.Kind.SVG, "bulk");
            handshake().forEach(picture::accept);
            long t = 3_000_000;
            for (int i = 0; i < 3000; i++) {
                Segment data = Segment.of(61000, 7, SeqNum.of(J + 3 + 100L * i), SeqNum.of(K + 1), Flags.ACK, 64240)
                        .withPayload(new byte[100]);
                picture.accept(seg(t += 10_000, Direction.OUT, US, PEER, data, "ESTABLISHED", null));
            }
            long end = J + 3 + 100L * 3000;
            picture.accept(seg(t += 10_000, Direction.OUT, US, PEER, Segment.of(61000, 7, SeqNum.of(end), SeqNum.of(K + 1),
                    Flags.FIN_ACK, 64240), "FIN_WAIT_1", null));
            picture.accept(seg(t += 10_000, Direction.IN, PEER, US, Segment.of(7, 61000, SeqNum.of(K + 1),
                    SeqNum.of(end + 1), Flags.FIN_ACK, 65160), "TIME_WAIT", null));
            picture.accept(seg(t + 10_000, Direction.OUT, US, PEER, Segment.of(61000, 7, SeqNum.of(end + 1),
                    SeqNum.of(K + 2), Flags.ACK, 64240), "TIME_WAIT", null));
            picture.finish();
            String svg = java.nio.file.Files.readString(file);
            int all = 4 + 3000 + 3;
            assertEquals(LadderPicture.MAX_STEPS, svg.split("class=\"arrow", -1).length - 1);
            assertTrue(svg.contains("<title>bulk (the first 1500 and the last 500 of " + all + " segments)</title>"), svg.substring(0, 400));
            assertEquals(1, svg.split("… " + (all - 2000) + " segments left out here …", -1).length - 1);
            assertTrue(svg.contains(">SYN seq=0<") && svg.contains(">FIN,ACK seq=300003 ack=1<"), "the handshake and the close");
            assertTrue(svg.contains(">2MSL<"), "TIME_WAIT's bracket, after the cut");
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }

    @Test
    void leavingOutTheMiddleKeepsTheTimersOnEitherSideAndDropsThoseAcrossIt() {
        List<LadderPicture.Step> steps = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            steps.add(new LadderPicture.Step(i, true, "s" + i, "", null, null, false, false, ""));
        }
        LadderPicture p = new LadderPicture("t", "a", "b", steps, List.of(new LadderPicture.Timer(0, 2, true, "before"),
                new LadderPicture.Timer(2, 8, true, "across"), new LadderPicture.Timer(7, 9, false, "after")));
        LadderPicture cut = p.withMiddleLeftOut(3, 3, "t, cut");
        assertEquals(List.of("s0", "s1", "s2", "s7", "s8", "s9"), cut.steps().stream().map(LadderPicture.Step::label).toList());
        assertEquals(List.of(new LadderPicture.Timer(0, 2, true, "before"), new LadderPicture.Timer(3, 5, false, "after")),
                cut.timers());
        assertEquals(new LadderPicture.Cut(3, 4), cut.cut());
        assertEquals("t, cut", cut.title());
        assertTrue(p.withMiddleLeftOut(5, 5, "x") == p, "nothing to leave out");
    }

    /** What a live run's picture shows of the textbook handshake and then {@code events}. */
    static String drawnAfterTheHandshake(PictureRecorder.Kind kind, List<TraceEvent> events) throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("tcplab-picture", "." + kind.name().toLowerCase());
        try {
            PictureRecorder picture = new PictureRecorder(file, kind, "t");
            handshake().forEach(picture::accept);
            events.forEach(picture::accept);
            picture.finish();
            return java.nio.file.Files.readString(file);
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }

    @Test
    void aLivePictureDashesTheKernelsRetransmissionsAndBracketsItsRto() throws Exception {
        Segment data = Segment.of(7, 61000, SeqNum.of(K + 1), SeqNum.of(J + 3), Flags.PSH_ACK, 65160)
                .withPayload("ok".getBytes());
        Segment ack = Segment.of(7, 61000, SeqNum.of(K + 3), SeqNum.of(J + 3), Flags.ACK, 65160);
        Segment fin = Segment.of(7, 61000, SeqNum.of(K + 3), SeqNum.of(J + 3), Flags.FIN_ACK, 65160);
        String svg = drawnAfterTheHandshake(PictureRecorder.Kind.SVG, List.of(
                seg(3_000_000, Direction.IN, PEER, US, data, "ESTABLISHED", null),
                seg(23_000_000, Direction.IN, PEER, US, data, "ESTABLISHED", null),  // 20 ms on: not the RTO
                seg(24_000_000, Direction.IN, PEER, US, ack, "ESTABLISHED", null),
                seg(25_000_000, Direction.IN, PEER, US, ack, "ESTABLISHED", null),   // a duplicate ACK, not a copy
                seg(30_000_000, Direction.IN, PEER, US, fin, "CLOSE_WAIT", null),
                seg(236_000_000, Direction.IN, PEER, US, fin, "CLOSE_WAIT", null))); // the FIN again, 206 ms on
        assertEquals(3, svg.split("\\(again\\)", -1).length - 1, "our retransmission, the kernel's data and FIN again");
        assertEquals(1, svg.split(">RTO 0.2 s<", -1).length - 1, "the FIN's RTO only: 20 ms is no RTO of Linux's");
        assertTrue(svg.contains("<path d=\"M864,"), "the kernel's RTO beside the kernel's lifeline");
    }

    @Test
    void aLivePictureBracketsEachWaitOfOurPersistTimer() throws Exception {
        Segment shut = Segment.of(7, 61000, SeqNum.of(K + 1), SeqNum.of(J + 3), Flags.ACK, 0);
        Segment open = Segment.of(7, 61000, SeqNum.of(K + 1), SeqNum.of(J + 3), Flags.ACK, 2896);
        Segment probe = Segment.of(61000, 7, SeqNum.of(J + 3), SeqNum.of(K + 1), Flags.ACK, 64240)
                .withPayload(new byte[1]);
        Text why = Text.of("zero-window probe 1: one byte into the shut window", "零窗口探测，第 1 个");
        String svg = drawnAfterTheHandshake(PictureRecorder.Kind.SVG, List.of(
                seg(3_000_000, Direction.IN, PEER, US, shut, "ESTABLISHED", null),
                seg(203_000_000, Direction.OUT, US, PEER, probe, "ESTABLISHED", why),
                seg(203_100_000, Direction.IN, PEER, US, shut, "ESTABLISHED", null), // the answer: still shut
                seg(603_000_000, Direction.OUT, US, PEER, probe, "ESTABLISHED", why),
                seg(603_100_000, Direction.IN, PEER, US, shut, "ESTABLISHED", null),
                seg(900_000_000, Direction.IN, PEER, US, open, "ESTABLISHED", null), // the window update
                seg(1_300_000_000, Direction.OUT, US, PEER, probe, "ESTABLISHED", why))); // no wait to draw
        assertEquals(1, svg.split(">persist 0.2 s<", -1).length - 1, "from the zero window to the first probe");
        assertEquals(1, svg.split(">persist 0.4 s<", -1).length - 1, "then probe to probe");
        assertEquals(2, svg.split(">persist ", -1).length - 1, "none once the window opened");
    }

    @Test
    void aLivePictureBracketsTheKernelsPersistTimerAndNamesItsLinuxFormProbes() throws Exception {
        long rcvNxt = K + 1001; // the kernel sent 1000 bytes that our application has not read
        Segment shut = Segment.of(61000, 7, SeqNum.of(J + 3), SeqNum.of(rcvNxt), Flags.ACK, 0);
        Segment open = Segment.of(61000, 7, SeqNum.of(J + 3), SeqNum.of(rcvNxt), Flags.ACK, 2048);
        Segment probe = Segment.of(7, 61000, SeqNum.of(rcvNxt - 1), SeqNum.of(J + 3), Flags.ACK, 65160);
        Text answer = Text.of("zero-window probe ACK: our window is still 0", "零窗口探测的 ACK");
        String svg = drawnAfterTheHandshake(PictureRecorder.Kind.HTML, List.of(
                seg(3_000_000, Direction.OUT, US, PEER, shut, "ESTABLISHED", null),
                seg(203_000_000, Direction.IN, PEER, US, probe, "ESTABLISHED", null),
                seg(203_100_000, Direction.OUT, US, PEER, shut, "ESTABLISHED", answer),
                seg(603_000_000, Direction.IN, PEER, US, probe, "ESTABLISHED", null),
                seg(603_100_000, Direction.OUT, US, PEER, shut, "ESTABLISHED", answer),
                seg(900_000_000, Direction.OUT, US, PEER, open, "ESTABLISHED", null), // our window update
                seg(1_500_000_000, Direction.IN, PEER, US, probe, "ESTABLISHED", null))); // a keep-alive now
        assertEquals(1, svg.split(">persist 0.2 s<", -1).length - 1, "from our zero window to the kernel's probe");
        assertEquals(1, svg.split(">persist 0.4 s<", -1).length - 1, "then probe to probe");
        assertEquals(2, svg.split(">persist ", -1).length - 1, "none once our window opened, none for our answers");
        assertEquals(2, svg.split("zero-window probe, in Linux", -1).length - 1,
                "the two probes explained in the page, not the keep-alive after the window opened");
    }

    @Test
    void ladderShowsRelativeNumbersAcrossTheWrap() {
        StringWriter w = new StringWriter();
        LadderRenderer r = new LadderRenderer(new PrintWriter(w), false);
        handshake().forEach(r::accept);
        String[] lines = w.toString().split("\n");
        assertEquals(7, lines.length, w.toString());
        assertTrue(lines[0].contains("seq(rel)"), lines[0]);
        assertEquals("            · CLOSED → SYN_SENT: active open", lines[1]);
        assertTrue(lines[2].matches(" +0\\.001  ──▶  SYN +0 +- +0 +64240  SYN_SENT +mss 1460"), lines[2]);
        assertTrue(lines[3].matches(" +0\\.101  ◀──  SYN,ACK +0 +1 +0 +65160  ESTABLISHED"), lines[3]);
        assertTrue(lines[4].matches(" +0\\.120  ──▶  ACK +1 +1 +0 +64240  ESTABLISHED"), lines[4]);
        assertTrue(lines[5].contains("PSH,ACK") && lines[5].contains("(retransmission 1)"), lines[5]);
        assertTrue(lines[5].matches(".*PSH,ACK +1 +1 +2 .*"), lines[5]);
        assertTrue(lines[6].contains("· a remark"), lines[6]);
    }

    @Test
    void aChinesePageExplainsEachStepInChineseWhileTheRetransmissionIsStillSeen() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("tcplab-picture", ".html");
        try {
            PictureRecorder picture = new PictureRecorder(file, PictureRecorder.Kind.HTML, "t", Text.Lang.zh);
            handshake().forEach(picture::accept);
            picture.finish();
            String html = java.nio.file.Files.readString(file);
            assertTrue(html.contains("\"explanation\":\"第 1 次重传\""), "the reason, in Chinese");
            assertTrue(html.contains("CLOSED → SYN_SENT: 主动打开"), "the state change, in Chinese");
            assertTrue(html.contains("(again)"), "the retransmission is found from the English reason as before");
            assertTrue(html.contains("<div id=\"step\" lang=\"zh-CN\">按“下一步”"), "marked Chinese for the browser's fonts");
            assertEquals(2, html.split("按“下一步”", -1).length - 1, "the prompt, and the same when another picture is picked");
            assertTrue(html.contains(">tcplab（用户态 TCP）</text>") && html.contains(">Linux 内核</text>"), "the lifelines' names");
            assertTrue(html.contains(">时间 ms</text>") && html.contains("lang=\"zh-CN\">"), "the picture's own words");
            assertTrue(html.startsWith("<!DOCTYPE html>\n<html lang=\"zh-CN\">"), "the whole page, its picker too");
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }

    @Test
    void theChineseLadderTellsTheReasonsInChineseAndKeepsItsColumns() {
        StringWriter en = new StringWriter(), zh = new StringWriter();
        LadderRenderer english = new LadderRenderer(new PrintWriter(en), false);
        LadderRenderer chinese = new LadderRenderer(new PrintWriter(zh), false, Text.Lang.zh);
        handshake().forEach(e -> {
            english.accept(e);
            chinese.accept(e);
        });
        String[] e = en.toString().split("\n"), z = zh.toString().split("\n");
        assertEquals(e.length, z.length, zh.toString());
        assertEquals("            · CLOSED → SYN_SENT：主动打开", z[1]);
        assertTrue(z[5].endsWith("ESTABLISHED  （第 1 次重传）"), z[5]);
        assertTrue(z[6].endsWith("· 一条备注"), z[6]);
        for (int i = 2; i <= 4; i++) {
            assertEquals(e[i], z[i], "a segment without a reason reads the same in both");
        }
        // The heads stand over the same columns: a Chinese character takes two columns on a terminal.
        assertEquals(columns(e[0].substring(0, e[0].indexOf("our state"))), columns(z[0].substring(0, z[0].indexOf("我方状态"))));
        assertEquals(columns(e[0].substring(0, e[0].indexOf("options"))), columns(z[0].substring(0, z[0].indexOf("选项"))));
        assertEquals(columns(e[0].substring(0, e[0].indexOf("flags"))), columns(z[0].substring(0, z[0].indexOf("flags"))));
    }

    /** Terminal columns: two for a Chinese character, one for anything else here. */
    static int columns(String s) {
        return s.codePoints().map(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN ? 2 : 1).sum();
    }

    @Test
    void jsonStaysEnglishWhateverTheLadderSpeaks() throws Exception {
        StringWriter w = new StringWriter();
        JsonLinesRenderer r = new JsonLinesRenderer(new PrintWriter(w));
        handshake().forEach(r::accept);
        String[] lines = w.toString().split("\n");
        ObjectMapper m = new ObjectMapper();
        assertEquals("active open", m.readTree(lines[0]).get("cause").asText());
        assertEquals("retransmission 1", m.readTree(lines[4]).get("why").asText());
        assertEquals("a remark", m.readTree(lines[5]).get("text").asText());
    }

    @Test
    void ladderAbsoluteShowsRawNumbers() {
        StringWriter w = new StringWriter();
        LadderRenderer r = new LadderRenderer(new PrintWriter(w), true);
        handshake().forEach(r::accept);
        String synAck = w.toString().split("\n")[3];
        assertTrue(synAck.contains(" " + K + " ") && synAck.contains(" 0 "), synAck); // ack J+1 wraps to 0
    }

    @Test
    void windowsAreScaledOnceBothSynsOfferedAScale() throws Exception {
        Segment syn = Segment.of(61000, 7, SeqNum.of(1), SeqNum.ZERO, Flags.SYN, 65535)
                .withOptions(List.of(new TcpOption.WindowScale(7)));
        Segment synAck = Segment.of(7, 61000, SeqNum.of(9), SeqNum.of(2), Flags.SYN_ACK, 65160)
                .withOptions(List.of(new TcpOption.WindowScale(10)));
        Segment ack = Segment.of(7, 61000, SeqNum.of(10), SeqNum.of(2), Flags.ACK, 64);
        StringWriter w = new StringWriter();
        JsonLinesRenderer r = new JsonLinesRenderer(new PrintWriter(w));
        r.accept(seg(0, Direction.OUT, US, PEER, syn, "SYN_SENT", null));
        r.accept(seg(1, Direction.IN, PEER, US, synAck, "ESTABLISHED", null));
        r.accept(seg(2, Direction.IN, PEER, US, ack, "ESTABLISHED", null));
        String[] lines = w.toString().split("\n");
        ObjectMapper m = new ObjectMapper();
        assertEquals(65160, m.readTree(lines[1]).get("win").asLong(), "a SYN's window is never scaled");
        assertEquals(64L << 10, m.readTree(lines[2]).get("win").asLong(), "64 × 2^10");
        assertEquals(64, m.readTree(lines[2]).get("win_field").asLong());
    }

    @Test
    void jsonTimesBelowAMillisecondAreDecimalsNotExponents() {
        StringWriter w = new StringWriter();
        JsonLinesRenderer r = new JsonLinesRenderer(new PrintWriter(w));
        handshake().forEach(r::accept);
        String[] lines = w.toString().split("\n");
        assertTrue(lines[1].startsWith("{\"time\":0.000001,"), lines[1]);
        assertTrue(lines[2].startsWith("{\"time\":0.000101,"), lines[2]);
    }

    @Test
    void jsonLinesCarryRelativeAndAbsoluteNumbers() throws Exception {
        StringWriter w = new StringWriter();
        JsonLinesRenderer r = new JsonLinesRenderer(new PrintWriter(w));
        handshake().forEach(r::accept);
        ObjectMapper m = new ObjectMapper();
        String[] lines = w.toString().split("\n");
        assertEquals(6, lines.length);
        JsonNode state = m.readTree(lines[0]);
        assertEquals("state", state.get("type").asText());
        JsonNode synAck = m.readTree(lines[2]);
        assertEquals("segment", synAck.get("type").asText());
        assertEquals("in", synAck.get("dir").asText());
        assertEquals("10.77.1.2:7", synAck.get("src").asText());
        assertEquals(List.of("SYN", "ACK"), m.convertValue(synAck.get("flags"), List.class));
        assertEquals(0, synAck.get("seq").asLong());
        assertEquals(1, synAck.get("ack").asLong());
        assertEquals(K, synAck.get("seq_abs").asLong());
        assertEquals(0, synAck.get("ack_abs").asLong());
        assertEquals(0.000101, synAck.get("time").asDouble(), 1e-12);
        JsonNode syn = m.readTree(lines[1]);
        assertTrue(syn.get("ack").isNull(), "no ACK bit: no ack number");
        assertEquals("mss 1460", syn.get("options").get(0).asText());
        assertEquals("retransmission 1", m.readTree(lines[4]).get("why").asText());
    }
}
