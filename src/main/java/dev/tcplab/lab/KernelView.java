package dev.tcplab.lab;

import dev.tcplab.endpoint.TcpConnection;
import dev.tcplab.endpoint.TcpState;
import dev.tcplab.netns.KernelSockets;
import dev.tcplab.netns.SockDiag;
import dev.tcplab.text.Text;
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

    /** Where the kernel peer's socket table is read. */
    interface Lookup {
        /** The kernel's socket {@code local} (its side) ↔ {@code remote} (ours), or state "none". */
        KernelSockets.Socket find(HostPort local, HostPort remote);

        /** For the timeline: "sock_diag in tcplab-…-peer", … */
        Text where();

        /** Microseconds a question, so it may be asked between our state changes too. */
        default boolean cheap() {
            return false;
        }
    }

    /** The lab network's peer namespace: sock_diag there, or `ss` when sock_diag is missing. */
    static Lookup inNamespace(String ns, SockDiag diag) {
        return new Lookup() {
            @Override
            public KernelSockets.Socket find(HostPort local, HostPort remote) {
                return diag == null ? KernelSockets.find(ns, remote.toString())
                        : diag.find(local.ipv4(), local.port(), remote.ipv4(), remote.port());
            }

            @Override
            public Text where() {
                String tool = diag != null ? "sock_diag" : "ss -tano";
                return Text.of(tool + " in " + ns, ns + " 中的 " + tool);
            }

            @Override
            public boolean cheap() {
                return diag != null;
            }
        };
    }

    private final LiveSession.Script inner;
    private final Lookup lookup;
    private final HostPort us;
    private final HostPort peer;
    private final Set<TcpState> recordAt;
    private final Map<TcpState, String> seen = new LinkedHashMap<>();
    private TcpState last = TcpState.CLOSED;
    private String lastKernel = "";
    private long lastLook;

    KernelView(LiveSession.Script inner, Lookup lookup, HostPort us, HostPort peer, Set<TcpState> recordAt) {
        this.inner = inner;
        this.lookup = lookup;
        this.us = us;
        this.peer = peer;
        this.recordAt = recordAt;
    }

    @Override
    public boolean step(TcpConnection conn, LiveSession session) {
        return inner.step(conn, session);
    }

    /** Looks once our segments of this step have left, so that asking never delays them. */
    @Override
    public void afterSend(TcpConnection conn, LiveSession session) {
        inner.afterSend(conn, session);
        TcpState now = conn.state();
        boolean changed = now != last;
        // Not in SYN_SENT: the SYN+ACK is microseconds away, and our reaction to it is what a
        // student measures; the first question of a run is the slowest (cold code).
        boolean due = changed || (lookup.cheap() && System.nanoTime() - lastLook > RECHECK_NANOS);
        if (due && now != TcpState.SYN_SENT) {
            look(now, changed, session, conn.remotePort());
        }
        last = now;
    }

    private void look(TcpState ours, boolean ourStateChanged, LiveSession session, int peerPort) {
        lastLook = System.nanoTime();
        long askedAt = session.now(); // frames that arrive while the kernel answers come after it in the ladder
        KernelSockets.Socket s = find(peerPort);
        if (!s.state().equals(lastKernel) || (!lookup.cheap() && ourStateChanged)) {
            String change = (lastKernel.isEmpty() || lastKernel.equals(s.state()) ? "" : lastKernel + " → ") + s.describe();
            Text where = lookup.where();
            session.noteAt(askedAt, Text.of("kernel peer's socket (" + where.en() + "): " + change + "  [ours: " + ours + "]",
                    "内核对端的套接字（" + where.zh() + "）：" + change + "  [我方：" + ours + "]"));
            lastKernel = s.state();
        }
        if (ourStateChanged && recordAt.contains(ours) && !seen.containsKey(ours)) {
            seen.put(ours, s.state());
        }
    }

    /** @param peerPort the kernel's port: fixed for an active open, learned from its SYN for a passive one */
    private KernelSockets.Socket find(int peerPort) {
        if (peerPort == 0) {
            return new KernelSockets.Socket("none", "", us.toString(), ""); // no SYN from it yet
        }
        return lookup.find(new HostPort(peer.addr(), peerPort), us);
    }

    /** The kernel's state when ours entered each recorded state. */
    Map<TcpState, String> answers() {
        return seen;
    }
}
