package dev.tcplab.trace;

import dev.tcplab.wire.HostPort;
import dev.tcplab.wire.Segment;
import dev.tcplab.wire.TcpOption;
import java.util.HashMap;
import java.util.Map;

/**
 * Window sizes as Wireshark shows them: the field shifted by its sender's window scale, once the
 * handshake showed that both sides offered one (RFC 7323 §2.2). SYN windows are never scaled; a
 * side whose SYN was not seen is shown unscaled.
 */
public final class WindowScaling {
    private final Map<HostPort, Integer> shift = new HashMap<>();

    /** Learns from a segment; call before {@link #bytes} for it. */
    public void observe(HostPort src, Segment s) {
        if (s.flags().syn()) {
            s.option(TcpOption.WindowScale.class).ifPresent(w -> shift.put(src, Math.min(14, w.shift())));
        }
    }

    /** The window in bytes that this segment's field announces. */
    public long bytes(HostPort src, HostPort dst, Segment s) {
        boolean agreed = shift.containsKey(src) && shift.containsKey(dst);
        if (s.flags().syn() || !agreed) {
            return s.window();
        }
        return (long) s.window() << shift.get(src);
    }
}
