package dev.tcplab.lab.exercises;

import dev.tcplab.trace.Direction;
import dev.tcplab.trace.TraceEvent;
import dev.tcplab.wire.Segment;
import dev.tcplab.wire.SeqNum;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one live run of an exercise left behind: its events in order (segments both ways with our
 * state after each, our state changes, the kernel's socket states as sock_diag reported them) and
 * where its capture is. The checks read only this, so that a doctored timeline can show that each
 * check fails when the behaviour it claims is absent.
 */
public final class Timeline {
    private static final String KERNEL_NOTE = "kernel peer's socket";
    private static final Pattern KERNEL_STATE = Pattern.compile("\\): (?:\\S+ → )?(\\S+)([^\\[]*)");

    private final List<TraceEvent> events;
    private final Path capture;

    public Timeline(List<TraceEvent> events, Path capture) {
        this.events = List.copyOf(events);
        this.capture = capture;
    }

    public List<TraceEvent> events() {
        return events;
    }

    public Path capture() {
        return capture;
    }

    public List<TraceEvent.SegmentEvent> segments() {
        List<TraceEvent.SegmentEvent> out = new ArrayList<>();
        for (TraceEvent e : events) {
            if (e instanceof TraceEvent.SegmentEvent s) {
                out.add(s);
            }
        }
        return out;
    }

    /** Segments that were on the wire (an outbound segment a fault dropped never was). */
    public List<TraceEvent.SegmentEvent> onWire(Direction d, Predicate<Segment> which) {
        List<TraceEvent.SegmentEvent> out = new ArrayList<>();
        for (TraceEvent.SegmentEvent s : segments()) {
            if (s.direction() == d && which.test(s.segment()) && !(s.lost() && d == Direction.OUT)) {
                out.add(s);
            }
        }
        return out;
    }

    public List<TraceEvent.SegmentEvent> out(Predicate<Segment> which) {
        return onWire(Direction.OUT, which);
    }

    public List<TraceEvent.SegmentEvent> in(Predicate<Segment> which) {
        return onWire(Direction.IN, which);
    }

    /** The ISN of a side: the seq of its first SYN, or null when it sent none. */
    public SeqNum isn(Direction d) {
        List<TraceEvent.SegmentEvent> syns = onWire(d, s -> s.flags().syn());
        return syns.isEmpty() ? null : syns.get(0).segment().seq();
    }

    /** A side's data, as the highest byte it sent: its retransmissions counted once, its FIN not; 0 without a SYN. */
    public long bytesSent(Direction d) {
        SeqNum isn = isn(d);
        if (isn == null) {
            return 0;
        }
        long end = 1;
        for (TraceEvent.SegmentEvent s : onWire(d, x -> x.payloadLength() > 0)) {
            end = Math.max(end, Exercise.rel(s.segment().seq().plus(s.segment().payloadLength()), isn));
        }
        return end - 1;
    }

    public List<TraceEvent.StateChange> stateChanges() {
        List<TraceEvent.StateChange> out = new ArrayList<>();
        for (TraceEvent e : events) {
            if (e instanceof TraceEvent.StateChange c) {
                out.add(c);
            }
        }
        return out;
    }

    /** When our endpoint entered a state, or -1 when it never did. */
    public long entered(String state) {
        for (TraceEvent.StateChange c : stateChanges()) {
            if (c.to().equals(state)) {
                return c.timeNanos();
            }
        }
        return -1;
    }

    /** The same run with some events taken out: for showing that a check fails without them. */
    public Timeline without(Predicate<TraceEvent> gone) {
        List<TraceEvent> kept = new ArrayList<>();
        for (TraceEvent e : events) {
            if (!gone.test(e)) {
                kept.add(e);
            }
        }
        return new Timeline(kept, capture);
    }

    /** The same run with events changed, e.g. a number moved or a kernel state renamed. */
    public Timeline map(java.util.function.UnaryOperator<TraceEvent> change) {
        List<TraceEvent> out = new ArrayList<>();
        for (TraceEvent e : events) {
            out.add(change.apply(e));
        }
        return new Timeline(out, capture);
    }

    /** The kernel peer's socket states in the order sock_diag saw them ("SYN-RECV", "ESTAB", …). */
    public List<KernelState> kernelStates() {
        List<KernelState> out = new ArrayList<>();
        for (TraceEvent e : events) {
            if (e instanceof TraceEvent.Note n && n.text().en().startsWith(KERNEL_NOTE)) {
                Matcher m = KERNEL_STATE.matcher(n.text().en());
                if (m.find()) {
                    out.add(new KernelState(n.timeNanos(), m.group(1), m.group(2).trim()));
                }
            }
        }
        return out;
    }

    /** @param detail what follows the state in ss's words, e.g. "timer:(timewait,59sec,0)" */
    public record KernelState(long timeNanos, String state, String detail) {
    }
}
