package dev.tcplab.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcplab.capture.CaptureReader;
import dev.tcplab.capture.SyntheticCaptures;
import dev.tcplab.host.Shell;
import dev.tcplab.trace.HtmlLadder;
import dev.tcplab.trace.LadderPicture;
import dev.tcplab.trace.SvgLadder;
import dev.tcplab.wire.Flags;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/** The pictures of a capture: well-formed SVG with one arrow per segment, and an HTML page that steps in a real browser. */
class PicturesTest {
    @TempDir
    Path dir;

    static List<LadderPicture> draw(String capture) throws IOException {
        Pictures pictures = new Pictures();
        try (CaptureReader r = CaptureReader.open(Path.of(capture))) {
            new Analyzer(pictures).run(r, p -> { });
        }
        return pictures.pictures();
    }

    /** As `analyze --format svg` draws it: with the faults a live run recorded beside its capture. */
    static List<LadderPicture> drawWithFaults(String capture) throws IOException {
        Pictures pictures = new Pictures();
        try (CaptureReader r = CaptureReader.open(Path.of(capture))) {
            new Analyzer(FaultAnnotations.around(pictures, Path.of(capture))).run(r, p -> { });
        }
        return pictures.pictures();
    }

    static Document xml(String svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    static int count(Document d, String xpath) throws Exception {
        return ((NodeList) XPathFactory.newInstance().newXPath().evaluate(xpath, d, XPathConstants.NODESET)).getLength();
    }

    @Test
    void timeWaitIsDrawnAs2mslOrAsCutShortWhereAnRstEndedIt() throws Exception {
        LadderPicture reAck = draw("captures/time-wait-reack.pcap").get(0);
        LadderPicture.Timer full = reAck.timers().stream().filter(t -> t.label().equals("2MSL")).findFirst().orElseThrow();
        assertEquals(reAck.steps().size() - 1, full.toStep(), "to the end of the capture: 2MSL outlasts it");

        LadderPicture cut = draw("captures/time-wait-cut-short.pcap").get(0);
        LadderPicture.Timer early = cut.timers().stream().filter(t -> t.leftSide() && t.label().contains("RST"))
                .findFirst().orElseThrow();
        assertEquals("cut short\nby RST", early.label());
        assertTrue(cut.steps().get(early.toStep()).label().startsWith("RST"), "the bracket ends at the kernel's RST");
        assertTrue(cut.timers().stream().noneMatch(t -> t.label().equals("2MSL") && t.leftSide()));
        Document d = xml(SvgLadder.render(cut));
        assertEquals(1, count(d, "//*[local-name()='g' and @class='timer']/*[local-name()='text' and text()='cut short']"));
        assertEquals(1, count(d, "//*[local-name()='g' and @class='timer']/*[local-name()='text' and text()='by RST']"));
    }

    @Test
    void theSvgParsesAndHoldsOneArrowPerSegmentWithRetransmissionsDashed() throws Exception {
        List<LadderPicture> pictures = draw("captures/time-wait-reack.pcap");
        assertEquals(1, pictures.size());
        Document d = xml(SvgLadder.render(pictures.get(0)));
        assertEquals(11, count(d, "//*[local-name()='g' and @class='arrow']"), "11 TCP segments in the capture");
        assertEquals(1, count(d, "//*[local-name()='g' and @class='arrow']/*[local-name()='line' and @stroke-dasharray]"),
                "the retransmitted FIN, dashed");
        assertTrue(count(d, "//*[local-name()='text' and text()='TIME_WAIT']") >= 1, "the client's TIME_WAIT is written");
    }

    @Test
    void aLostSegmentIsCrossedOutAndLongGapsAreCut() throws Exception {
        LadderPicture p = new LadderPicture("t", "a", "b", List.of(
                new LadderPicture.Step(0, true, "SYN seq=0", "", "SYN_SENT", null, false, false, ""),
                new LadderPicture.Step(2_000_000_000L, true, "ACK seq=1 ack=1", "", null, null, true, false, "")));
        Document d = xml(SvgLadder.render(p));
        assertEquals(1, count(d, "//*[local-name()='g' and @class='arrow']/*[local-name()='path']"), "one cross");
        assertEquals(1, count(d, "//*[local-name()='g' and @class='cut']"), "one cut gap");
        assertTrue(SvgLadder.render(p).contains("2.0 s later"));
    }

    @Test
    void longIpv6NamesAreSqueezedOntoThePageAndShortOnesLeftAlone() throws Exception {
        String client = "client [2001:db8:85a3:8d3:1319:8a2e:370:7348]:51234";
        String server = "server [2001:db8:85a3:8d3:1319:8a2e:370:7349]:443";
        LadderPicture longNames = new LadderPicture("conn 1: " + client.substring(7) + " → " + server.substring(7),
                client, server, List.of(new LadderPicture.Step(0, true, "SYN seq=0", "", "SYN_SENT", null, false,
                false, "")), List.of());
        Document d = xml(SvgLadder.render(longNames));
        assertEquals(3, count(d, "//*[local-name()='text' and @textLength]"), "the title and both names");
        assertEquals(1, count(d, "//*[local-name()='text' and @textLength='920' and contains(text(), 'conn 1')]"));
        Document shortNames = xml(SvgLadder.render(draw("captures/handshake-echo-close.pcap").get(0)));
        assertEquals(0, count(shortNames, "//*[local-name()='text' and @textLength]"), "IPv4 names fit as they are");
    }

    @Test
    void aLiveRunsFaultsAreDrawnAsItsLivePictureDrawsThem() throws Exception {
        // Our last ACK, dropped before the wire: not in the capture (11 segments), drawn where it would have
        // been, crossed out, numbered as the rest; the kernel's FIN again restarts our 2MSL.
        LadderPicture reAck = drawWithFaults("captures/time-wait-reack.pcap").get(0);
        assertEquals(12, reAck.steps().size(), "11 segments on the wire and the one dropped before it");
        List<LadderPicture.Step> lost = reAck.steps().stream().filter(LadderPicture.Step::lost).toList();
        assertEquals(1, lost.size());
        assertEquals("ACK seq=20 ack=20", lost.get(0).label(), "as tshark numbers the re-ACK that follows");
        assertTrue(lost.get(0).leftToRight(), "ours, the client's");
        int at = reAck.steps().indexOf(lost.get(0));
        assertTrue(reAck.steps().get(at - 1).label().startsWith("FIN,ACK") && reAck.steps().get(at + 1).retransmission(),
                "between the kernel's FIN and its retransmission");
        LadderPicture.Timer restarted = reAck.timers().stream().filter(t -> t.label().equals("2MSL,\nrestarted"))
                .findFirst().orElseThrow();
        assertTrue(restarted.leftSide() && reAck.steps().get(restarted.toStep()).retransmission(),
                "from TIME_WAIT's start to the FIN that restarts it");

        // The kernel's keep-alive probes reached the wire, but tcplab's endpoint was made not to see them.
        LadderPicture crashed = drawWithFaults("captures/keepalive-crashed-client.pcap").get(0);
        List<LadderPicture.Step> probes = crashed.steps().stream().filter(s -> s.label().endsWith("(keep-alive)")).toList();
        assertEquals(3, probes.size());
        assertTrue(probes.stream().allMatch(LadderPicture.Step::lost), "each probe crossed out");
        assertTrue(probes.get(0).explanation().contains("injected by --drop in:keepalive:all"), probes.get(0).explanation());
        // Without the faults beside it, a capture is drawn as the wire shows it.
        assertTrue(draw("captures/keepalive-crashed-client.pcap").get(0).steps().stream().noneMatch(LadderPicture.Step::lost));
    }

    @Test
    void timersAreBracketsBesideTheirLifeline() throws Exception {
        Document synAck = xml(SvgLadder.render(draw("captures/two-way-synack-retransmits.pcap").get(0)));
        assertEquals(List.of("RTO 1.0 s", "RTO 2.0 s", "2MSL"), timerLabels(synAck), "the SYN+ACK's doubling RTOs, then TIME_WAIT");
        Document keepalive = xml(SvgLadder.render(draw("captures/keepalive-crashed-client.pcap").get(0)));
        assertEquals(List.of("idle 1.0 s", "interval 1.0 s", "interval 1.0 s"), timerLabels(keepalive),
                "the idle time before the first probe, then the interval between probes");
        Document persist = xml(SvgLadder.render(draw("captures/zero-window-probes.pcap").get(0)));
        assertEquals(List.of("persist 0.2 s", "persist 0.4 s", "persist 0.8 s", "2MSL"), timerLabels(persist),
                "from the zero window to the first probe, then probe to probe; none after the window update");
        // A Linux sender's probes (kernel-mix.pcap's slow reader): keep-alives to Wireshark, persist waits here.
        LadderPicture slowReader = draw("captures/kernel-mix.pcap").get(7);
        List<String> labels = slowReader.timers().stream().map(LadderPicture.Timer::label).toList();
        assertTrue(labels.contains("persist 0.2 s") && labels.stream().noneMatch(l -> l.startsWith("idle")
                || l.startsWith("interval")), labels.toString());
        assertTrue(slowReader.steps().stream().anyMatch(st -> st.label().endsWith("(zero-window probe)"))
                && slowReader.steps().stream().noneMatch(st -> st.label().endsWith("(keep-alive)")));
    }

    static List<String> timerLabels(Document d) throws Exception {
        NodeList n = (NodeList) XPathFactory.newInstance().newXPath().evaluate(
                "//*[local-name()='g' and @class='timer']/*[local-name()='text']", d, XPathConstants.NODESET);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n.getLength(); i++) {
            out.add(n.item(i).getTextContent());
        }
        return out;
    }

