package dev.tcplab.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcplab.capture.CaptureReader;
import dev.tcplab.text.BothLanguages;
import dev.tcplab.text.Text;
import dev.tcplab.trace.LadderPicture;
import dev.tcplab.trace.SvgLadder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** What the analysis tells a reader, beside the names it keeps (flags, states, events), comes in both languages. */
class AnalysisInBothLanguagesTest {

    /** Every remark the analysis makes reading the project's own captures, with the faults beside them. */
    @Test
    void everyRemarkOnTheSampleCapturesIsToldInBoth() throws IOException {
        List<Text> remarks = new ArrayList<>();
        AnalysisSink collect = new AnalysisSink() {
            @Override
            public void segment(AnalyzedSegment s) {
                if (s.note() != null) {
                    remarks.add(s.note());
                }
            }

            @Override
            public void connection(ConnectionSummary c) {
            }

            @Override
            public void note(Text text) {
                remarks.add(text);
            }
        };
        List<Path> captures;
        try (Stream<Path> files = Files.list(Path.of("captures"))) {
            captures = files.filter(p -> p.toString().matches(".*\\.pcap(ng)?")).sorted().toList();
        }
        for (Path capture : captures) {
            try (CaptureReader reader = CaptureReader.open(capture)) {
                new Analyzer(FaultAnnotations.around(collect, capture)).run(reader, position -> { });
            }
        }
        remarks.forEach(BothLanguages::assertTold);
        assertTrue(remarks.stream().anyMatch(t -> t.zh().startsWith("握手完成：RTT ")), "the handshake's remark");
        assertTrue(remarks.stream().anyMatch(t -> t.zh().contains("没有到达线路")), "a segment dropped before the wire");
        assertTrue(remarks.stream().anyMatch(t -> t.zh().contains("tcplab 的端点被设定为看不到它")), "one dropped on arrival");
        assertTrue(remarks.stream().anyMatch(t -> t.zh().contains("在发到线路上之前被扣留")), "one held back");
    }

    @Test
    void everyFaultEveryEventAndEveryCloseHaveAChineseName() {
        for (String action : new String[] {"drop", "delay", "dup"}) {
            InjectedFault f = new InjectedFault(0, "--" + action + " in:data:1", action, false, "a", "b", 0, 0, "ACK");
            BothLanguages.assertTold(f.whatItDid());
            BothLanguages.assertTold(f.injectedBy());
        }
        for (Event e : Event.values()) {
            BothLanguages.assertTold(e.description);
        }
        for (CloseKind k : CloseKind.values()) {
            assertTrue(BothLanguages.hasChinese(k.label(Text.Lang.zh)), k.name());
            assertEquals(k.label, k.label(Text.Lang.en), "English keeps the name JSON has");
        }
    }

    @Test
    void theStudentsGuideExplainsEveryEventAndEveryKindOfClose() throws IOException {
        String guide = Files.readString(Path.of("docs/students.zh.md"));
        for (Event e : Event.values()) {
            assertTrue(guide.contains("| `" + e.jsonName + "` |"), "the guide's table of events lacks " + e.jsonName);
        }
        for (CloseKind k : CloseKind.values()) {
            assertTrue(guide.contains("`" + k.label(Text.Lang.zh) + "`"), "the guide lacks the close " + k.labelZh);
        }
    }

    @Test
    void aPictureExplainsItsStepsInTheLanguageAskedForAndDrawsTheSameSegments() throws IOException {
        Path capture = Path.of("captures/time-wait-reack.pcap");
        Pictures english = new Pictures(), chinese = new Pictures(Text.Lang.zh);
        try (CaptureReader a = CaptureReader.open(capture); CaptureReader b = CaptureReader.open(capture)) {
            new Analyzer(FaultAnnotations.around(english, capture)).run(a, position -> { });
            new Analyzer(FaultAnnotations.around(chinese, capture)).run(b, position -> { });
        }
        List<LadderPicture.Step> en = english.pictures().get(0).steps(), zh = chinese.pictures().get(0).steps();
        assertEquals(en.size(), zh.size());
        for (int i = 0; i < en.size(); i++) {
            assertEquals(en.get(i).label(), zh.get(i).label(), "the arrows are labelled with flags and numbers alike");
            assertEquals(en.get(i).explanation().isEmpty(), zh.get(i).explanation().isEmpty());
            if (!zh.get(i).explanation().isEmpty()) {
                assertTrue(BothLanguages.hasChinese(zh.get(i).explanation()), zh.get(i).explanation());
                assertFalse(BothLanguages.hasChinese(en.get(i).explanation()), en.get(i).explanation());
            }
        }
        assertTrue(zh.stream().anyMatch(s -> s.explanation().contains("重传的 FIN 到达处于 TIME_WAIT 的一方")), zh.toString());
        // What the picture draws in words: the title, the lifelines, the timers (RTO stays as the RFC names it).
        LadderPicture picture = chinese.pictures().get(0);
        assertEquals("连接 1：10.77.1.1:62758 → 10.77.1.2:7", picture.title());
        assertEquals("客户端 10.77.1.1:62758", picture.leftName());
        assertEquals("服务器 10.77.1.2:7", picture.rightName());
        List<String> timers = picture.timers().stream().map(LadderPicture.Timer::label).toList();
        assertTrue(timers.contains("2MSL，\n重新计时"), timers.toString());
        assertEquals(english.pictures().get(0).timers().size(), timers.size());
        String svg = SvgLadder.render(picture, Text.Lang.zh);
        assertTrue(svg.contains(" lang=\"zh-CN\">") && svg.contains(">时间 ms</text>"), "the picture's own words");
        assertTrue(svg.contains(">2MSL，</text>") && svg.contains(">重新计时</text>"), svg);
        assertFalse(SvgLadder.render(english.pictures().get(0)).contains("lang="), "English needs no mark");
    }
}
