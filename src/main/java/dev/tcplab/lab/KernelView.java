package dev.tcplab.lab;

import dev.tcplab.endpoint.TcpConnection;
import dev.tcplab.endpoint.TcpState;
import dev.tcplab.netns.KernelSockets;
import dev.tcplab.wire.HostPort;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Wraps a script to ask the kernel peer, at chosen moments, what state its socket is in (`ss` in
 * the peer namespace), and write the answer into the timeline: the kernel's own view beside ours.
 * Each question costs a few milliseconds, so it is asked only when our state enters one of
 * {@code askAt}, after the segments of that moment have left.
 */
final class KernelView implements LiveSession.Script {
    private final LiveSession.Script inner;
    private final String peerNamespace;
    private final HostPort us;
    private final Set<TcpState> askAt;
    private final Map<TcpState, String> seen = new LinkedHashMap<>();
    private TcpState last = TcpState.CLOSED;

    KernelView(LiveSession.Script inner, String peerNamespace, HostPort us, Set<TcpState> askAt) {
        this.inner = inner;
        this.peerNamespace = peerNamespace;
        this.us = us;
        this.askAt = askAt;
    }

    @Override
    public boolean step(TcpConnection conn, LiveSession session) {
        boolean done = inner.step(conn, session);
        TcpState now = conn.state();
        if (now != last && askAt.contains(now) && !seen.containsKey(now)) {
            ask(now, session);
        }
        last = now;
        return done;
    }

    /** Asks now and records the answer under our state {@code when}. */
    String ask(TcpState when, LiveSession session) {
        KernelSockets.Socket s = KernelSockets.find(peerNamespace, us.toString());
        seen.put(when, s.state());
        session.note("kernel peer's socket (ss -tano in " + peerNamespace + "): " + s.describe() + "  [ours: " + when
                + "]");
        return s.state();
    }

    /** The kernel's answers, keyed by our state when asked. */
    Map<TcpState, String> answers() {
        return seen;
    }
}