    @Test
    void theHtmlPageOffersEveryConnectionAndHasNoScriptElsewhere() throws Exception {
        String html = HtmlLadder.render("mix", draw("captures/kernel-mix.pcap"));
        int options = html.split("<option ", -1).length - 1;
        assertEquals(84, options, "one choice per connection");
        assertTrue(!html.contains("http://") || html.indexOf("http://") == html.indexOf("http://www.w3.org/2000/svg"),
                "no network address but the SVG namespace");
        assertTrue(!html.contains("<script src"), "scripts inline only");
    }

    /**
     * A page holds 20,000 segments in all: 200 bulk transfers of 2,000 segments each ran `analyze --format
     * html` out of the heap the launcher gives it (the 1.5 M packet benchmark capture did).
     */
    @Test
    void aPageHoldsAtMostItsTotalOfSegmentsAndTheConnectionCutSaysWhere() throws Exception {
        List<byte[]> frames = new ArrayList<>();
        for (int c = 0; c < 15; c++) {
            int port = 30000 + c;
            frames.add(SyntheticCaptures.frame(port, false, 100, 0, Flags.SYN));
            frames.add(SyntheticCaptures.frame(port, true, 500, 101, Flags.SYN_ACK));
            for (int i = 0; i < 1498; i++) {
                frames.add(SyntheticCaptures.frame(port, i % 2 == 1, i % 2 == 1 ? 501 : 101,
                        i % 2 == 1 ? 101 : 501, Flags.ACK));
            }
        }
        Path capture = dir.resolve("bulk.pcap");
        Files.write(capture, SyntheticCaptures.pcap(1, false, ByteOrder.LITTLE_ENDIAN, frames));
        Pictures pictures = new Pictures();
        try (CaptureReader r = CaptureReader.open(capture)) {
            new Analyzer(pictures).run(r, p -> { });
        }
        List<LadderPicture> drawn = pictures.pictures();
        assertEquals(14, drawn.size(), "13 connections whole, the 14th cut, the 15th left out");
        assertEquals(Pictures.MAX_TOTAL_STEPS, drawn.stream().mapToInt(p -> p.steps().size()).sum());
        assertEquals(1, pictures.connectionsLeftOut());
        assertEquals(1000, pictures.segmentsLeftOut());
        assertTrue(drawn.get(13).title().endsWith("(first 500 segments of 1500)"), drawn.get(13).title());
        assertTrue(drawn.get(12).title().endsWith(":80"), "a whole one says nothing: " + drawn.get(12).title());
    }

