package dev.tcplab.cli;

import static dev.tcplab.capture.SyntheticCaptures.frame;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tcplab.analysis.Pictures;
import dev.tcplab.capture.SyntheticCaptures;
import dev.tcplab.text.BothLanguages;
import dev.tcplab.text.Columns;
import dev.tcplab.wire.Flags;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `tcplab analyze` as a user meets it: output formats, selection, and bad input. */
class AnalyzeCommandTest {
    @TempDir
    Path dir;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int run(String... args) {
        return run(new AnalyzeCommand(), args);
    }

    int run(AnalyzeCommand cmd, String... args) {
        cmd.rawOut = out;
        cmd.err = new PrintStream(err, true, StandardCharsets.UTF_8);
        return new CommandLine(cmd.spec()).execute(args);
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    List<JsonNode> json() throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        ObjectMapper m = new ObjectMapper();
        for (String line : out().split("\n")) {
            if (!line.isBlank()) {
                nodes.add(m.readTree(line));
            }
        }
        return nodes;
    }

    @Test
    void jsonHasTheNamedFieldsForEverySegmentAndASummaryPerConnection() throws IOException {
        assertEquals(0, run("--format", "json", "captures/handshake-echo-close.pcap"), err());
        List<JsonNode> nodes = json();
        JsonNode syn = nodes.get(0);
        for (String field : List.of("type", "frame", "time", "conn", "src", "dst", "flags", "seq", "ack", "seq_abs",
                "ack_abs", "len", "win", "state_src", "state_dst", "events")) {
            assertTrue(syn.has(field), "segment object lacks " + field + ": " + syn);
        }
        assertEquals("segment", syn.get("type").asText());
        assertEquals(3, syn.get("frame").asInt(), "frames 1-2 are ARP; tshark numbers the SYN 3");
        assertEquals("[\"SYN\"]", syn.get("flags").toString());
        assertEquals("SYN_SENT", syn.get("state_src").asText());
        JsonNode conn = nodes.stream().filter(n -> n.get("type").asText().equals("connection")).findFirst().orElseThrow();
        assertEquals("three-segment", conn.get("close").asText());
        assertEquals("client", conn.get("time_wait").asText());
        assertTrue(conn.get("handshake_rtt_ms").asDouble() > 0);
        JsonNode last = nodes.get(nodes.size() - 1);
        assertEquals("capture", last.get("type").asText());
        assertEquals(10, last.get("tcp_segments").asInt());
    }

    @Test
    void anRstThatReachesASideInTimeWaitIsTimeWaitCutShort() throws IOException {
        assertEquals(0, run("--format", "json", "captures/time-wait-cut-short.pcap"), err());
        List<JsonNode> segments = json().stream().filter(n -> n.get("type").asText().equals("segment")).toList();
        JsonNode rst = segments.get(segments.size() - 1);
        assertEquals(15, rst.get("frame").asInt(), "the kernel's RST, frame 15 to tshark");
        assertEquals("[\"rst\",\"time_wait_cut_short\"]", rst.get("events").toString());
        assertEquals("CLOSED", rst.get("state_dst").asText());
        assertEquals(1, segments.stream().filter(n -> n.get("events").toString().contains("time_wait_cut_short")).count());
        out.reset();
        assertEquals(0, run("--format", "json", "captures/time-wait-reack.pcap"), err());
        assertTrue(!out().contains("time_wait_cut_short"), "a TIME_WAIT that ran its 2MSL");
    }

    @Test
    void outputFileTakesTheResultsOfEveryFormat() throws IOException {
        assertEquals(0, run("--format", "json", "captures/kernel-mix.pcap"), err());
        String json = out();
        out.reset();
        Path file = dir.resolve("mix.json");
        assertEquals(0, run("--format", "json", "-o", file.toString(), "captures/kernel-mix.pcap"), err());
        assertEquals(json, Files.readString(file), "the same JSON as on standard output");
        assertEquals("", out(), "nothing on standard output");
        assertTrue(err().contains("tcplab: wrote " + file), err());
        Path table = dir.resolve("mix.txt");
        assertEquals(0, run("captures/kernel-mix.pcap", "--summary", "--output", table.toString()), err());
        assertTrue(Files.readString(table).contains("three-segment"), "the summary table went to the file");
        assertEquals("", out());
    }

    @Test
    void aCaptureWhoseRecorderMissedPacketsSaysSo() throws IOException {
        assertEquals(0, run("--summary", "captures/recorder-dropped.pcap"), err());
        assertTrue(out().contains("9 segments in 3 connections acknowledge data this capture never saw (ack_lost_segment):"
                + " the receiver got packets the recorder missed"), out());
        out.reset();
        assertEquals(0, run("--summary", "--lang", "zh", "captures/recorder-dropped.pcap"), err());
        assertTrue(out().contains("3 个连接中有 9 个报文段确认了本抓包从未见到的数据（ack_lost_segment）"), out());
        out.reset();
        assertEquals(0, run("--summary", "captures/kernel-mix.pcap"), err());
        assertFalse(out().contains("never saw"), "a complete capture: nothing to say");
    }

