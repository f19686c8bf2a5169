package dev.tcplab.analysis;

import dev.tcplab.text.Columns;
import dev.tcplab.text.Text;
import dev.tcplab.trace.Millis;
import dev.tcplab.wire.Segment;
import dev.tcplab.wire.TcpOption;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A capture's ladder: the same columns as a live run's, with the frame number first and both
 * sides' inferred states (a live run shows the kernel's own state instead). The client is on
 * the left: ──▶ is client to server. The heads, the connections' lines and the remarks come in the
 * language asked for; flags, states, options and the analysis' event names stay as they are named.
 */
public final class AnalysisLadder implements AnalysisSink {
    /** The heads' layout; each segment's row is laid out the same way by {@link #layRow} (AnalysisLadderTest). */
    static final String ROW = "%6s %10s %4s  %s  %s %10s %5s %7s  %-12s %-12s %s";

    private final PrintWriter out;
    private final boolean absolute;
    private final Text.Lang lang;
    private final Set<Integer> introduced = new HashSet<>();
    private boolean headerDone;
    private boolean flushEachLine;

    public AnalysisLadder(PrintWriter out, boolean absolute) {
        this(out, absolute, Text.Lang.en);
    }

    public AnalysisLadder(PrintWriter out, boolean absolute, Text.Lang lang) {
        this.out = out;
        this.absolute = absolute;
        this.lang = lang;
    }

    /** Each line as it is made (a paced replay), rather than in large writes (an analysis). */
    public AnalysisLadder flushingEachLine() {
        flushEachLine = true;
        return this;
    }

    @Override
    public void segment(AnalyzedSegment a) {
        if (!headerDone) {
            headerDone = true;
            header();
        }
        if (introduced.add(a.conn())) {
            String client = (a.fromClient() ? a.src() : a.dst()).toString();
            String server = (a.fromClient() ? a.dst() : a.src()).toString();
            out.printf(lang == Text.Lang.zh ? "%22s  连接 %d：客户端 %s，服务器 %s%n" : "%22s  conn %d: client %s, server %s%n",
                    "", a.conn(), client, server);
        }
        Segment s = a.segment();
        long seq = absolute ? a.seqAbs() : a.seq();
        String ack = a.ack() < 0 ? "-" : Long.toString(absolute ? a.ackAbs() : a.ack());
        String client = (a.fromClient() ? a.stateSrc() : a.stateDst()).name();
        String server = (a.fromClient() ? a.stateDst() : a.stateSrc()).name();
        List<String> tail = new ArrayList<>();
        for (Event e : Event.of(a.events())) {
            tail.add(e.jsonName);
        }
        for (TcpOption o : s.options()) {
            boolean worthShowing = s.flags().syn() || o instanceof TcpOption.Sack || o instanceof TcpOption.Unknown
                    || o instanceof TcpOption.Malformed;
            if (o instanceof TcpOption.Sack sack && !absolute && a.ack() >= 0) {
                tail.add(relativeSack(sack, a.ackAbs() - a.ack()));
            } else if (worthShowing && !(o instanceof TcpOption.Nop) && !(o instanceof TcpOption.EndOfList)) {
                tail.add(o.describe());
            }
        }
        row(a.frame(), Millis.threeDecimals(a.timeNanos()), a.conn(), a.fromClient() ? "──▶" : "◀──",
                Columns.flagsThenSeq(s.flags(), seq), ack, a.length(), a.window(), client, server,
                String.join(", ", tail));
        if (a.note() != null) {
            out.printf("%22s  · %s%n", "", a.note().in(lang));
        }
        if (flushEachLine) {
            out.flush();
        }
    }

    @Override
    public void connection(ConnectionSummary c) {
    }

    @Override
    public void note(Text text) {
        out.printf("%22s  · %s%n", "", text.in(lang));
        out.flush();
    }

    @Override
    public void finish(AnalysisStats stats) {
        out.flush();
    }

    private void header() {
        String seq = absolute ? "seq" : "seq(rel)", ack = absolute ? "ack" : "ack(rel)";
        String heads = lang == Text.Lang.zh
                // A Chinese character takes two columns on a terminal: Columns pads by columns.
                ? Columns.format(ROW, "帧", "时间 ms", "连接", "   ", Columns.flagsThenSeq("flags", seq), ack, "len", "win",
                        "客户端", "服务器", "事件 / 选项")
                : String.format(ROW, "frame", "time ms", "conn", "   ", Columns.flagsThenSeq("flags", seq), ack, "len",
                        "win", "client", "server", "events / options");
        out.println(heads.stripTrailing());
    }

    /** SACK edges count in the receiver's (the data sender's) sequence space, relative like its seq numbers. */
    private static String relativeSack(TcpOption.Sack sack, long base) {
        StringBuilder b = new StringBuilder("sack");
        long[] edges = sack.edges();
        for (int i = 0; i + 1 < edges.length; i += 2) {
            b.append(' ').append((edges[i] - base) & 0xffffffffL).append('-').append((edges[i + 1] - base) & 0xffffffffL);
        }
        return b.toString();
    }

    private final StringBuilder line = new StringBuilder(160);

    private void row(long frame, String time, int conn, String arrow, String flagsAndSeq, String ack, int length,
                     long window, String client, String server, String tail) {
        line.setLength(0);
        out.println(layRow(line, frame, time, conn, arrow, flagsAndSeq, ack, length, window, client, server, tail));
    }

    /**
     * One segment's row, laid out as {@code String.format(ROW, …).stripTrailing()} lays it out, without
     * parsing ROW for every segment: through the formatter, a million segments' ladder took 2.8 s where
     * their JSON took 0.95 s.
     */
    static StringBuilder layRow(StringBuilder b, long frame, String time, int conn, String arrow, String flagsAndSeq,
                                String ack, int length, long window, String client, String server, String tail) {
        Columns.padStart(b, Long.toString(frame), 6).append(' ');
        Columns.padStart(b, time, 10).append(' ');
        Columns.padStart(b, Integer.toString(conn), 4).append("  ").append(arrow).append("  ");
        b.append(flagsAndSeq).append(' ');
        Columns.padStart(b, ack, 10).append(' ');
        Columns.padStart(b, Integer.toString(length), 5).append(' ');
        Columns.padStart(b, Long.toString(window), 7).append("  ");
        Columns.padEnd(b, client, 12).append(' ');
        Columns.padEnd(b, server, 12).append(' ').append(tail);
        int end = b.length();
        while (end > 0 && Character.isWhitespace(b.charAt(end - 1))) {
            end--;
        }
        b.setLength(end);
        return b;
    }
}