    /** A class looking for "the connection that was reset" finds it in the picker, not by opening 84 pictures. */
    @Test
    void thePickerSaysHowEachConnectionClosedAndWhatHappenedInIt() throws Exception {
        List<ConnectionSummary> summaries = new ArrayList<>();
        Pictures pictures = new Pictures();
        try (CaptureReader r = CaptureReader.open(Path.of("captures/kernel-mix.pcap"))) {
            new Analyzer(Selection.tee(pictures, new AnalysisSink() {
                @Override
                public void segment(AnalyzedSegment s) {
                }

                @Override
                public void connection(ConnectionSummary c) {
                    summaries.add(c);
                }
            })).run(r, p -> { });
        }
        List<LadderPicture> drawn = pictures.pictures();
        summaries.sort(Comparator.comparingInt(ConnectionSummary::conn));
        assertEquals(summaries.size(), drawn.size());
        for (int i = 0; i < drawn.size(); i++) {
            ConnectionSummary c = summaries.get(i);
            String gist = drawn.get(i).gist();
            assertTrue(gist.startsWith(c.close().label), gist + " for " + c);
            assertEquals(c.timeWait() != null, gist.contains("TIME_WAIT: " + c.timeWait()), gist);
            c.eventCounts().forEach((event, n) -> {
                if (!event.equals("handshake_complete") && !event.equals("time_wait")) {
                    assertTrue(gist.contains(event + (n > 1 ? "×" + n : "")), event + " " + n + " in " + gist);
                }
            });
        }
        assertEquals("four-way, TIME_WAIT: client; retransmission×17 fast_retransmission×6 out_of_order duplicate_ack×42"
                + " window_full×3 window_update×2", drawn.get(2).gist(), "the lossy bulk transfer");
        assertTrue(summaries.stream().anyMatch(c -> c.close() == CloseKind.RESET), "the sample has a reset");
        String html = HtmlLadder.render("mix", drawn);
        assertTrue(html.contains(">conn 3: 10.77.2.3:58314 → 10.77.2.2:5002 — four-way, TIME_WAIT: client; "), html);

        Pictures inChinese = new Pictures(dev.tcplab.text.Text.Lang.zh);
        try (CaptureReader r = CaptureReader.open(Path.of("captures/kernel-mix.pcap"))) {
            new Analyzer(inChinese).run(r, p -> { });
        }
        assertTrue(inChinese.pictures().get(2).gist().startsWith("四次挥手，TIME_WAIT：客户端；retransmission×17"),
                inChinese.pictures().get(2).gist());
    }

