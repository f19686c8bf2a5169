package dev.tcplab.analysis;

import dev.tcplab.text.Text;
import dev.tcplab.trace.LadderPicture;
import dev.tcplab.wire.Flags;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects a capture's connections as ladder pictures (client on the left, server on the right,
 * both inferred states). Pictures are for people: beyond {@link #MAX_CONNECTIONS} connections,
 * {@link #MAX_STEPS} segments in one or {@link #MAX_TOTAL_STEPS} in all, the rest is left out and the
 * title says so. With events asked
 * for, only the connections that had one are drawn, whole: a ladder of some of a connection's
 * segments would not be one.
 */
public final class Pictures implements AnalysisSink {
    public static final int MAX_CONNECTIONS = 200, MAX_STEPS = LadderPicture.MAX_STEPS;
    /**
     * Segments in all the pictures of one page: more than anyone steps through, and what the page's text
     * fits in the heap the launcher gives `analyze` (200 bulk transfers of 2,000 segments each ran it out).
     */
    public static final int MAX_TOTAL_STEPS = 20_000;
    /** Ends a keep-alive probe's label; the next probe's bracket, an interval rather than the idle time, looks for it. */
    private static final String KEEP_ALIVE_TAG = "  (keep-alive)", ZERO_WINDOW_PROBE_TAG = "  (zero-window probe)";
    private static final Text NEVER_ON_THE_WIRE = Text.of("it never reached the wire", "它没有到达线路");
    /** A keepalive's timers: the idle time before the first probe, the interval before each next one. */
    private static final Text IDLE = Text.of("idle ", "空闲 "), INTERVAL = Text.of("interval ", "间隔 "),
            PERSIST = Text.of("persist ", "持续 ");

    /** {@code isn}: each side's first sequence number, client then server, to number a dropped segment as the rest. */
    private record Drawing(String client, String server, List<LadderPicture.Step> steps, String[] lastStates,
                           int[] leftOut, List<LadderPicture.Timer> timers, Map<String, Integer> firstSent,
                           int[] timeWaitFrom, long[] isn, boolean[] hadAnEventAskedFor, int[] persistFrom) {
    }

    private final Text.Lang lang;
    /** The events a connection must have had to be drawn, or null for every connection. */
    private final EventChoice onlyWith;
    private final Map<Integer, Drawing> drawings = new LinkedHashMap<>();
    /** Each drawn connection's summary in one line, for a page's picker: once it is over. */
    private final Map<Integer, String> gists = new HashMap<>();
    private int connectionsLeftOut, lastConnLeftOut;
    /** Steps in the drawings kept, towards {@link #MAX_TOTAL_STEPS}. */
    private int stepsDrawn;
    /** The drawing the last segment went into, or null when it was left out: a fault found on it marks it. */
    private Drawing last;
    /** The capture's clock less the time since its first packet: places a segment that never reached the wire. */
    private long epochOffset;

    /** Pictures whose step-through explains each segment in {@code lang}; what they draw stays as named. */
    public Pictures(Text.Lang lang) {
        this(lang, null);
    }

    /** Only of the connections that had a segment {@code onlyWith} matches (null: of every connection). */
    public Pictures(Text.Lang lang, EventChoice onlyWith) {
        this.lang = lang;
        this.onlyWith = onlyWith;
    }

    public Pictures() {
        this(Text.Lang.en);
    }

    @Override
    public void segment(AnalyzedSegment a) {
        Drawing d = drawings.get(a.conn());
        if (d == null) {
            // With events asked for, a connection that had none is dropped when it ends, making room again;
            // one left out here may have been such a connection.
            if (drawings.size() >= MAX_CONNECTIONS || stepsDrawn >= MAX_TOTAL_STEPS) {
                // Connections are numbered as they open, so a number above every one left out so far is a new one.
                if (a.conn() > lastConnLeftOut) {
                    connectionsLeftOut++;
                    lastConnLeftOut = a.conn();
                }
                last = null;
                return;
            }
            String client = (a.fromClient() ? a.src() : a.dst()).toString();
            String server = (a.fromClient() ? a.dst() : a.src()).toString();
            d = new Drawing(client, server, new ArrayList<>(), new String[2], new int[1], new ArrayList<>(),
                    new java.util.HashMap<>(), new int[] {-1, -1}, new long[2], new boolean[1], new int[] {-1, -1});
            drawings.put(a.conn(), d);
        }
        if (onlyWith != null && onlyWith.matches(a.events())) {
            d.hadAnEventAskedFor()[0] = true;
        }
        last = null;
        if (d.steps().size() >= MAX_STEPS || stepsDrawn >= MAX_TOTAL_STEPS) {
            d.leftOut()[0]++;
            return;
        }
        stepsDrawn++;
        last = d;
        epochOffset = a.epochNanos() - a.timeNanos();
        d.isn()[a.fromClient() ? 0 : 1] = (a.seqAbs() - a.seq()) & 0xffffffffL;
        String clientState = (a.fromClient() ? a.stateSrc() : a.stateDst()).name();
        String serverState = (a.fromClient() ? a.stateDst() : a.stateSrc()).name();
        String left = clientState.equals(d.lastStates()[0]) ? null : clientState;
        String right = serverState.equals(d.lastStates()[1]) ? null : serverState;
        d.lastStates()[0] = clientState;
        d.lastStates()[1] = serverState;
        String label = a.segment().flags() + " seq=" + a.seq() + (a.ack() >= 0 ? " ack=" + a.ack() : "")
                + (a.length() > 0 ? " len=" + a.length() : "")
                // Only the description says what a keep-alive is: the picture would show a plain ACK. Into a
                // shut window, Linux's zero-window probe has a keep-alive's shape: named for what it is.
                + (a.has(Event.KEEP_ALIVE) && d.persistFrom()[a.fromClient() ? 0 : 1] >= 0 ? ZERO_WINDOW_PROBE_TAG
                : a.has(Event.KEEP_ALIVE) ? KEEP_ALIVE_TAG : a.has(Event.KEEP_ALIVE_ACK) ? "  (keep-alive ACK)" : "");
        List<String> explained = new ArrayList<>();
        for (Event e : Event.of(a.events())) {
            explained.add(e.description.in(lang));
        }
        if (a.note() != null) {
            explained.add(a.note().in(lang));
        }
        // A simultaneous open's SYN+ACK repeats its side's SYN number (a retransmission to Wireshark) but is an answer.
        boolean answersCrossingSyn = a.segment().flags().syn() && a.segment().flags().ack()
                && d.firstSent().containsKey(sentKey(a.fromClient(), a.seq(), Flags.SYN));
        boolean again = (a.has(Event.RETRANSMISSION) || a.has(Event.SPURIOUS_RETRANSMISSION)) && !answersCrossingSyn;
        timers(d, a, left, right);
        d.steps().add(new LadderPicture.Step(a.timeNanos(), a.fromClient(), label, "frame " + a.frame() + ": seq "
                + a.seqAbs() + ", ack " + a.ackAbs() + ", window " + a.window(), left, right, false, again,
                String.join("; ", explained)));
    }

    /** A segment's side, sequence number and flags: what a copy of it has again. */
    private static String sentKey(boolean fromClient, long seq, Flags flags) {
        return (fromClient ? "c" : "s") + seq + "/" + flags.bits();
    }

    /**
     * The timers this segment shows: a retransmission's RTO, a keepalive's idle time, a zero-window probe's
     * wait, TIME_WAIT's start.
     */
    private void timers(Drawing d, AnalyzedSegment a, String left, String right) {
        int index = d.steps().size();
        String key = sentKey(a.fromClient(), a.seq(), a.segment().flags());
        Integer first = d.firstSent().putIfAbsent(key, index);
        if (a.has(Event.RETRANSMISSION) && !a.has(Event.FAST_RETRANSMISSION) && first != null) {
            d.timers().add(new LadderPicture.Timer(first, index, a.fromClient(), "RTO " + seconds(a.timeNanos()
                    - d.steps().get(first).timeNanos())));
            d.firstSent().put(key, index); // the next RTO runs from this copy: the doubling shows
        }
        // The persist timer: from the other side's zero window to the first probe, then probe to probe (the
        // doubling shows). A window above zero stops it. Linux's probes are keep-alives to Wireshark: while
        // the window is shut, their wait is the persist timer's, not a keep-alive's idle time.
        int prober = a.fromClient() ? 0 : 1;
        boolean windowShut = d.persistFrom()[prober] >= 0;
        if ((a.has(Event.ZERO_WINDOW_PROBE) || a.has(Event.KEEP_ALIVE)) && windowShut) {
            d.timers().add(new LadderPicture.Timer(d.persistFrom()[prober], index, a.fromClient(),
                    PERSIST.in(lang) + seconds(a.timeNanos() - d.steps().get(d.persistFrom()[prober]).timeNanos())));
            d.persistFrom()[prober] = index;
        }
        if (a.has(Event.ZERO_WINDOW) && d.persistFrom()[1 - prober] < 0) {
            d.persistFrom()[1 - prober] = index;
        } else if (a.window() > 0) {
            d.persistFrom()[1 - prober] = -1;
        }
        if (a.has(Event.KEEP_ALIVE) && index > 0 && !windowShut) {
            // The first probe follows the idle time (TCP_KEEPIDLE); the next ones the interval (TCP_KEEPINTVL).
            LadderPicture.Step before = d.steps().get(index - 1);
            boolean afterAProbe = before.leftToRight() == a.fromClient() && before.label().endsWith(KEEP_ALIVE_TAG);
            d.timers().add(new LadderPicture.Timer(index - 1, index, a.fromClient(),
                    (afterAProbe ? INTERVAL : IDLE).in(lang) + seconds(a.timeNanos() - before.timeNanos())));
        }
        // A FIN again in TIME_WAIT: the side ACKs it again and its 2MSL starts over (as the live picture draws it).
        int waiting = a.fromClient() ? 1 : 0;
        if (a.has(Event.FIN_IN_TIME_WAIT) && d.timeWaitFrom()[waiting] >= 0) {
            d.timers().add(new LadderPicture.Timer(d.timeWaitFrom()[waiting], index, waiting == 0,
                    LadderPicture.Timer.RESTARTED.in(lang)));
            d.timeWaitFrom()[waiting] = index;
        }
        if ("TIME_WAIT".equals(left)) {
            d.timeWaitFrom()[0] = index;
        }
        if ("TIME_WAIT".equals(right)) {
            d.timeWaitFrom()[1] = index;
        }
    }

    @Override
    public void connection(ConnectionSummary c) {
        Drawing d = drawings.get(c.conn());
        if (d != null && onlyWith != null && !d.hadAnEventAskedFor()[0]) {
            drawings.remove(c.conn());
            stepsDrawn -= d.steps().size();
        } else if (d != null) {
            gists.put(c.conn(), SummaryTable.inOneLine(c, lang));
        }
    }

    /**
     * A live run's fault, drawn as its live picture draws it: a segment dropped either way is crossed
     * out, one dropped on its way out (not in the capture) added where it would have been.
     */
    @Override
    public void injected(InjectedFault f) {
        if (f.neverOnTheWire()) {
            Drawing on = null; // the latest connection on the tuple: a reused one may have been drawn before it
            for (Drawing d : drawings.values()) {
                if (d.client().equals(f.src()) && d.server().equals(f.dst()) || d.server().equals(f.src()) && d.client().equals(f.dst())) {
                    on = d;
                }
            }
            if (on != null && on.steps().size() < MAX_STEPS && stepsDrawn < MAX_TOTAL_STEPS) {
                stepsDrawn++;
                boolean fromClient = on.client().equals(f.src());
                on.steps().add(new LadderPicture.Step(f.epochNanos() - epochOffset, fromClient, dropped(on, f, fromClient),
                        "dropped by " + f.rule() + " before the wire: seq " + f.seqAbs() + ", ack " + f.ackAbs(), null,
                        null, true, false, f.injectedBy().in(lang) + NEVER_ON_THE_WIRE.in(lang)));
            }
            return;
        }
        if (last == null) {
            return;
        }
        List<LadderPicture.Step> steps = last.steps();
        LadderPicture.Step s = steps.get(steps.size() - 1);
        steps.set(steps.size() - 1, new LadderPicture.Step(s.timeNanos(), s.leftToRight(), s.label(), s.absolute(),
                s.leftState(), s.rightState(), s.lost() || f.action().equals("drop"), s.retransmission(),
                (s.explanation().isEmpty() ? "" : s.explanation() + "; ") + f.injectedBy().in(lang) + f.whatItDid().in(lang)));
    }

    /** The label of a dropped outbound segment, numbered relative to each side's ISN as the others are. */
    private static String dropped(Drawing d, InjectedFault f, boolean fromClient) {
        long seq = (f.seqAbs() - d.isn()[fromClient ? 0 : 1]) & 0xffffffffL;
        long ack = (f.ackAbs() - d.isn()[fromClient ? 1 : 0]) & 0xffffffffL;
        return f.flags() + " seq=" + seq + (f.flags().contains("ACK") ? " ack=" + ack : "");
    }

    public List<LadderPicture> pictures() {
        List<LadderPicture> out = new ArrayList<>();
        boolean zh = lang == Text.Lang.zh;
        drawings.forEach((conn, d) -> {
            int drawn = d.steps().size();
            long all = drawn + d.leftOut()[0];
            String title = zh ? "连接 " + conn + "：" + d.client() + " → " + d.server()
                    + (d.leftOut()[0] > 0 ? "（共 " + all + " 个报文段，只画前 " + drawn + " 个）" : "")
                    : "conn " + conn + ": " + d.client() + " → " + d.server()
                    + (d.leftOut()[0] > 0 ? " (first " + drawn + " segments of " + all + ")" : "");
            out.add(new LadderPicture(title, (zh ? "客户端 " : "client ") + d.client(), (zh ? "服务器 " : "server ") + d.server(),
                    List.copyOf(d.steps()), withTimeWait(d), gists.getOrDefault(conn, "")));
        });
        return out;
    }

    static String seconds(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f s", nanos / 1e9);
    }

    /** Each side's TIME_WAIT, as {@link LadderPicture.Timer#timeWait} draws it. */
    private List<LadderPicture.Timer> withTimeWait(Drawing d) {
        List<LadderPicture.Timer> all = new ArrayList<>(d.timers());
        for (int side = 0; side < 2; side++) {
            if (d.timeWaitFrom()[side] >= 0) {
                all.add(LadderPicture.Timer.timeWait(d.steps(), d.timeWaitFrom()[side], side == 0, lang));
            }
        }
        return all;
    }

    public int connectionsLeftOut() {
        return connectionsLeftOut;
    }

    /** Segments beyond {@link #MAX_STEPS} in the connections drawn, all together. */
    public long segmentsLeftOut() {
        long n = 0;
        for (Drawing d : drawings.values()) {
            n += d.leftOut()[0];
        }
        return n;
    }
}
