package dev.tcplab.analysis;

import dev.tcplab.capture.CaptureInterface;
import dev.tcplab.text.Columns;
import dev.tcplab.text.Text;
import dev.tcplab.trace.Millis;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.stream.Collectors;

/**
 * One row per connection, printed when the file is read, then what was skipped and why, in the language
 * asked for (event names, states and the decoder's own messages stay English).
 */
public final class SummaryTable implements AnalysisSink {
    /** The endpoint columns fit "255.255.255.255:65535", and grow for longer (IPv6) endpoints. */
    private static final int ENDPOINT_WIDTH = 21;
    private String rowFormat;

    /**
     * Rows kept for the table: the connections with the lowest numbers. A capture of short connections can
     * have millions, and a row costs ~400 bytes of a heap that the launcher caps at 160 MB; the totals under
     * the table still count every connection, and the JSON lists every one.
     */
    static final int ROWS_KEPT = 50_000;

    private final PrintWriter out;
    private final Text.Lang lang;
    private final int rowsKept;
    /** The kept rows, the highest number first, so that the row to drop is at hand. */
    private final PriorityQueue<ConnectionSummary> rows =
            new PriorityQueue<>((x, y) -> Integer.compare(y.conn(), x.conn()));
    private long connections;

    // The totals under the table, counted as the connections come rather than from the rows kept.
    private final Map<CloseKind, Long> closes = new EnumMap<>(CloseKind.class);
    private final Map<String, Long> timeWaits = new LinkedHashMap<>();
    private final Map<String, long[]> eventTotals = new HashMap<>(); // by name: segments, connections
    private long unseen, unseenConnections;
    /** The slow readers named under the table (the first by number), and how many there were. */
    private final List<SlowReader> slowReaders = new ArrayList<>();
    private int slowReadersFound;

    private record SlowReader(int conn, int sideOrder, String side, long rate) {
    }

    public SummaryTable(PrintWriter out) {
        this(out, Text.Lang.en);
    }

    public SummaryTable(PrintWriter out, Text.Lang lang) {
        this(out, lang, ROWS_KEPT);
    }

    SummaryTable(PrintWriter out, Text.Lang lang, int rowsKept) {
        this.out = out;
        this.lang = lang;
        this.rowsKept = rowsKept;
    }

    @Override
    public void segment(AnalyzedSegment s) {
    }

    @Override
    public void connection(ConnectionSummary c) {
        connections++;
        if (rows.size() < rowsKept) {
            rows.add(c);
        } else if (c.conn() < rows.peek().conn()) {
            rows.poll();
            rows.add(c);
        }
        closes.merge(c.close(), 1L, Long::sum);
        if (c.timeWait() != null) {
            timeWaits.merge(c.timeWait(), 1L, Long::sum);
        }
        c.eventCounts().forEach((name, n) -> {
            long[] tally = eventTotals.computeIfAbsent(name, e -> new long[2]);
            tally[0] += n;
            tally[1]++;
        });
        long acked = c.eventCounts().getOrDefault(Event.ACK_LOST_SEGMENT.jsonName, 0L);
        unseen += acked;
        unseenConnections += acked > 0 ? 1 : 0;
        String[] sides = {"client", "server"};
        for (int i = 0; i < 2; i++) {
            long rate = c.readRate(sides[i]);
            if (rate > 0) {
                slowReadersFound++;
                slowReaders.add(new SlowReader(c.conn(), i, sides[i], rate));
                slowReaders.sort(Comparator.comparingInt(SlowReader::conn).thenComparingInt(SlowReader::sideOrder));
                if (slowReaders.size() > SLOW_READERS_SHOWN) {
                    slowReaders.remove(SLOW_READERS_SHOWN);
                }
            }
        }
    }

    private static String counted(long n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }

    /** A role ("client", "server", "both") as the table shows it. */
    private static String role(String role, Text.Lang lang) {
        if (lang != Text.Lang.zh) {
            return role;
        }
        return switch (role) {
            case "client" -> "客户端";
            case "server" -> "服务器";
            case "both" -> "双方";
            default -> role;
        };
    }

    private void say(Text t) {
        out.println(t.in(lang));
    }

