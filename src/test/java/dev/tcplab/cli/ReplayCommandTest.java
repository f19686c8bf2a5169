package dev.tcplab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ReplayCommandTest {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int run(String... args) {
        return run(out, args);
    }

    int run(java.io.OutputStream to, String... args) {
        ReplayCommand cmd = new ReplayCommand();
        cmd.rawOut = to;
        cmd.err = new PrintStream(err, true, StandardCharsets.UTF_8);
        CommandLine cl = new CommandLine(cmd).setCaseInsensitiveEnumValuesAllowed(true); // as Main sets it
        cl.setErr(new java.io.PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void playsTheLadderOfOneConnectionAtFullSpeed() {
        assertEquals(0, run("--speed", "max", "--conn", "1", "captures/time-wait-reack.pcap"), err.toString(StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("fin_in_time_wait"), text);
        assertTrue(text.contains("TIME_WAIT"), text);
    }

    @Test
    void aChineseClassWatchesTheSameLadderWithChineseHeadsAndRemarks() {
        assertEquals(0, run("--speed", "max", "--lang", "zh", "captures/time-wait-reack.pcap"),
                err.toString(StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("    帧    时间 ms 连接       flags"), text);
        assertTrue(text.contains("· 由 --drop out:final-ack:1 注入：ACK 10.77.1.1:62758 → 10.77.1.2:7 在此被丢弃"), text);
        assertTrue(text.contains("TIME_WAIT    LAST_ACK     retransmission, fin_in_time_wait"), text);
        assertTrue(text.contains("三次挥手      客户端"), "the summary table in Chinese: " + text);
        out.reset();
        assertEquals(0, run("--speed", "max", "--lang", "zh", "--format", "html", "captures/time-wait-reack.pcap"),
                err.toString(StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("<button id=\"next\">下一步 ▶</button>"),
                "a picture asked of replay is analyze's, in the language asked for");
    }

    @Test
    void jsonLinesReachThePipeOneByOneAsTheyArePlayed() {
        // What a reader of the pipe has at each flush: a paced replay must not wait for a buffer to fill.
        List<String> atEachFlush = new ArrayList<>();
        ByteArrayOutputStream pipe = new ByteArrayOutputStream() {
            @Override
            public void flush() {
                atEachFlush.add(toString(StandardCharsets.UTF_8));
            }
        };
        assertEquals(0, run(pipe, "--format", "json", "--speed", "max", "captures/time-wait-reack.pcap"),
                err.toString(StandardCharsets.UTF_8));
        String played = atEachFlush.get(atEachFlush.size() - 1);
        List<String> lines = played.lines().toList();
        assertTrue(lines.size() > 10 && lines.get(0).startsWith("{\"type\":\"segment\""), played);
        List<Integer> linesAtFlushes = atEachFlush.stream().distinct()
                .peek(text -> assertTrue(text.endsWith("\n"), "a flush ends at a line's end: " + text))
                .map(text -> (int) text.lines().count()).toList();
        assertEquals(IntStream.rangeClosed(1, lines.size()).boxed().toList(), linesAtFlushes, "one line more at each flush");

        AnalyzeCommand analyze = new AnalyzeCommand();
        ByteArrayOutputStream analyzed = new ByteArrayOutputStream();
        analyze.rawOut = analyzed;
        assertEquals(0, new CommandLine(analyze.spec()).execute("--format", "json", "captures/time-wait-reack.pcap"));
        assertEquals(analyzed.toString(StandardCharsets.UTF_8), played, "the same lines as analyze writes");
    }

    @Test
    void aSpeedOfZeroOrWordsIsAUsageError() {
        assertEquals(2, run("--speed", "0", "captures/time-wait-reack.pcap"));
        assertEquals(2, run("--speed", "fast", "captures/time-wait-reack.pcap"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("not a speed"), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aPictureOfTheCaptureIsDrawnAtOnce() {
        assertEquals(0, run("--format", "svg", "--conn", "1", "captures/time-wait-reack.pcap"), err.toString(StandardCharsets.UTF_8));
        String svg = out.toString(StandardCharsets.UTF_8);
        // 11 segments on the wire, and the final ACK the live run dropped before it (from the capture's sidecar)
        assertTrue(svg.startsWith("<svg") && svg.split("class=\"arrow\"", -1).length - 1 == 12, svg);
    }

    /** Where a live sender cut the same data elsewhere: the frame, the counts on both sides, in both languages. */
    @Test
    void theSentenceForDataCutElsewhereNamesWhereAndHowMany() {
        dev.tcplab.analysis.SegmentShape from = new dev.tcplab.analysis.SegmentShape(dev.tcplab.wire.Flags.PSH_ACK, 195481,
                1, 656, 311);
        dev.tcplab.text.Text t = ReenactmentReport.cutsPart(new dev.tcplab.analysis.LiveComparison.CutsPart(from, 1168,
                1143, 2097152), dev.tcplab.text.Text.of("the live kernel client", "实际的内核客户端"));
        assertEquals("the live kernel client sent the same 2097152 bytes of data, but cut them into segments elsewhere "
                + "from recorded frame 311 (seq 195481, 656 bytes) on: from there, 1143 data segments live, 1168 recorded",
                t.en().substring(0, t.en().indexOf(", which")));
        dev.tcplab.text.BothLanguages.assertTold(t);
        assertTrue(t.zh().contains("从录制的第 311 帧（seq 195481，656 个字节）起"), t.zh());
    }
}