    @Test
    void aSlowReaderIsNamedWithItsPaceAndALateOneIsNot() throws IOException {
        // kernel-mix.pcap's connection 8: a server that read 512 bytes every 50 ms; its zero windows (tshark) from
        // frame 3901 (tcp.ack 4345, at .494322) to frame 4275 (tcp.ack 43441, at 4.418351): 39,096 bytes in 3.924 s.
        assertEquals(0, run("--summary", "captures/kernel-mix.pcap"), err());
        assertTrue(out().contains("slow readers (a window that shut again and again, opening only as its application "
                + "read; the pace is how far it let the sender on from its first zero window to its last, over that "
                + "time): connection 8's server about 10 KB/s. The sender could go no faster"), out());
        out.reset();
        assertEquals(0, run("--format", "json", "--summary", "captures/kernel-mix.pcap"), err());
        List<JsonNode> slow = json().stream().filter(n -> n.has("server_read_rate") || n.has("client_read_rate")).toList();
        assertEquals(1, slow.size(), slow.toString());
        assertEquals(8, slow.get(0).get("conn").asInt());
        assertEquals(9963, slow.get(0).get("server_read_rate").asLong());
        // A late reader (nothing for 1.5 s, then all at once): its window shut once, and no pace is made up for it.
        out.reset();
        assertEquals(0, run("--summary", "captures/zero-window-probes.pcap"), err());
        assertFalse(out().contains("slow readers"), out());
        out.reset();
        assertEquals(0, run("--summary", "--lang", "zh", "captures/recorder-dropped.pcap"), err());
        assertTrue(out().contains("第 1 个连接的服务器大约 9.3 KB/s，第 2 个连接的服务器大约 9.2 KB/s。发送方无法更快"), out());
        // The page's connection picker says it in each connection's line.
        Path page = dir.resolve("slow.html");
        assertEquals(0, run("--format", "html", "-o", page.toString(), "captures/recorder-dropped.pcap"), err());
        String html = java.nio.file.Files.readString(page);
        assertTrue(html.contains("; the server read slowly, about 9.3 KB/s") && html.contains("about 9.2 KB/s"), html);
    }

    @Test
    void aCaptureFromTwoInterfacesSaysWhyItsPacketsAppearTwice() throws IOException {
        assertEquals(0, run("--summary", "captures/two-interfaces-loopback.pcapng"), err());
        assertTrue(out().contains("packets from 2 interfaces (lo 30, any 30): a packet captured on two of them is in the"
                + " file twice"), out());
        out.reset();
        assertEquals(0, run("--summary", "--lang", "zh", "captures/two-interfaces-loopback.pcapng"), err());
        assertTrue(out().contains("包来自 2 个接口（lo 30, any 30）：在其中两个接口上都抓到的包在文件中出现两次"), out());
        out.reset();
        assertEquals(0, run("--summary", "src/test/resources/captures-external/200722_tcp_anon.pcapng"), err());
        assertFalse(out().contains("interfaces"), "one interface: nothing to say");
        out.reset();
        assertEquals(0, run("--format", "json", "--summary", "captures/two-interfaces-loopback.pcapng"), err());
        JsonNode capture = json().get(json().size() - 1);
        assertEquals("[{\"name\":\"lo\",\"link_type\":1,\"packets\":30},{\"name\":\"any\",\"link_type\":113,"
                + "\"packets\":30}]", capture.get("interfaces").toString());
    }

    @Test
    void summaryInJsonIsTheConnectionObjectsAlone() throws IOException {
        assertEquals(0, run("--format", "json", "captures/kernel-mix.pcap"), err());
        List<String> all = json().stream().filter(n -> !n.get("type").asText().equals("segment")).map(JsonNode::toString)
                .toList();
        out.reset();
        assertEquals(0, run("--format", "json", "--summary", "captures/kernel-mix.pcap"), err());
        List<String> summary = json().stream().map(JsonNode::toString).toList();
        assertEquals(all, summary, "the same connection objects and capture object, in order, and no segment");
        assertEquals(85, summary.size(), "84 connections and the capture");
        assertEquals(2, run("--format", "svg", "--summary", "captures/kernel-mix.pcap"));
        assertTrue(err().contains("--summary goes with --format text or json"), err());
        err.reset();
        assertEquals(2, run("--format", "json", "--absolute", "captures/kernel-mix.pcap"));
        assertTrue(err().contains("--absolute is for the ladder (--format text without --summary); the JSON has both"),
                err());
    }

    @Test
    void anOutputFileThatCannotTakeTheResultsIsRefusedWithAReason() throws IOException {
        Path capture = Files.copy(Path.of("captures/kernel-mix.pcap"), dir.resolve("mix.pcap"));
        byte[] before = Files.readAllBytes(capture);
        assertEquals(2, run("--format", "json", "-o", capture.toString(), capture.toString()));
        assertTrue(err().contains("is the capture being read; name another file"), err());
        assertArrayEquals(before, Files.readAllBytes(capture), "the capture is untouched");
        err.reset();
        assertEquals(2, run("--format", "svg", "--conn", "1", "-o", dir.toString(), capture.toString()));
        assertTrue(err().contains("is a directory"), err());
        err.reset();
        assertEquals(2, run("--format", "json", "-o", dir.resolve("no/such/dir/out.json").toString(), capture.toString()));
        assertTrue(err().contains("cannot write " + dir.resolve("no/such/dir/out.json") + ": its directory does not exist"),
                err());
        assertEquals("", out(), "nothing was analysed");
    }