    @Override
    public void finish(AnalysisStats st) {
        List<ConnectionSummary> rows = new ArrayList<>(this.rows);
        rows.sort(Comparator.comparingInt(ConnectionSummary::conn));
        int w = ENDPOINT_WIDTH;
        for (ConnectionSummary c : rows) {
            w = Math.max(w, Math.max(c.client().toString().length(), c.server().toString().length()));
        }
        rowFormat = rowFormat(w);
        endpointWidth = w;
        out.println();
        say(Text.of(st.format + ": " + counted(st.packets, "packet") + ", " + counted(st.tcpSegments, "TCP segment") + ", "
                + counted(st.connections, "connection"), st.format + "：" + st.packets + " 个包，" + st.tcpSegments
                + " 个 TCP 报文段，" + st.connections + " 个连接"));
        if (!rows.isEmpty() && lang == Text.Lang.zh) {
            row("连接", "客户端", "服务器", "包数", "字节数", "时长", "握手 RTT", "关闭方式", "TIME_WAIT", "事件");
        } else if (!rows.isEmpty()) {
            row("conn", "client", "server", "packets", "bytes", "duration", "hs RTT", "close", "TIME_WAIT",
                    "events");
        }
        for (ConnectionSummary c : rows) {
            row(Integer.toString(c.conn()), c.client().toString(), c.server().toString(),
                    Long.toString(c.packetsFromClient() + c.packetsFromServer()),
                    Long.toString(c.bytesFromClient() + c.bytesFromServer()), seconds(c.endNanos() - c.startNanos()) + "s",
                    c.handshakeRttNanos() >= 0 ? Millis.threeDecimals(c.handshakeRttNanos()) + "ms" : "-",
                    close(c, lang), c.timeWait() == null ? "-" : role(c.timeWait(), lang), events(c, true));
        }
        if (connections > rows.size()) {
            long more = connections - rows.size();
            say(Text.of("… and " + counted(more, "connection") + " more, not listed (the table keeps the first " + rowsKept
                    + " by number, to bound its memory): --format json lists every one, --conn N shows one",
                    "……另有 " + more + " 个连接未列出（为限制内存，表格只保留编号最小的 " + rowsKept + " 个）：--format json"
                    + " 列出全部，--conn N 显示其中一个"));
        }
        if (connections > 1) {
            out.println();
            totals();
        }
        released(st);
        if (st.notTcp > 0) {
            say(Text.of(st.notTcp + " packet" + (st.notTcp == 1 ? " was" : "s were") + " not TCP (ARP, UDP, ICMP, …): not"
                    + " analysed", st.notTcp + " 个包不是 TCP（ARP、UDP、ICMP 等）：未分析"));
        }
        if (st.unknownLinkType > 0) {
            say(Text.of(st.unknownLinkType + " packet" + (st.unknownLinkType == 1 ? "" : "s") + " of link type "
                    + st.firstUnknownLinkType + " skipped: tcplab reads Ethernet, Linux cooked (v1, v2), raw IP and loopback"
                    + " captures", "跳过了 " + st.unknownLinkType + " 个链路类型为 " + st.firstUnknownLinkType + " 的包：tcplab"
                    + " 读取以太网、Linux cooked（v1、v2）、原始 IP 和环回接口的抓包"));
        }
        if (st.malformed > 0) {
            String examples = String.join("; ", st.malformedExamples);
            say(Text.of(st.malformed + " segment" + (st.malformed == 1 ? "" : "s") + " could not be decoded and "
                    + (st.malformed == 1 ? "was" : "were") + " skipped, e.g. " + examples,
                    st.malformed + " 个报文段无法解码，已跳过，例如 " + examples));
        }
        if (st.reassembled > 0) {
            say(Text.of(counted(st.reassembled, "segment") + " came in IP fragments (" + st.fragments + ") and "
                    + (st.reassembled == 1 ? "was" : "were") + " put back together, as Wireshark does: each is shown at the frame of its last fragment",
                    st.reassembled + " 个报文段分成 IP 分片传输（共 " + st.fragments + " 个分片），已重组，与 Wireshark"
                    + " 相同：每个报文段显示在其最后一个分片所在的帧"));
        }
        if (st.lengthFromTheWire > 0) {
            say(Text.of(counted(st.lengthFromTheWire, "IPv4 packet") + " gave a total length of 0, as on the sending host of a"
                    + " network card that cuts large segments up (TCP segmentation offload): the length on the wire was taken,"
                    + " as Wireshark takes it", st.lengthFromTheWire + " 个 IPv4 包的总长度字段为 0，这是在由网卡切分大报文段"
                    + "（TCP 分段卸载，TSO）的发送方主机上抓包时的情形：按线路上的长度处理，与 Wireshark 相同"));
        }
        if (st.fragmentsIncomplete > 0) {
            say(Text.of(counted(st.fragmentsIncomplete, "fragmented segment") + " could not be put back together"
                    + " (a fragment is missing from the capture): not analysed",
                    st.fragmentsIncomplete + " 个分片的报文段无法重组（抓包中缺少某个分片）：未分析"));
        }
        if (st.truncatedPayload > 0) {
            say(Text.of(st.truncatedPayload + " segment" + (st.truncatedPayload == 1 ? " was" : "s were") + " cut by the"
                    + " capture's snaplen (analysed from the IP lengths)", st.truncatedPayload
                    + " 个报文段被抓包的 snaplen 截断（按 IP 头中的长度分析）"));
        }
        if (unseen > 0) {
            // A student's first question about "ACKed unseen segment": the network did deliver those bytes.
            say(Text.of(counted(unseen, "segment") + " in " + counted(unseenConnections, "connection") + " acknowledge"
                    + (unseen == 1 ? "s" : "") + " data this capture never saw (ack_lost_segment): the receiver got packets"
                    + " the recorder missed (tcpdump counts them as \"dropped by kernel\" when it stops; -B 16384 gives it a"
                    + " larger buffer), or that took a path the capture did not see",
                    unseenConnections + " 个连接中有 " + unseen + " 个报文段确认了本抓包从未见到的数据（ack_lost_segment）："
                    + "接收方收到了抓包程序漏掉的包（tcpdump 停止时把它们计为 \"dropped by kernel\"；-B 16384 给它更大的"
                    + "缓冲区），或者这些包走了抓包看不到的路径"));
        }
        slowReaders();
        List<CaptureInterface> interfaces = st.interfacesWithPackets();
        if (interfaces.size() > 1) {
            String each = interfaces.stream().map(i -> i.name() + " " + i.packets()).collect(Collectors.joining(", "));
            say(Text.of("packets from " + interfaces.size() + " interfaces (" + each + "): a packet captured on two of them"
                    + " is in the file twice, and its second copy is analysed as a retransmission, as Wireshark does; one"
                    + " interface alone: tshark -r FILE -Y frame.interface_id==N -w ONE.pcapng",
                    "包来自 " + interfaces.size() + " 个接口（" + each + "）：在其中两个接口上都抓到的包在文件中出现两次，"
                    + "第二份按重传分析，与 Wireshark 相同；只看一个接口：tshark -r FILE -Y frame.interface_id==N -w ONE.pcapng"));
        }
        out.flush();
    }

