package dev.tcplab.analysis;

import dev.tcplab.text.Columns;
import dev.tcplab.text.Text;
import dev.tcplab.trace.Millis;
import dev.tcplab.wire.Segment;
import dev.tcplab.wire.TcpOption;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

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
    /**
     * The last connection whose line has been written. Connections are numbered as their first segment
     * comes, and segments come in that order, so a number above it is a connection not yet introduced:
     * no set of every connection seen, which would grow with the file.
     */
    private int introducedUpTo;
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
        if (a.conn() > introducedUpTo) {
            introducedUpTo = a.conn();
            introduce(a);
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
            remark(a.note());
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
        remark(text);
        out.flush();
    }

    /** Under the frame and time columns: where the connections' lines and the remarks begin. */
    private static final String INDENT = " ".repeat(22);

    /*
     * The connection's line and the remarks are written without the formatter, which on JDK 17 parses its
     * format with regular expressions at every call, and a capture of short connections has tens of thousands.
     */
    private void introduce(AnalyzedSegment a) {
        String client = (a.fromClient() ? a.src() : a.dst()).toString();
        String server = (a.fromClient() ? a.dst() : a.src()).toString();
        out.println(lang == Text.Lang.zh ? INDENT + "  连接 " + a.conn() + "：客户端 " + client + "，服务器 " + server
                : INDENT + "  conn " + a.conn() + ": client " + client + ", server " + server);
    }

    private void remark(Text text) {
        out.println(INDENT + "  · " + text.in(lang));
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
        return Columns.stripTrailing(b);
    }
}
