package dev.tcplab.lab;

import dev.tcplab.endpoint.TcpConnection;
import dev.tcplab.endpoint.TcpState;
import dev.tcplab.text.Text;
import java.util.Arrays;

/**
 * The application behind `tcplab listen`: a userspace echo server. It listens, echoes what
 * arrives, and closes once the client has closed (the passive close: CLOSE_WAIT, then our FIN and
 * LAST_ACK), optionally after a delay so that CLOSE_WAIT can be watched. It may read late or slowly
 * (--read-delay, --read-rate): it echoes what it has read, and the window it offers shrinks meanwhile.
 */
public final class ListenScript implements LiveSession.Script {
    private final long closeDelayNanos;
    private final ApplicationReading reading;
    private boolean started;
    private int echoed;
    private long peerClosedAt = -1;
    private boolean closeCalled;

    public ListenScript(long closeDelayNanos) {
        this(closeDelayNanos, 0, 0);
    }

    /** An application that reads nothing for {@code readDelayNanos}, then {@code readRate} bytes a second. */
    public ListenScript(long closeDelayNanos, long readDelayNanos, long readRate) {
        this.closeDelayNanos = closeDelayNanos;
        this.reading = new ApplicationReading(readDelayNanos, readRate);
    }

    @Override
    public boolean step(TcpConnection conn, LiveSession session) {
        if (!started) {
            started = true; // still in LISTEN: nothing has arrived that could have been read
            reading.start(conn);
        }
        TcpState s = conn.state();
        if (s == TcpState.CLOSED) {
            return true;
        }
        reading.step(conn, session);
        // What has arrived in order and our application has read (a late or slow one leaves some unread).
        long read = session.receivedCount() - conn.unreadBytes();
        if (read > echoed && (s == TcpState.ESTABLISHED || s == TcpState.CLOSE_WAIT)) {
            byte[] all = session.received();
            int upTo = (int) Math.min(read, all.length);
            conn.send(Arrays.copyOfRange(all, echoed, upTo));
            echoed = upTo;
        }
        if (conn.peerClosed() && peerClosedAt < 0) {
            peerClosedAt = System.nanoTime();
            if (closeDelayNanos > 0) {
                long ms = closeDelayNanos / 1_000_000;
                session.note(Text.of("the client closed; our application waits " + ms + " ms before closing (CLOSE_WAIT)",
                        "客户端已关闭；我们的应用程序等 " + ms + " 毫秒再关闭（CLOSE_WAIT）"));
            }
        }
        // Our FIN only once everything has been read and echoed: a slow reader's close waits for its reading.
        if (!closeCalled && peerClosedAt >= 0 && System.nanoTime() - peerClosedAt >= closeDelayNanos
                && conn.unreadBytes() == 0) {
            closeCalled = true;
            conn.close();
        }
        return false;
    }
}