    /** Readers shown by name under the table; the rest are counted (the JSON has every one). */
    static final int SLOW_READERS_SHOWN = 5;

    /**
     * The connections a slow reader held back: a side whose window shut again and again, opening only as
     * its application read ({@link ReadingPace}). Said under the table, since no event counts it.
     */
    private void slowReaders() {
        List<String> en = new ArrayList<>(), zh = new ArrayList<>();
        for (SlowReader r : slowReaders) {
            en.add("connection " + r.conn() + "'s " + r.side() + " about " + ReadingPace.text(r.rate()));
            zh.add("第 " + r.conn() + " 个连接的" + role(r.side(), Text.Lang.zh) + "大约 " + ReadingPace.text(r.rate()));
        }
        int found = slowReadersFound;
        if (found == 0) {
            return;
        }
        String more = found > SLOW_READERS_SHOWN ? ", and " + (found - SLOW_READERS_SHOWN) + " more" : "";
        String moreZh = found > SLOW_READERS_SHOWN ? "，还有 " + (found - SLOW_READERS_SHOWN) + " 个" : "";
        say(Text.of("slow readers (a window that shut again and again, opening only as its application read; the pace "
                + "is how far it let the sender on from its first zero window to its last, over that time): "
                + String.join(", ", en) + more + ". The sender could go no faster (--format json: client_read_rate, "
                + "server_read_rate, bytes a second)",
                "读得慢的一方（窗口一再关闭，只随应用程序的读取而打开；速度是从第一次零窗口到最后一次零窗口，它让发送方"
                + "前进的字节数除以这段时间）：" + String.join("，", zh) + moreZh + "。发送方无法更快（--format json："
                + "client_read_rate、server_read_rate，单位为字节每秒）"));
    }

