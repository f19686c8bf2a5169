package dev.tcplab.lab;

import dev.tcplab.endpoint.TcpConnection;
import dev.tcplab.endpoint.TcpState;
import dev.tcplab.text.Text;
import java.util.Arrays;

/**
 * The application behind `tcplab listen`: a userspace echo server. It listens, echoes what
 * arrives, and closes once the client has closed (the passive close: CLOSE_WAIT, then our FIN and
 * LAST_ACK), optionally after a delay so that CLOSE_WAIT can be watched.
 */
public final class ListenScript implements LiveSession.Script {
    private final long closeDelayNanos;
    private int echoed;
    private long peerClosedAt = -1;
    private boolean closeCalled;

    public ListenScript(long closeDelayNanos) {
        this.closeDelayNanos = closeDelayNanos;
    }

    @Override
    public boolean step(TcpConnection conn, LiveSession session) {
        TcpState s = conn.state();
        if (s == TcpState.CLOSED) {
            return true;
        }
        byte[] all = session.received();
        if (all.length > echoed && (s == TcpState.ESTABLISHED || s == TcpState.CLOSE_WAIT)) {
            conn.send(Arrays.copyOfRange(all, echoed, all.length));
            echoed = all.length;
        }
        if (conn.peerClosed() && peerClosedAt < 0) {
            peerClosedAt = System.nanoTime();
            if (closeDelayNanos > 0) {
                long ms = closeDelayNanos / 1_000_000;
                session.note(Text.of("the client closed; our application waits " + ms + " ms before closing (CLOSE_WAIT)",
                        "客户端已关闭；我们的应用程序等 " + ms + " 毫秒再关闭（CLOSE_WAIT）"));
            }
        }
        if (!closeCalled && peerClosedAt >= 0 && System.nanoTime() - peerClosedAt >= closeDelayNanos) {
            closeCalled = true;
            conn.close();
        }
        return false;
    }
}