    /** A SYN answered by RST is a refused connection; tried again and answered, it closes as it then does. */
    @Test
    void aSynAnsweredByRstIsARefusedConnection() throws IOException {
        assertEquals(0, run("--format", "json", "--summary", "captures/corner-cases.pcap"), err());
        Map<Integer, String> closes = new java.util.TreeMap<>();
        json().stream().filter(n -> n.path("type").asText().equals("connection"))
                .forEach(n -> closes.put(n.get("conn").asInt(), n.get("close").asText()));
        assertEquals("refused", closes.get(8), "the SYN, the RST: " + closes);
        assertEquals("four-way", closes.get(7), "refused, tried again, answered and closed");
        assertEquals("reset", closes.get(3), "reset after the handshake");
        assertEquals("reset", closes.get(9), "the client's RST after its handshake");
        out.reset();
        assertEquals(0, run("--summary", "--lang", "zh", "--conn", "8", "captures/corner-cases.pcap"), err());
        assertTrue(out().contains("拒绝连接"), out());
    }

    /** A simultaneous open is said where the SYNs cross, and its SYN+ACKs are answers in the picture, not copies. */
    @Test
    void aSimultaneousOpenIsSaidAndItsSynAcksAreNotDrawnAsCopies() throws IOException {
        assertEquals(0, run("--format", "json", "--conn", "4", "captures/corner-cases.pcap"), err());
        JsonNode secondSyn = json().stream().filter(n -> n.path("frame").asInt() == 32).findFirst().orElseThrow();
        assertTrue(secondSyn.get("note").asText().startsWith("both sides sent a SYN: a simultaneous open"), secondSyn.toString());
        assertEquals(1, json().stream().filter(n -> n.has("note") && !n.get("note").isNull()).count(), "said once");

        out.reset();
        assertEquals(0, run("--format", "svg", "--conn", "4", "captures/corner-cases.pcap"), err());
        assertFalse(out().contains("(again)"), "the crossing SYNs' SYN+ACKs are answers");
        out.reset();
        assertEquals(0, run("--format", "svg", "--conn", "10", "captures/corner-cases.pcap"), err());
        assertTrue(out().contains("SYN seq=0  (again)"), "a SYN sent twice still is: " + out());
    }

    /** Refused before the file is read (this one does not exist): a connection below 1, a port beyond 16 bits. */
    @Test
    void connectionsAndPortsNoCaptureCanHoldAreRefusedAtOnce() {
        assertEquals(2, run("--conn", "2,0", "no-such.pcap"));
        assertTrue(err().contains("--conn 0: connections are numbered from 1 in order of appearance"), err());
        err.reset();
        assertEquals(2, run("--port", "80,70000", "no-such.pcap"));
        assertEquals("tcplab: --port 70000: a TCP port is 0..65535\n", err());
    }

    /** FIN,PSH,ACK and SYN,ECE,CWR are longer than the flags column; the columns after them stay in place. */
    @Test
    void longerFlagSetsKeepTheLaddersColumns() {
        assertEquals(0, run("captures/corner-cases.pcap"), err());
        Set<Integer> stateColumns = new HashSet<>();
        Set<String> longFlags = new HashSet<>();
        for (String line : out().split("\n")) {
            Matcher m = Pattern.compile("^\\s+\\d+ .*?(──▶|◀──)  ([A-Z,]+) .*?  ([A-Z][A-Z_0-9]*) +[A-Z][A-Z_0-9]*").matcher(line);
            if (m.find()) {
                stateColumns.add(m.start(3));
                if (m.group(2).length() > 9) {
                    longFlags.add(m.group(2));
                }
            }
        }
        assertTrue(longFlags.containsAll(List.of("SYN,ECE,CWR", "SYN,ACK,ECE", "PSH,ACK,URG")), longFlags.toString());
        assertEquals(1, stateColumns.size(), "the client's state starts in one column on every row: " + stateColumns);
    }

    @Test
    void textShowsTheLadderWithBothStatesAndTheTable() {
        assertEquals(0, run("captures/four-way-close-wait.pcap"), err());
        String text = out();
        assertTrue(text.contains("FIN_WAIT_2   CLOSE_WAIT"), text);
        assertTrue(text.contains("handshake complete: RTT"), text);
        assertTrue(text.matches("(?s).*\\n\\s+1\\s+10\\.77\\.1\\.1:\\d+\\s+10\\.77\\.1\\.2:7 .*four-way\\s+client.*"), text);
    }