    /** How it closed; a reset says by whom. */
    private static String close(ConnectionSummary c, Text.Lang lang) {
        String kind = c.close().label(lang);
        if (c.resetBy() == null || c.close() != CloseKind.RESET) {
            return kind;
        }
        return lang == Text.Lang.zh ? kind + "（" + role(c.resetBy(), lang) + "）" : kind + " by " + c.resetBy();
    }

    /** Its events with their counts, as the table's last column lists them (every connection has its handshake's). */
    private static String events(ConnectionSummary c, boolean withTimeWait) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, Long> e : c.eventCounts().entrySet()) {
            String name = e.getKey();
            if (name.equals(Event.HANDSHAKE_COMPLETE.jsonName) || !withTimeWait && name.equals(Event.TIME_WAIT.jsonName)) {
                continue;
            }
            if (!b.isEmpty()) {
                b.append(' ');
            }
            b.append(name);
            if (e.getValue() > 1) {
                b.append('×').append(e.getValue());
            }
        }
        return b.toString();
    }

    /**
     * The table's last three columns in one line: how it closed, who went into TIME_WAIT, and its events
     * but the time_wait that says that again; then a slow reader's pace, which no column shows.
     */
    public static String inOneLine(ConnectionSummary c, Text.Lang lang) {
        boolean zh = lang == Text.Lang.zh;
        String line = close(c, lang);
        if (c.timeWait() != null) {
            line += (zh ? "，TIME_WAIT：" : ", TIME_WAIT: ") + role(c.timeWait(), lang);
        }
        String events = events(c, false);
        line = events.isEmpty() ? line : line + (zh ? "；" : "; ") + events;
        for (String side : new String[] {"client", "server"}) {
            long rate = c.readRate(side);
            if (rate > 0) {
                line += zh ? "；" + role(side, lang) + "读得慢，大约 " + ReadingPace.text(rate)
                        : "; the " + side + " read slowly, about " + ReadingPace.text(rate);
            }
        }
        return line;
    }

    /**
     * The table summed up, under it, as Wireshark's Expert Information sums up a capture: with thousands of
     * rows the table scrolls away, and "how many were reset, how many retransmissions, in how many
     * connections" is the first question.
     */
    private void totals() {
        boolean zh = lang == Text.Lang.zh;
        String closed = closes.entrySet().stream().map(e -> e.getKey().label(lang) + " " + e.getValue())
                .collect(Collectors.joining(zh ? "，" : ", "));
        String waited = List.of("client", "server", "both").stream().filter(timeWaits::containsKey)
                .map(r -> role(r, lang) + " " + timeWaits.get(r)).collect(Collectors.joining(zh ? "，" : ", "));
        say(Text.of("in all: " + counted(connections, "connection") + "; closed " + closed
                        + (waited.isEmpty() ? "" : "; TIME_WAIT " + waited),
                "合计：" + connections + " 个连接；关闭方式 " + closed + (waited.isEmpty() ? "" : "；TIME_WAIT " + waited)));
        if (!eventTotals.isEmpty()) {
            tallyRow(zh ? "事件" : "events", zh ? "报文段数" : "segments", zh ? "连接数" : "connections");
            for (Event e : Event.ALL) {
                long[] n = eventTotals.get(e.jsonName);
                if (n != null) {
                    tallyRow("  " + e.jsonName, n[0], n[1]);
                }
            }
        }
    }

    /** Connections let go early to bound memory (Analyzer), said under the table. */
    private void released(AnalysisStats st) {
        if (st.releasedClosed > 0) {
            say(Text.of(counted(st.releasedClosed, "closed connection") + " left memory before "
                    + (st.releasedClosed == 1 ? "its" : "their") + " 120 s were up, because over " + Analyzer.HELD_LIMIT
                    + " connections were held at once: a FIN retransmitted into TIME_WAIT after that would not be marked"
                    + " (fin_in_time_wait)", st.releasedClosed + " 个已关闭的连接在 120 秒未满时就离开了内存，因为同时保留的连接"
                    + "超过 " + Analyzer.HELD_LIMIT + " 个：此后重传到 TIME_WAIT 的 FIN 不会被标出（fin_in_time_wait）"));
        }
        if (st.releasedOpen > 0) {
            say(Text.of(counted(st.releasedOpen, "connection") + " still open " + (st.releasedOpen == 1 ? "was" : "were")
                    + " let go (close: released), because over " + Analyzer.OPEN_LIMIT + " were open at once: those idle"
                    + " the longest were summed up as they stood, and a later segment of one starts a new connection",
                    st.releasedOpen + " 个仍开着的连接被提前释放（关闭方式：提前释放），因为同时开着的连接超过 "
                    + Analyzer.OPEN_LIMIT + " 个：空闲最久的按当时的状态汇总，它之后的报文段算作新连接"));
        }
    }

    private void tallyRow(Object... cells) {
        String format = "%-26s %9s %12s";
        out.println(lang == Text.Lang.zh ? Columns.format(format, cells) : String.format(format, cells));
    }

    /**
     * Seconds with three decimals, as {@code %.3f} writes them in the root locale, from whole microseconds
     * ({@link Millis}): rounding at the millisecond is the same from the microseconds as from the nanoseconds.
     */
    static String seconds(long nanos) {
        return nanos >= 0 ? Millis.threeDecimals(nanos / 1000) : String.format(Locale.ROOT, "%.3f", nanos / 1e9);
    }

    /** The rows' layout, with endpoint columns {@code w} wide; {@link #layRow} lays English rows out the same way. */
    static String rowFormat(int w) {
        return "%5s  %-" + w + "s %-" + w + "s %8s %8s %10s %9s  %-13s %-10s %s";
    }

    private int endpointWidth;
    private final StringBuilder line = new StringBuilder(160);

    /**
     * One row, laid out as {@code String.format(rowFormat, …)} lays it out. English rows are padded here: a capture
     * of short connections has tens of thousands, and JDK 17's formatter parses its format with regular
     * expressions at every call (half of `--summary`'s time on a file of 24,555 connections). Chinese ones go
     * through Columns, which pads by terminal columns, where a Chinese character takes two.
     */
    private void row(String conn, String client, String server, String packets, String bytes, String duration,
                     String rtt, String close, String timeWait, String events) {
        if (lang == Text.Lang.zh) {
            out.println(Columns.format(rowFormat, conn, client, server, packets, bytes, duration, rtt, close, timeWait,
                    events).stripTrailing());
            return;
        }
        line.setLength(0);
        out.println(layRow(line, endpointWidth, conn, client, server, packets, bytes, duration, rtt, close, timeWait,
                events));
    }

    /** {@code String.format(rowFormat(w), cells…).stripTrailing()}, without the formatter (SummaryTableTest). */
    static StringBuilder layRow(StringBuilder b, int w, String conn, String client, String server, String packets,
                                String bytes, String duration, String rtt, String close, String timeWait, String events) {
        Columns.padStart(b, conn, 5).append("  ");
        Columns.padEnd(b, client, w).append(' ');
        Columns.padEnd(b, server, w).append(' ');
        Columns.padStart(b, packets, 8).append(' ');
        Columns.padStart(b, bytes, 8).append(' ');
        Columns.padStart(b, duration, 10).append(' ');
        Columns.padStart(b, rtt, 9).append("  ");
        Columns.padEnd(b, close, 13).append(' ');
        Columns.padEnd(b, timeWait, 10).append(' ').append(events);
        return Columns.stripTrailing(b);
    }
}
