package dev.tcplab.lab;

import dev.tcplab.endpoint.TcpConnection;
import dev.tcplab.endpoint.TcpState;
import dev.tcplab.netns.KernelSockets;
import dev.tcplab.netns.SockDiag;
import dev.tcplab.wire.HostPort;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Wraps a script to watch the kernel peer's own socket state beside ours and write each change of
 * it into the timeline, at the step where it happened. With sock_diag (microseconds a question) it
 * looks after every step, at most every 5 ms between our own state changes; with `ss` as the
 * fallback (~30 ms a question, which blocks the loop) only when our state changes.
 */
final class KernelView implements LiveSession.Script {
    private static final long RECHECK_NANOS = 5_000_000L;

    private final LiveSession.Script inner;
    private final String peerNamespace;
    private final HostPort us;
    private final Set<TcpState> recordAt;
    private final SockDiag diag;
    private final Map<TcpState, String> seen = new LinkedHashMap<>();
    private TcpState last = TcpState.CLOSED;
    private String lastKernel = "";
    private long lastLook;

    /** @param diag sock_diag in the peer namespace, or null to ask `ss` */
    KernelView(LiveSession.Script inner, String peerNamespace, HostPort us, Set<TcpState> recordAt, SockDiag diag) {
        this.inner = inner;
        this.peerNamespace = peerNamespace;
        this.us = us;
        this.recordAt = recordAt;
        this.diag = diag;
    }

    @Override
    public boolean step(TcpConnection conn, LiveSession session) {
        boolean done = inner.step(conn, session);
        TcpState now = conn.state();
        boolean changed = now != last;
        if (changed || (diag != null && System.nanoTime() - lastLook > RECHECK_NANOS)) {
            look(now, changed, session);
        }
        last = now;
        return done;
    }

    private void look(TcpState ours, boolean ourStateChanged, LiveSession session) {
        lastLook = System.nanoTime();
        KernelSockets.Socket s = find();
        if (!s.state().equals(lastKernel) || (diag == null && ourStateChanged)) {
            session.note("kernel peer's socket (" + (diag != null ? "sock_diag" : "ss -tano") + " in " + peerNamespace
                    + "): " + (lastKernel.isEmpty() || lastKernel.equals(s.state()) ? "" : lastKernel + " → ")
                    + s.describe() + "  [ours: " + ours + "]");
            lastKernel = s.state();
        }
        if (ourStateChanged && recordAt.contains(ours) && !seen.containsKey(ours)) {
            seen.put(ours, s.state());
        }
    }

    private KernelSockets.Socket find() {
        if (diag == null) {
            return KernelSockets.find(peerNamespace, us.toString());
        }
        for (KernelSockets.Socket s : diag.tcpSockets()) {
            if (s.peer().equals(us.toString())) {
                return s;
            }
        }
        return new KernelSockets.Socket("none", "", us.toString(), "");
    }

    /** The kernel's state when ours entered each recorded state. */
    Map<TcpState, String> answers() {
        return seen;
    }
}
