package dev.tcplab.analysis;

import dev.tcplab.text.Text;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Passes on only the segments that carry one of the events asked for ({@code analyze --events}) and the
 * connections that had such a segment, as a Wireshark display filter such as
 * {@code tcp.analysis.retransmission} shows only those packets. Remarks between segments and injected
 * faults are about segments it leaves out, so they go too; a segment's own remark goes with it.
 */
public final class EventSelection extends ForwardingSink {

    /**
     * What Wireshark's default colouring rule "Bad TCP" marks: {@code tcp.analysis.flags &&
     * !tcp.analysis.window_update && !tcp.analysis.keep_alive && !tcp.analysis.keep_alive_ack}. As in
     * Wireshark, a segment that is also a window update or a keep-alive is left out, whatever else it is.
     */
    public static final String BAD_TCP = "bad-tcp";

    private static final int WIRESHARKS;
    private static final int HARMLESS = Event.WINDOW_UPDATE.bit | Event.KEEP_ALIVE.bit | Event.KEEP_ALIVE_ACK.bit;

    static {
        int mask = 0;
        for (Event e : Event.ALL) {
            if (e.fromWireshark()) {
                mask |= e.bit;
            }
        }
        WIRESHARKS = mask;
    }

    /** Whether Wireshark's "Bad TCP" rule marks a segment with these events. */
    static boolean badTcp(int events) {
        return (events & WIRESHARKS) != 0 && (events & HARMLESS) == 0;
    }

    /** A mask of {@link Event}s. */
    private final int events;
    private final boolean badTcp;
    private final List<String> asked;
    /** Connections still open that had a segment passed on: memory grows with open connections only. */
    private final Set<Integer> connectionsWithOne = new HashSet<>();
    private long segmentsPassed;

    /**
     * @param names {@link Event#jsonName}s and {@link #BAD_TCP}
     * @throws IllegalArgumentException see {@link #check}
     */
    public EventSelection(AnalysisSink next, List<String> names) {
        super(next);
        check(names);
        int mask = 0;
        for (String name : names) {
            Event e = Event.named(name);
            mask |= e == null ? 0 : e.bit;
        }
        this.events = mask;
        this.badTcp = names.contains(BAD_TCP);
        this.asked = List.copyOf(names);
    }

    /** @throws IllegalArgumentException naming the first unknown name and the names there are */
    public static void check(List<String> names) {
        for (String name : names) {
            if (Event.named(name) == null && !name.equals(BAD_TCP)) {
                throw new IllegalArgumentException("no event is called '" + name + "'; the events are "
                        + String.join(", ", names()));
            }
        }
    }

    /** Every name it takes: the events' and {@link #BAD_TCP}. */
    public static List<String> names() {
        List<String> known = new ArrayList<>();
        for (Event e : Event.ALL) {
            known.add(e.jsonName);
        }
        known.add(BAD_TCP);
        return known;
    }

    @Override
    public void segment(AnalyzedSegment s) {
        if ((s.events() & events) != 0 || badTcp && badTcp(s.events())) {
            segmentsPassed++;
            connectionsWithOne.add(s.conn());
            next.segment(s);
        }
    }

    @Override
    public void connection(ConnectionSummary c) {
        if (connectionsWithOne.remove(c.conn())) {
            next.connection(c);
        }
    }

    @Override
    public void note(Text text) {
    }

    @Override
    public void injected(InjectedFault fault) {
    }

    /**
     * After the run: a sentence saying that no segment carried any of the events asked for, or null when
     * one did. A finding, not a mistake.
     */
    public String noneSeen() {
        if (segmentsPassed > 0) {
            return null;
        }
        return "no segment carries " + (asked.size() == 1 ? "the event " : "any of the events ") + String.join(", ", asked);
    }
}