    @Test
    void inHeadlessChromiumThePageLoadsWithoutScriptErrorsAndStepsThrough() throws Exception {
        boolean present = Shell.run("sh", "-c", "command -v chromium").ok();
        if (!present && (Boolean.getBoolean("tcplab.requireLive") || "true".equals(System.getenv("CI")))) {
            throw new AssertionError("chromium is missing: ./run-tests installs it");
        }
        Assumptions.assumeTrue(present, "chromium is not installed");
        Path page = dir.resolve("ladder.html");
        Files.writeString(page, HtmlLadder.render("time-wait", draw("captures/time-wait-reack.pcap")));
        Path png = dir.resolve("ladder.png");
        List<String> common = List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir="
                + dir.resolve("profile"), "--window-size=1000,900");
        Shell.Result dom = Shell.run(concat(common, "--dump-dom", page.toUri() + "#selftest"));
        assertTrue(dom.stdout().contains("<title>selftest step=2 highlighted=1 of=11</title>"),
                "after two clicks on 'next' the second of 11 segments is highlighted: " + head(dom.stdout()) + dom.stderr());
        assertTrue(!dom.stdout().contains("<pre id=\"script-error\">"), "no script error: " + head(dom.stdout()));
        Shell.Result shot = Shell.run(concat(common, "--screenshot=" + png, page.toUri().toString()));
        assertTrue(Files.size(png) > 10_000, "a rendered picture: " + shot.stderr());
        byte[] magic = Files.readAllBytes(png);
        assertEquals((byte) 0x89, magic[0]);
        assertEquals('P', magic[1]);
    }

    static String[] concat(List<String> a, String... more) {
        List<String> all = new ArrayList<>(a);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    static String head(String s) {
        return s.length() > 400 ? s.substring(0, 400) : s;
    }
}