    @Test
    void inChineseTheHeadsTheTableAndTheRemarksAreChineseAndStandOverTheSameColumns() {
        assertEquals(0, run("--lang", "en", "captures/time-wait-reack.pcap"), err());
        String[] en = out().split("\n");
        out.reset();
        assertEquals(0, run("--lang", "zh", "captures/time-wait-reack.pcap"), err());
        String[] zh = out().split("\n");
        assertEquals(en.length, zh.length, out());
        for (int i = 0; i < en.length; i++) {
            if (en[i].matches("\\s+\\d+\\s+\\d+\\.\\d{3} .*")) {
                assertEquals(en[i], zh[i], "a segment's row is flags, numbers, states and event names in both");
            } else if (!en[i].isBlank()) {
                assertTrue(BothLanguages.hasChinese(zh[i]), "said in Chinese: " + zh[i]);
            }
        }
        // The heads: a Chinese character takes two columns on a terminal.
        assertEquals(column(en[0], "flags"), column(zh[0], "flags"));
        assertEquals(column(en[0], "client"), column(zh[0], "客户端"));
        assertEquals(column(en[0], "server"), column(zh[0], "服务器"));
        assertEquals(column(en[0], "events"), column(zh[0], "事件"));
        assertEquals("                        连接 1：客户端 10.77.1.1:62758，服务器 10.77.1.2:7", zh[1]);
        // The table: its heads, and a row whose cells are Chinese (how it closed, who waited in TIME_WAIT).
        int head = List.of(en).indexOf(Arrays.stream(en).filter(l -> l.startsWith(" conn")).findFirst().orElseThrow());
        assertEquals(column(en[head], "close"), column(zh[head], "关闭方式"));
        assertEquals(column(en[head], "TIME_WAIT"), column(zh[head], "TIME_WAIT"));
        assertEquals(column(en[head], "events"), column(zh[head], "事件"));
        assertTrue(en[head + 1].contains("three-segment client     retransmission"), en[head + 1]);
        assertEquals(column(en[head + 1], "three-segment"), column(zh[head + 1], "三次挥手"));
        assertEquals(column(en[head + 1], "client"), column(zh[head + 1], "客户端"));
        assertEquals(column(en[head + 1], "retransmission"), column(zh[head + 1], "retransmission"));
        assertEquals("pcap：13 个包，11 个 TCP 报文段，1 个连接", zh[head - 1]);
    }

    /** The terminal column where {@code word} starts in {@code line}. */
    static int column(String line, String word) {
        assertTrue(line.contains(word), word + " in " + line);
        return Columns.width(line.substring(0, line.indexOf(word)));
    }

    @Test
    void jsonIsTheSameWhateverTheLanguage() throws IOException {
        assertEquals(0, run("--format", "json", "--lang", "en", "captures/time-wait-reack.pcap"), err());
        String english = out();
        out.reset();
        assertEquals(0, run("--format", "json", "--lang", "zh", "captures/time-wait-reack.pcap"), err());
        assertEquals(english, out(), "scripts read JSON: it stays English");
        assertTrue(english.contains("\"note\":\"handshake complete: RTT"), english);
    }

    @Test
    void aChinesePageExplainsEachStepInChinese() throws IOException {
        assertEquals(0, run("--format", "html", "--lang", "zh", "captures/time-wait-reack.pcap"), err());
        String page = out();
        assertTrue(page.contains("<div id=\"step\" lang=\"zh-CN\">"), "marked Chinese for the browser's fonts");
        assertTrue(page.contains("由 --drop out:final-ack:1 注入：它没有到达线路"), page);
        assertTrue(page.contains("握手完成：RTT"), page);
    }

    @Test
    void connAndPortChooseWhatIsShown() throws IOException {
        assertEquals(0, run("--format", "json", "--conn", "3", "captures/kernel-mix.pcap"), err());
        List<JsonNode> nodes = json();
        assertTrue(nodes.size() > 10);
        assertTrue(nodes.stream().filter(n -> n.has("conn")).allMatch(n -> n.get("conn").asInt() == 3));
        out.reset();
        assertEquals(0, run("--format", "json", "--port", "5004", "captures/kernel-mix.pcap"), err());
        assertTrue(json().stream().filter(n -> n.get("type").asText().equals("segment"))
                .allMatch(n -> n.get("src").asText().endsWith(":5004") || n.get("dst").asText().endsWith(":5004")));
    }

