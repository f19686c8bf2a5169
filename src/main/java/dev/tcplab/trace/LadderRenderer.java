package dev.tcplab.trace;

import dev.tcplab.text.Columns;
import dev.tcplab.text.Text;
import dev.tcplab.wire.Segment;
import dev.tcplab.wire.TcpOption;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The ladder as text, one line per segment, written as events happen. Columns: time, arrow,
 * flags, seq and ack (relative unless absolute was asked for), payload length, window in bytes
 * (the field scaled, as Wireshark shows it, once both SYNs offered window scaling), our state after the segment, then options (on SYNs,
 * where they are negotiated) and why. State changes and notes are indented lines under it. The reasons
 * and remarks come in the language asked for; the columns' heads, flags and states stay as the RFC names them.
 */
public final class LadderRenderer implements TraceSink {
    private static final String ROW = "%10s  %s  %s %10s %5s %7s  %-12s %s";

    private final PrintWriter out;
    private final boolean absolute;
    private final Text.Lang lang;
    private final RelativeNumbers relative = new RelativeNumbers();
    private final WindowScaling scaling = new WindowScaling();
    private boolean headerDone;

    public LadderRenderer(PrintWriter out, boolean absolute) {
        this(out, absolute, Text.Lang.en);
    }

    public LadderRenderer(PrintWriter out, boolean absolute, Text.Lang lang) {
        this.out = out;
        this.absolute = absolute;
        this.lang = lang;
    }

    @Override
    public void accept(TraceEvent e) {
        if (!headerDone) {
            header();
        }
        if (e instanceof TraceEvent.SegmentEvent s) {
            segment(s);
        } else if (e instanceof TraceEvent.StateChange c) {
            String colon = lang == Text.Lang.zh ? "：" : ": ";
            out.printf("%10s  %s%n", "", "· " + c.from() + " → " + c.to() + colon + c.cause().in(lang));
        } else if (e instanceof TraceEvent.Note n) {
            out.printf("%10s  %s%n", millis(n.timeNanos()), "· " + n.text().in(lang));
        }
        out.flush();
    }

    private void header() {
        headerDone = true;
        String seq = absolute ? "seq" : "seq(rel)", ack = absolute ? "ack" : "ack(rel)";
        if (lang == Text.Lang.zh) {
            // A Chinese character takes two columns on a terminal: Columns pads by columns.
            out.println(Columns.format(ROW, "时间 ms", "   ", Columns.flagsThenSeq("flags", seq), ack, "len", "win",
                    "我方状态", "选项 / 原因").stripTrailing());
        } else {
            row("time ms", "   ", Columns.flagsThenSeq("flags", seq), ack, "len", "win", "our state", "options / why");
        }
    }

    private void segment(TraceEvent.SegmentEvent e) {
        Segment s = e.segment();
        relative.observe(e.src(), e.dst(), s);
        scaling.observe(e.src(), s);
        long seq = absolute ? s.seq().value() : relative.seq(e.src(), s);
        long ack = absolute ? (s.flags().ack() ? s.ack().value() : -1) : relative.ack(e.dst(), s);
        List<String> extra = new ArrayList<>();
        for (TcpOption o : s.options()) {
            // Options are negotiated in the SYNs; after that only SACK blocks and oddities say something
            // (timestamps ride on every segment; --format json keeps them all).
            boolean worthShowing = s.flags().syn() || o instanceof TcpOption.Sack || o instanceof TcpOption.Unknown
                    || o instanceof TcpOption.Malformed;
            if (worthShowing && !(o instanceof TcpOption.Nop) && !(o instanceof TcpOption.EndOfList)) {
                extra.add(o.describe());
            }
        }
        String tail = String.join(",", extra);
        if (e.why() != null) {
            String why = lang == Text.Lang.zh ? "（" + e.why().zh() + "）" : "(" + e.why().en() + ")";
            tail = tail.isEmpty() ? why : tail + "  " + why;
        }
        row(millis(e.timeNanos()), e.lost() ? e.direction().lostArrow : e.direction().arrow,
                Columns.flagsThenSeq(s.flags(), seq), ack < 0 ? "-" : Long.toString(ack),
                s.payloadLength(), scaling.bytes(e.src(), e.dst(), s), e.state(), tail);
    }

    private void row(Object... cells) {
        out.println(String.format(ROW, cells).stripTrailing());
    }

    static String millis(long nanos) {
        return Millis.threeDecimals(nanos);
    }
}
