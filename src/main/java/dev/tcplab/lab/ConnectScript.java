package dev.tcplab.lab;

import dev.tcplab.endpoint.TcpConnection;
import dev.tcplab.endpoint.TcpState;
import dev.tcplab.text.Text;

/**
 * The application behind `tcplab connect`: open, send the payload once ESTABLISHED, wait for its
 * echo (or a short while), close, and wait until CLOSED (through TIME_WAIT when we closed first).
 * When the peer closes first it closes too, which is the passive close (CLOSE_WAIT → LAST_ACK).
 */
public final class ConnectScript implements LiveSession.Script {
    private final byte[] payload;
    private final int expectedBack;
    private final long echoWaitNanos;
    private final long holdNanos;
    private final boolean untilPeerCloses;
    private long readDelayNanos;
    /** Bytes a second our application reads once it reads (0: all that waits). */
    private long readRate;
    private ApplicationReading reading;
    private long echoedAt = -1;
    private long lastCount = -1;
    private long lastProgress;
    private boolean opened;
    private boolean sent;
    private long sentAt;
    private boolean closeCalled;

    /**
     * @param expectedBack    how many bytes should come back (the payload's length from an echo server)
     * @param echoWaitNanos   how long the echo may stall (no new bytes) before we close anyway
     * @param untilPeerCloses close only after the peer's FIN (a peer that sends a stream and closes)
     */
    public ConnectScript(byte[] payload, int expectedBack, long echoWaitNanos, long holdNanos,
                         boolean untilPeerCloses) {
        this.payload = payload;
        this.expectedBack = expectedBack;
        this.echoWaitNanos = echoWaitNanos;
        this.holdNanos = holdNanos;
        this.untilPeerCloses = untilPeerCloses;
    }

    /** The application reads nothing for this long after the handshake: the window it offers shrinks. */
    public ConnectScript readingLate(long nanos) {
        this.readDelayNanos = nanos;
        return this;
    }

    /** Once it reads, the application reads at most this many bytes a second, a little every tick. */
    public ConnectScript readingSlowly(long bytesPerSecond) {
        this.readRate = bytesPerSecond;
        return this;
    }

    @Override
    public boolean step(TcpConnection conn, LiveSession session) {
        if (!opened) {
            opened = true;
            reading = new ApplicationReading(readDelayNanos, readRate);
            reading.start(conn);
            conn.open();
            return false;
        }
        TcpState s = conn.state();
        if (s == TcpState.CLOSED) {
            return true;
        }
        reading.step(conn, session);
        if (!sent && s == TcpState.ESTABLISHED) {
            sent = true;
            sentAt = System.nanoTime();
            if (payload.length > 0) {
                conn.send(payload);
            }
        }
        if (sent && !closeCalled && untilPeerCloses) {
            if (conn.peerClosed()) {
                closeCalled = true;
                conn.close();
            }
            return false;
        }
        if (sent && !closeCalled) {
            long now = System.nanoTime();
            if (session.receivedCount() != lastCount) {
                lastCount = session.receivedCount();
                lastProgress = now;
            }
            boolean echoed = session.receivedCount() >= expectedBack && conn.unacknowledgedBytes() == 0;
            if (echoed && echoedAt < 0) {
                echoedAt = now; // not a fresh nanoTime(): "held" below compares with now
                if (holdNanos > 0) {
                    long ms = holdNanos / 1_000_000;
                    session.note(Text.of("holding the connection open, idle, for " + ms + " ms (--hold)",
                            "让连接保持打开、空闲 " + ms + " 毫秒（--hold）"));
                }
            }
            boolean held = echoed && now - echoedAt >= holdNanos;
            // Not while our application does not read: the echo stalls because our window is shut.
            boolean waitedEnough = now - Math.max(sentAt, lastProgress) > echoWaitNanos + holdNanos
                    && conn.unacknowledgedBytes() == 0 && !reading.held();
            if (held || waitedEnough || conn.peerClosed()) {
                if (!echoed) {
                    long ms = echoWaitNanos / 1_000_000;
                    session.note(conn.peerClosed()
                            ? Text.of("the peer closed before sending back everything", "对方在回送全部数据之前就关闭了")
                            : Text.of("no complete echo within " + ms + " ms; closing anyway",
                                    ms + " 毫秒内没有收到完整的回显；照样关闭"));
                }
                closeCalled = true;
                conn.close();
            }
        }
        return false;
    }
}