    /** The totals under the table, against the same capture's JSON counted here. */
    @Test
    void theTableIsSummedUpUnderItAsTheJsonCountsIt() throws IOException {
        assertEquals(0, run("--format", "json", "captures/kernel-mix.pcap"), err());
        java.util.Map<String, Long> closes = new java.util.TreeMap<>();
        java.util.Map<String, Long> timeWait = new java.util.TreeMap<>();
        java.util.Map<String, long[]> events = new java.util.TreeMap<>();
        for (JsonNode n : json()) {
            if (n.get("type").asText().equals("segment")) {
                n.get("events").forEach(e -> events.computeIfAbsent(e.asText(), k -> new long[2])[0]++);
            } else if (n.get("type").asText().equals("connection")) {
                closes.merge(n.get("close").asText(), 1L, Long::sum);
                if (!n.get("time_wait").isNull()) {
                    timeWait.merge(n.get("time_wait").asText(), 1L, Long::sum);
                }
                n.get("events").fieldNames().forEachRemaining(e -> events.computeIfAbsent(e, k -> new long[2])[1]++);
            }
        }
        out.reset();
        assertEquals(0, run("--summary", "captures/kernel-mix.pcap"), err());
        List<String> lines = Arrays.asList(out().split("\n"));
        String inAll = lines.stream().filter(l -> l.startsWith("in all: ")).findFirst().orElseThrow(() -> new AssertionError(out()));
        assertTrue(inAll.startsWith("in all: 84 connections; closed "), inAll);
        closes.forEach((kind, n) -> assertTrue(inAll.contains(kind + " " + n), kind + " " + n + " in " + inAll));
        assertEquals(84, closes.values().stream().mapToLong(Long::longValue).sum());
        timeWait.forEach((side, n) -> assertTrue(inAll.contains(side + " " + n), side + " " + n + " in " + inAll));
        java.util.Map<String, long[]> printed = new java.util.TreeMap<>();
        for (String l : lines.subList(lines.indexOf(inAll) + 2, lines.size())) {
            if (l.startsWith("  ")) {
                String[] f = l.trim().split("\\s+");
                printed.put(f[0], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
            }
        }
        assertEquals(events.keySet(), printed.keySet());
        events.forEach((e, n) -> assertArrayEquals(n, printed.get(e), e + ": segments, connections"));
    }

    @Test
    void eventsShowOnlyTheSegmentsThatCarryOneAndTheConnectionsThatHadOne() throws IOException {
        assertEquals(0, run("--format", "json", "captures/kernel-mix.pcap"), err());
        List<JsonNode> all = json();
        List<Long> withRst = all.stream().filter(n -> n.get("type").asText().equals("segment")
                && hasEvent(n, "rst")).map(n -> n.get("frame").asLong()).toList();
        List<Integer> connsWithRst = all.stream().filter(n -> n.get("type").asText().equals("connection")
                && n.get("events").has("rst")).map(n -> n.get("conn").asInt()).toList();
        assertFalse(withRst.isEmpty(), "the sample has resets");
        assertTrue(connsWithRst.size() < 84, "and connections without one");

        out.reset();
        assertEquals(0, run("--format", "json", "--events", "rst", "captures/kernel-mix.pcap"), err());
        List<JsonNode> chosen = json();
        assertEquals(withRst, chosen.stream().filter(n -> n.get("type").asText().equals("segment"))
                .map(n -> n.get("frame").asLong()).toList());
        assertEquals(connsWithRst, chosen.stream().filter(n -> n.get("type").asText().equals("connection"))
                .map(n -> n.get("conn").asInt()).toList());
        assertEquals("", err());

        out.reset();
        assertEquals(0, run("--summary", "--events", "rst", "captures/kernel-mix.pcap"), err());
        List<String> rows = Arrays.stream(out().split("\n")).filter(l -> l.matches("\\s+\\d+\\s+\\d.*")).toList();
        assertEquals(connsWithRst, rows.stream().map(l -> Integer.parseInt(l.trim().split("\\s+")[0])).toList(), out());
    }

    static boolean hasEvent(JsonNode segment, String name) {
        for (JsonNode e : segment.get("events")) {
            if (e.asText().equals(name)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void eventsLeaveOutTheRemarksOnSegmentsTheyLeaveOut() {
        assertEquals(0, run("--events", "fin_in_time_wait", "captures/time-wait-reack.pcap"), err());
        List<String> segments = Arrays.stream(out().split("\n")).filter(l -> l.contains("──▶") || l.contains("◀──")).toList();
        assertEquals(1, segments.size(), out());
        assertTrue(segments.get(0).trim().startsWith("12 ") && segments.get(0).contains("fin_in_time_wait"), out());
        assertFalse(out().contains("injected by --drop"), "the dropped ACK's note belongs to a segment not shown: " + out());
    }

    @Test
    void eventsThatNoSegmentCarriesAreAFindingNotAMistake() {
        assertEquals(0, run("--events", "zero_window,rst", "captures/handshake-echo-close.pcap"), err());
        assertTrue(err().contains("no segment carries any of the events zero_window, rst"), err());
        assertFalse(out().contains("──▶"), out());
    }

    @Test
    void anUnknownEventIsRefusedWithTheNamesThereAre() {
        assertEquals(2, run("--events", "retransmision", "captures/handshake-echo-close.pcap"));
        assertTrue(err().contains("no event is called 'retransmision'; the events are retransmission,"), err());
        assertTrue(err().contains("bad-tcp"), err());
        assertEquals("", out());
    }

    @Test
    void aPictureWithEventsDrawsTheConnectionsThatHadOneWhole() throws IOException {
        assertEquals(0, run("--format", "json", "--summary", "captures/kernel-mix.pcap"), err());
        List<Integer> reset = json().stream().filter(n -> n.get("type").asText().equals("connection")
                && n.get("events").has("rst")).map(n -> n.get("conn").asInt()).sorted().toList();
        out.reset();
        assertEquals(0, run("--format", "html", "--events", "rst", "captures/kernel-mix.pcap"), err());
        List<Integer> offered = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<option value=\"\\d+\">conn (\\d+): ").matcher(out());
        while (m.find()) {
            offered.add(Integer.parseInt(m.group(1)));
        }
        assertEquals(reset, offered);

        out.reset();
        assertEquals(0, run("--format", "svg", "--events", "fin_in_time_wait", "captures/time-wait-reack.pcap"), err());
        int arrows = out().split("class=\"arrow", -1).length - 1;
        assertEquals(12, arrows, "every segment of the connection, the dropped ACK put back: " + out().length());

        out.reset();
        err.reset();
        assertEquals(0, run("--format", "svg", "--events", "zero_window", "captures/time-wait-reack.pcap"), err());
        assertEquals("", out(), "nothing to draw");
        assertTrue(err().contains("no segment carries the event zero_window: nothing to draw"), err());
    }

    @Test
    void askingForAConnectionOrPortTheCaptureLacksSaysSoAndExits2() {
        assertEquals(0, run("--summary", "--conn", "84", "captures/kernel-mix.pcap"), err());
        assertEquals("", err(), "the last connection is there");
        assertEquals(2, run("--summary", "--conn", "3,85", "captures/kernel-mix.pcap"));
        assertTrue(err().contains("no connection 85: the capture has 84 connections"), err());
        err.reset();
        assertEquals(2, run("--format", "json", "--port", "7", "captures/kernel-mix.pcap"));
        assertTrue(err().contains("no connection has port 7 at either end"), err());
        err.reset();
        assertEquals(2, run("--summary", "--conn", "2", "--port", "5002", "captures/kernel-mix.pcap"));
        assertTrue(err().contains("connection 2 used no port 5002"), err());
    }

    @Test
    void aPictureThatLeavesSegmentsOutSaysSoOnStderr() throws IOException {
        List<byte[]> frames = new ArrayList<>();
        frames.add(frame(false, 100, 0, Flags.SYN, 0));
        frames.add(frame(true, 500, 101, Flags.SYN_ACK, 0));
        for (int i = 0; i < Pictures.MAX_STEPS + 48; i++) {
            frames.add(frame(false, 101 + 10L * i, 501, Flags.ACK, 10));
        }
        Path big = dir.resolve("long.pcap");
        Files.write(big, SyntheticCaptures.pcap(1, false, ByteOrder.LITTLE_ENDIAN, frames));
        Path svg = dir.resolve("long.svg");
        assertEquals(0, run("--format", "svg", "-o", svg.toString(), big.toString()), err());
        assertTrue(err().contains("wrote " + svg + "; it leaves out 50 segments, beyond what a picture holds (200 "
                + "connections, 2000 segments of one, 20000 in all)"), err());
        err.reset();
        assertEquals(0, run("--format", "svg", big.toString()), err());
        assertTrue(out().startsWith("<svg"), "the picture on stdout");
        assertTrue(err().contains("the picture leaves out 50 segments"), err());
    }

    /** Fragments are put back together and said so; a segment whose fragment is missing is counted, not an error. */
    @Test
    void fragmentedSegmentsAreReassembledAndAMissingFragmentIsReported() throws IOException {
        List<byte[]> whole = SyntheticCaptures.fragments(frame(false, 101, 501, Flags.PSH_ACK, 1000), 400, 1);
        List<byte[]> cut = SyntheticCaptures.fragments(frame(false, 1101, 501, Flags.PSH_ACK, 1000), 400, 2);
        List<byte[]> frames = new ArrayList<>(List.of(frame(false, 100, 0, Flags.SYN, 0),
                frame(true, 500, 101, Flags.SYN_ACK, 0)));
        frames.addAll(whole);
        frames.addAll(cut.subList(0, 2)); // its last fragment never captured
        Path capture = dir.resolve("fragments.pcap");
        Files.write(capture, SyntheticCaptures.pcap(1, false, ByteOrder.LITTLE_ENDIAN, frames));

        assertEquals(0, run(capture.toString()), err());
        String text = out();
        assertTrue(text.matches("(?s).*\\n\\s+5 .*PSH,ACK\\s+1\\s+1\\s+1000 .*"), "the segment at its last fragment: " + text);
        assertTrue(text.contains("1 segment came in IP fragments (3) and was put back together"), text);
        assertTrue(text.contains("1 fragmented segment could not be put back together (a fragment is missing from the"
                + " capture)"), text);

        out.reset();
        assertEquals(0, run("--format", "json", capture.toString()), err());
        JsonNode last = json().get(json().size() - 1);
        assertEquals("capture", last.get("type").asText());
        assertEquals(1, last.get("reassembled").asInt());
        assertEquals(1, last.get("fragments_incomplete").asInt());
        assertEquals(0, last.get("skipped").asInt());
        assertEquals(0, last.get("ipv4_lengths_from_the_frame").asInt());
    }

    /** An IPv4 total length of 0 (a capture on a sender with segmentation offload): read, said, and counted. */
    @Test
    void anIpv4LengthOfZeroIsTakenFromTheFrameAndSaidSo() throws IOException {
        byte[] large = frame(false, 101, 501, Flags.PSH_ACK, 3000);
        large[14 + 2] = 0;
        large[14 + 3] = 0;
        Path capture = dir.resolve("tso.pcap");
        Files.write(capture, SyntheticCaptures.pcap(1, false, ByteOrder.LITTLE_ENDIAN, List.of(
                frame(false, 100, 0, Flags.SYN, 0), frame(true, 500, 101, Flags.SYN_ACK, 0), large)));
        assertEquals(0, run(capture.toString()), err());
        assertTrue(out().contains("1 IPv4 packet gave a total length of 0"), out());
        assertTrue(out().matches("(?s).*\\n\\s+3 .*PSH,ACK\\s+1\\s+1\\s+3000 .*"), out());
        out.reset();
        assertEquals(0, run("--format", "json", capture.toString()), err());
        assertEquals(1, json().get(json().size() - 1).get("ipv4_lengths_from_the_frame").asInt());
    }

    @Test
    void aPictureThatLeavesConnectionsOutCountsConnectionsNotTheirSegments() throws IOException {
        // 1.54 M packets of 24,632 connections were said to leave out "1513932 connections": their segments.
        List<byte[]> frames = new ArrayList<>();
        for (int c = 0; c < Pictures.MAX_CONNECTIONS + 3; c++) {
            frames.add(SyntheticCaptures.frame(20000 + c, false, 100, 0, Flags.SYN));
            frames.add(SyntheticCaptures.frame(20000 + c, true, 500, 101, Flags.SYN_ACK));
            frames.add(SyntheticCaptures.frame(20000 + c, false, 101, 501, Flags.ACK));
        }
        Path many = dir.resolve("many.pcap");
        Files.write(many, SyntheticCaptures.pcap(1, false, ByteOrder.LITTLE_ENDIAN, frames));
        Path html = dir.resolve("many.html");
        assertEquals(0, run("--format", "html", "-o", html.toString(), many.toString()), err());
        assertTrue(err().contains("it leaves out 3 connections, beyond what a picture holds"), err());
    }

    @Test
    void aCaptureWhoseClockRunsBackStillTimesItsHandshakes() throws IOException {
        // Two pcapng files one after the other (`cat`, as Wireshark reads them): the second, from 2020, starts
        // before the first. Its connection's times are negative, and its SYN's time was taken for "not seen".
        Path both = dir.resolve("both.pcapng");
        Files.write(both, concat(Files.readAllBytes(Path.of("captures/two-interfaces-loopback.pcapng")),
                Files.readAllBytes(Path.of("src/test/resources/captures-external/200722_tcp_anon.pcapng"))));
        assertEquals(0, run("--summary", "--format", "json", "--conn", "4", both.toString()), err());
        JsonNode conn = new ObjectMapper().readTree(out().lines().filter(l -> l.contains("\"connection\"")).findFirst()
                .orElseThrow());
        assertEquals("192.168.200.135:7875", conn.get("client").asText(), conn.toString());
        assertEquals(4.573, conn.get("handshake_rtt_ms").asDouble(), 0.0005, "tshark's tcp.analysis.initial_rtt");
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void aDashReadsTheCaptureFromStandardInput() throws IOException {
        assertEquals(0, run("--format", "json", "captures/kernel-mix.pcap"), err());
        String fromFile = out();
        out.reset();
        AnalyzeCommand piped = new AnalyzeCommand();
        piped.rawIn = Files.newInputStream(Path.of("captures/kernel-mix.pcap"));
        piped.stdinIsTerminal = () -> false;
        assertEquals(0, run(piped, "--format", "json", "-"), err());
        assertEquals(fromFile, out(), "the same lines as from the file");
        out.reset();
        AnalyzeCommand cut = new AnalyzeCommand();
        cut.rawIn = new java.io.ByteArrayInputStream(Arrays.copyOf(Files.readAllBytes(Path.of("captures/kernel-mix.pcap")), 3000));
        cut.stdinIsTerminal = () -> false;
        assertEquals(2, run(cut, "--summary", "-"));
        assertTrue(err().contains("tcplab: standard input: the file ends inside packet 28"), err());
    }

    /** The capture's bytes up to the end of packet {@code n} (pcap: a 24-byte header, 16 before each packet). */
    static byte[] firstPackets(byte[] pcap, int n) {
        int off = 24;
        for (int i = 0; i < n; i++) {
            off += 16 + java.nio.ByteBuffer.wrap(pcap, off + 8, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
        }
        return Arrays.copyOf(pcap, off);
    }

    @Test
    void aCaptureFromAPipeShowsEachSegmentWhileThePipeWaits() throws Exception {
        byte[] pcap = Files.readAllBytes(Path.of("captures/handshake-echo-close.pcap"));
        byte[] handshake = firstPackets(pcap, 5); // two ARP frames, then SYN, SYN+ACK, ACK
        for (String format : List.of("text", "json")) {
            out.reset();
            java.io.PipedOutputStream feed = new java.io.PipedOutputStream();
            AnalyzeCommand piped = new AnalyzeCommand();
            piped.rawIn = new java.io.PipedInputStream(feed, 1 << 20);
            piped.stdinIsTerminal = () -> false;
            Thread analysis = new Thread(() -> run(piped, "--format", format, "-"));
            analysis.setDaemon(true);
            analysis.start();
            try {
                feed.write(handshake);
                feed.flush();
                long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
                while (!out().contains("handshake") && System.nanoTime() < deadline) {
                    Thread.sleep(10); // waits for a condition, bounded; not a timing assertion
                }
                assertTrue(out().contains("handshake"), format + ": the third ACK's line came while the pipe waited: "
                        + out());
                assertTrue(analysis.isAlive(), "the analysis still waits for the rest of the capture");
                if (format.equals("json")) {
                    assertTrue(out().endsWith("}\n"), "whole lines only: " + out());
                }
                feed.write(pcap, handshake.length, pcap.length - handshake.length);
            } finally {
                feed.close(); // the pipe's end: the analysis finishes, whatever happened above
            }
            analysis.join(20_000);
            assertTrue(out().contains(format.equals("text") ? "three-segment" : "\"type\":\"capture\""), out());
        }
    }

    @Test
    void ctrlCOnAPipelineStillPrintsTheSummaryOfWhatCame() throws Exception {
        byte[] pcap = Files.readAllBytes(Path.of("captures/handshake-echo-close.pcap"));
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "dev.tcplab.cli.Main", "analyze", "-").start();
        try {
            p.getOutputStream().write(firstPackets(pcap, 5));
            p.getOutputStream().flush();
            java.io.BufferedReader lines = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8));
            StringBuilder seen = new StringBuilder();
            java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    for (String l; (l = lines.readLine()) != null && !l.contains("handshake complete"); ) {
                        seen.append(l).append('\n');
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).get(20, java.util.concurrent.TimeUnit.SECONDS); // the finally below ends the process if it times out
            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
            // tcpdump, stopped by the same Ctrl-C, would close the pipe; until it does, the run waits for it.
            assertFalse(p.waitFor(1, java.util.concurrent.TimeUnit.SECONDS), "exited on the signal, before the pipe's end");
            p.getOutputStream().close();
            assertTrue(p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS));
            String rest = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(rest.contains("pcap: 5 packets, 3 TCP segments, 1 connection"), seen + rest);
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void aDashWithATerminalForStandardInputSaysHowToPipe() {
        AnalyzeCommand typed = new AnalyzeCommand();
        typed.stdinIsTerminal = () -> true;
        typed.rawIn = new java.io.InputStream() {
            @Override
            public int read() {
                throw new AssertionError("nothing is read from a terminal");
            }
        };
        assertEquals(2, run(typed, "-"));
        assertTrue(err().contains("standard input is this terminal") && err().contains("| tcplab analyze -"), err());
    }

    @Test
    void aTruncatedFileReportsWhatCouldBeReadThenExits2WithOneSentence() throws IOException {
        byte[] whole = Files.readAllBytes(Path.of("captures/handshake-echo-close.pcap"));
        Path cut = dir.resolve("cut.pcap");
        Files.write(cut, Arrays.copyOf(whole, whole.length - 20));
        assertEquals(ExitCodes.USAGE, run(cut.toString()));
        assertTrue(out().contains("FIN_WAIT_1"), "segments before the damage are reported: " + out());
        assertTrue(err().contains("cut short") && err().contains("reported above"), err());
        assertFalse(err().contains("Exception"), err());
    }

    @Test
    void garbageEmptyAndUnknownLinkTypesExit2WithoutAStackTrace() throws IOException {
        Path garbage = dir.resolve("garbage");
        Files.writeString(garbage, "this is not a capture, just text that is long enough");
        assertEquals(ExitCodes.USAGE, run(garbage.toString()));
        assertTrue(err().contains("not a pcap or pcapng file"), err());
        err.reset();
        Path empty = dir.resolve("empty.pcap");
        Files.write(empty, new byte[0]);
        assertEquals(ExitCodes.USAGE, run(empty.toString()));
        assertTrue(err().contains("empty"), err());
        err.reset();
        Path usb = dir.resolve("usb.pcap");
        Files.write(usb, SyntheticCaptures.pcap(189, false, ByteOrder.LITTLE_ENDIAN, List.of(new byte[64])));
        assertEquals(ExitCodes.USAGE, run(usb.toString()));
        assertTrue(out().contains("link type 189 skipped"), out());
        assertTrue(out().contains("pcap: 1 packet, 0 TCP segments, 0 connections"), "counted in the singular: " + out());
        assertFalse(err().contains("Exception"), err());
    }

    @Test
    void aBadDataOffsetIsSkippedAndCountedWhileTheRestIsAnalysed() throws IOException {
        byte[] bad = frame(false, 1, 0, Flags.SYN, 0);
        bad[14 + 20 + 12] = 0x20; // data offset 2 words: below the minimum of 5
        byte[] good = frame(true, 9, 2, Flags.SYN_ACK, 0);
        Path p = dir.resolve("bad-offset.pcap");
        Files.write(p, SyntheticCaptures.pcap(1, false, ByteOrder.LITTLE_ENDIAN, List.of(bad, good)));
        assertEquals(ExitCodes.USAGE, run(p.toString()));
        assertTrue(out().contains("1 segment could not be decoded") && out().contains("frame 1: TCP data offset"), out());
        assertTrue(out().contains("SYN,ACK"), "the good segment is still analysed: " + out());
        assertTrue(err().contains("1 of 2 packets could not be analysed"), err());
    }

    @Test
    void faultsInjectedByTheLiveRunAreShownWhereTheyActed() {
        assertEquals(0, run("captures/time-wait-reack.pcap"), err());
        String text = out();
        int drop = text.indexOf("injected by --drop out:final-ack:1");
        int retransmittedFin = text.indexOf("fin_in_time_wait");
        assertTrue(drop > 0 && retransmittedFin > drop, "the lost final ACK is noted before the FIN it provoked: " + text);
        out.reset();
        assertEquals(0, run("captures/keepalive-crashed-client.pcap"), err());
        assertEquals(3, out().split("made not to see it", -1).length - 1, "one note per probe the endpoint ignored: " + out());
    }

    @Test
    void aClosedPipeEndsTheRunQuietly() {
        AnalyzeCommand cmd = new AnalyzeCommand();
        cmd.rawOut = new java.io.OutputStream() {
            int written;

            @Override
            public void write(int b) throws IOException {
                if (++written > 1000) {
                    throw new IOException("Broken pipe");
                }
            }
        };
        cmd.err = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertEquals(0, new CommandLine(cmd.spec()).execute("--format", "json", "captures/kernel-mix.pcap"));
        assertEquals("", err(), "nothing to say when the reader went away");
    }
}
