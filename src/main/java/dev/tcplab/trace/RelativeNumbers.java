package dev.tcplab.trace;

import dev.tcplab.wire.HostPort;
import dev.tcplab.wire.Segment;
import dev.tcplab.wire.SeqNum;
import java.util.HashMap;
import java.util.Map;

/**
 * Sequence numbers relative to each side's ISN, as Wireshark shows them: the SYN is seq 0, the
 * first data byte seq 1. A side whose SYN was not seen is numbered from its first segment.
 */
public final class RelativeNumbers {
    private final Map<HostPort, SeqNum> isn = new HashMap<>();

    /** Learns ISNs from a segment; call before {@link #seq} and {@link #ack} for it. */
    public void observe(HostPort src, HostPort dst, Segment s) {
        if (s.flags().syn()) {
            isn.put(src, s.seq());
        } else {
            isn.putIfAbsent(src, s.seq().plus(-1));
        }
        if (s.flags().ack() && !isn.containsKey(dst)) {
            isn.put(dst, s.ack().plus(-1));
        }
    }

    public long seq(HostPort src, Segment s) {
        SeqNum base = isn.get(src);
        return base == null ? s.seq().value() : Integer.toUnsignedLong(s.seq().minus(base));
    }

    /** The relative ack, or -1 when the ACK bit is clear (the field means nothing then). */
    public long ack(HostPort dst, Segment s) {
        if (!s.flags().ack()) {
            return -1;
        }
        SeqNum base = isn.get(dst);
        return base == null ? s.ack().value() : Integer.toUnsignedLong(s.ack().minus(base));
    }
}
