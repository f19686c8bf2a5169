package dev.tcplab.trace;

import dev.tcplab.text.Text;
import dev.tcplab.wire.HostPort;
import dev.tcplab.wire.Segment;

/**
 * One line of a run's timeline. Times are nanoseconds since the run started. Reasons and remarks are
 * {@link Text}s: each renderer shows them in the language it was asked for (JSON always in English).
 */
public sealed interface TraceEvent {

    long timeNanos();

    /**
     * A segment on the wire.
     *
     * @param state the userspace endpoint's state once the segment was sent or processed
     * @param why   what caused it when that is not ordinary (a retransmission, a challenge ACK, an
     *              injected fault), else null
     * @param lost  an injected fault dropped it: outbound, it never reached the wire; inbound, the
     *              endpoint never saw it
     */
    record SegmentEvent(long timeNanos, Direction direction, HostPort src, HostPort dst, Segment segment,
                        String state, Text why, boolean lost) implements TraceEvent {
        public SegmentEvent(long timeNanos, Direction direction, HostPort src, HostPort dst, Segment segment,
                            String state, Text why) {
            this(timeNanos, direction, src, dst, segment, state, why, false);
        }
    }

    /** The endpoint moved from one state to another, and why (in the words of the RFC and the seed). */
    record StateChange(long timeNanos, String from, String to, Text cause) implements TraceEvent {
    }

    /** A remark: timers, the kernel peer's doings, what the run did next. */
    record Note(long timeNanos, Text text) implements TraceEvent {
    }
}
