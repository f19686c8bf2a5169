package dev.tcplab.lab;

import dev.tcplab.endpoint.TcpConnection;
import dev.tcplab.endpoint.TcpState;

/**
 * The application behind `tcplab connect`: open, send the payload once ESTABLISHED, wait for its
 * echo (or a short while), close, and wait until CLOSED (through TIME_WAIT when we closed first).
 * When the peer closes first it closes too, which is the passive close (CLOSE_WAIT → LAST_ACK).
 */
public final class ConnectScript implements LiveSession.Script {
    private final byte[] payload;
    private final long echoWaitNanos;
    private final long holdNanos;
    private long echoedAt = -1;
    private boolean opened;
    private boolean sent;
    private long sentAt;
    private boolean closeCalled;

    public ConnectScript(byte[] payload, long echoWaitNanos, long holdNanos) {
        this.payload = payload;
        this.echoWaitNanos = echoWaitNanos;
        this.holdNanos = holdNanos;
    }

    @Override
    public boolean step(TcpConnection conn, LiveSession session) {
        if (!opened) {
            opened = true;
            conn.open();
            return false;
        }
        TcpState s = conn.state();
        if (s == TcpState.CLOSED) {
            return true;
        }
        if (!sent && s == TcpState.ESTABLISHED) {
            sent = true;
            sentAt = System.nanoTime();
            if (payload.length > 0) {
                conn.send(payload);
            }
        }
        if (sent && !closeCalled) {
            boolean echoed = session.received().length >= payload.length && conn.unacknowledgedBytes() == 0;
            if (echoed && echoedAt < 0) {
                echoedAt = System.nanoTime();
                if (holdNanos > 0) {
                    session.note("holding the connection open, idle, for " + holdNanos / 1_000_000 + " ms (--hold)");
                }
            }
            boolean held = echoed && System.nanoTime() - echoedAt >= holdNanos;
            boolean waitedEnough = System.nanoTime() - sentAt > echoWaitNanos + holdNanos;
            if (held || waitedEnough || conn.peerClosed()) {
                if (!echoed) {
                    session.note(conn.peerClosed() ? "the peer closed before echoing everything"
                            : "no complete echo within " + echoWaitNanos / 1_000_000 + " ms; closing anyway");
                }
                closeCalled = true;
                conn.close();
            }
        }
        return false;
    }
}
