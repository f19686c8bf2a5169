package dev.tcplab.lab;

import dev.tcplab.analysis.RecordedConversation;
import dev.tcplab.endpoint.TcpConnection;
import dev.tcplab.endpoint.TcpState;
import dev.tcplab.text.Text;

/**
 * The application behind `tcplab replay --live`: plays the recorded client of one connection.
 * It opens, sends each recorded piece of data in its turn (once the live peer has sent as many
 * bytes as the recorded server had at that point, or after waiting {@code responseWaitNanos} for
 * them), and closes first or second as the recorded client did, after staying idle as long as it did
 * ({@code idleNanos}, when the caller re-enacts that). A client that never closed waits that much
 * longer for the peer to end the connection before it closes. Sequence numbers need no
 * re-basing by hand: the endpoint numbers from its own live ISN, as the kernel does from its own.
 */
public final class ReplayScript implements LiveSession.Script {
    private final RecordedConversation recording;
    private final long responseWaitNanos;
    private final long idleNanos;
    private final int probesBeforeClose;
    private final long afterProbesNanos;
    private boolean opened;
    private int next;
    private long waitingSince = -1;
    private long allSentAt = -1;
    private long turnCameAt = -1;
    private long probesDoneAt = -1;
    private boolean closeCalled;
    private ApplicationReading reading = new ApplicationReading(0, 0);

    /**
     * {@code idleNanos}: how long to stay idle, once the turn to close has come, before closing; or, when the
     * recorded client sent no FIN, how much longer to wait for the peer to end the connection.
     * {@code probesBeforeClose}: when above 0, our keep-alive re-enacts the recorded client's, and the idle
     * time is counted in its probes instead: close {@code afterProbesNanos} after that many were sent. (Two
     * clocks, the idle time's and the probes' timer, would race where the recording closed just before a
     * next probe.)
     */
    public ReplayScript(RecordedConversation recording, long responseWaitNanos, long idleNanos, int probesBeforeClose,
                        long afterProbesNanos) {
        this.recording = recording;
        this.responseWaitNanos = responseWaitNanos;
        this.idleNanos = idleNanos;
        this.probesBeforeClose = probesBeforeClose;
        this.afterProbesNanos = afterProbesNanos;
    }

    /**
     * The re-enacted client's application reads late or slowly (--read-delay, --read-rate), as a recorded one
     * whose window shut did; it closes only once it has read everything.
     */
    public ReplayScript reading(long delayNanos, long bytesPerSecond) {
        this.reading = new ApplicationReading(delayNanos, bytesPerSecond);
        return this;
    }

    @Override
    public boolean step(TcpConnection conn, LiveSession session) {
        if (!opened) {
            opened = true;
            reading.start(conn);
            conn.open();
            return false;
        }
        TcpState s = conn.state();
        if (s == TcpState.CLOSED) {
            return true;
        }
        reading.step(conn, session);
        if (s != TcpState.ESTABLISHED && s != TcpState.CLOSE_WAIT || closeCalled) {
            return false;
        }
        long now = System.nanoTime();
        while (next < recording.chunks().size()) {
            RecordedConversation.Chunk c = recording.chunks().get(next);
            if (session.receivedCount() < c.serverBytesBefore() && !conn.peerClosed()) {
                if (waitingSince < 0) {
                    waitingSince = now;
                }
                if (now - waitingSince < responseWaitNanos) {
                    return false;
                }
                long ms = responseWaitNanos / 1_000_000;
                session.note(Text.of("replay: the recorded server had sent " + c.serverBytesBefore() + " bytes before frame "
                        + c.frame() + ", the live peer " + session.receivedCount() + " after " + ms + " ms; sending it anyway",
                        "重演：录制中的服务器在第 " + c.frame() + " 帧之前已发送 " + c.serverBytesBefore() + " 字节，现场的对端在 "
                        + ms + " 毫秒后只发送了 " + session.receivedCount() + " 字节；照样发送"));
            }
            waitingSince = -1;
            session.note(Text.of("replay: frame " + c.frame() + "'s " + c.data().length + " bytes",
                    "重演：第 " + c.frame() + " 帧的 " + c.data().length + " 字节"));
            conn.send(c.data());
            next++;
        }
        if (allSentAt < 0) {
            allSentAt = now;
        }
        if (conn.unacknowledgedBytes() > 0) {
            return false;
        }
        // Close when the recorded client did: after the server bytes it had seen by then (its answer), or
        // after the server's FIN when the server closed first; give up waiting after responseWaitNanos. A
        // client that never closed waits for the peer to end the connection, as long again as it stayed on.
        boolean recordedFin = recording.quiet().clientBeforeFinNanos() >= 0;
        boolean waited = now - allSentAt > responseWaitNanos + (recordedFin ? 0 : idleNanos);
        // Crossed FINs: the recorded client closed on its own, as one that closed first does.
        boolean onItsOwn = recording.clientClosedFirst() || recording.mirror().finsCrossed();
        boolean turnCame = onItsOwn
                ? session.receivedCount() >= recording.serverBytesBeforeClientFin() || conn.peerClosed()
                : conn.peerClosed();
        if (turnCame && idleNanos > 0 && recordedFin) {
            if (turnCameAt < 0) {
                turnCameAt = now;
                long ms = idleNanos / 1_000_000;
                session.note(Text.of("replay: the recorded client stayed idle " + ms + " ms before its FIN; so do we",
                        "重演：录制中的客户端在发送 FIN 之前空闲了 " + ms + " 毫秒；我们也一样"));
            }
            if (probesBeforeClose > 0) {
                if (conn.keepaliveProbesSent() < probesBeforeClose) {
                    return false;
                }
                probesDoneAt = probesDoneAt < 0 ? now : probesDoneAt;
                if (now - probesDoneAt < afterProbesNanos) {
                    return false;
                }
            } else if (now - turnCameAt < idleNanos) {
                return false;
            }
        }
        if ((turnCame || waited) && conn.unreadBytes() == 0) { // an application closes after reading what came
            if (!turnCame) {
                session.note(gaveUpWaiting(now - allSentAt));
            }
            closeCalled = true;
            conn.close();
        }
        return false;
    }

    /** Why we close although the recorded client's turn has not come live. */
    private Text gaveUpWaiting(long waitedNanos) {
        long ms = waitedNanos / 1_000_000;
        if (recording.quiet().clientBeforeFinNanos() < 0) {
            return Text.of("replay: the recorded client never closed; the live peer has not ended the connection after "
                    + ms + " ms, so we close", "重演：录制中的客户端从未关闭；现场的对端 " + ms + " 毫秒后仍未结束连接，所以我们关闭");
        }
        boolean first = recording.clientClosedFirst() || recording.mirror().finsCrossed();
        return Text.of("replay: the recorded client closed after " + (first ? recording.serverBytesBeforeClientFin()
                + " bytes from the server" : "the server's FIN") + "; the live peer has not got there after " + ms
                + " ms, so we close", "重演：录制中的客户端在" + (first ? "收到服务器的 " + recording.serverBytesBeforeClientFin()
                + " 字节" : "收到服务器的 FIN") + "之后关闭；现场的对端 " + ms + " 毫秒后仍未到那一步，所以我们关闭");
    }
}
