package dev.tcplab.lab;

import dev.tcplab.endpoint.TcpConnection;
import dev.tcplab.endpoint.TcpState;
import dev.tcplab.netns.KernelPeer;
import dev.tcplab.text.Text;
import java.util.List;

/**
 * The application behind `tcplab replay --live --as server`: plays the recorded server of one connection
 * while a kernel client plays the recorded client. It listens, writes each recorded reply once it has read as
 * many of the client's bytes as the recorded server had received before it (after the recorded pause), and
 * closes as the recorded server did: after the client's FIN, when the client closed first; first, once its
 * replies are out and it has read what the recorded server had read before its FIN; with a RST, when the
 * recorded server reset the connection; or not at all, when the capture ends with the connection open.
 */
public final class ServerReplayScript implements LiveSession.Script {
    /** How the recorded server ended the connection. */
    public enum Ending {
        /** After the client's FIN (the passive close; also where the capture ends before the server's FIN). */
        AFTER_THE_CLIENT,
        /** Its FIN first. */
        FIRST,
        /** A RST, its application's abort. */
        RESET,
        /**
         * Neither: the capture ends with the connection open. Ours ends the run without closing, once the
         * client's bytes are in and the recorded quiet has passed (the kernel client's socket is closed after).
         */
        NEVER
    }

    private final List<KernelPeer.Answer> replies;
    private final Ending ending;
    private final long closeAfterClientBytes;
    private final long closeDelayNanos;
    private final long replyWaitNanos;
    private final ApplicationReading reading;
    private boolean started;
    private int next;
    private long dueSince = -1;
    private long waitingSince = -1;
    private long peerClosedAt = -1;
    private boolean closeCalled;
    private long lastRead = -1;
    private long quietSince;

    /**
     * @param closeAfterClientBytes with {@link Ending#FIRST} and {@link Ending#NEVER}: the client's bytes to have
     *                              read before closing, or ending the run
     * @param closeDelayNanos       with {@link Ending#AFTER_THE_CLIENT}: how long after the client's FIN; with
     *                              {@link Ending#NEVER}: how long the connection stays quiet before the run ends;
     *                              with {@link Ending#FIRST} and {@link Ending#RESET}: before ours closes
     * @param replyWaitNanos        how long to wait for the client's bytes before replying anyway (a live client
     *                              that sends less than the recorded one must not leave us waiting for ever)
     */
    public ServerReplayScript(List<KernelPeer.Answer> replies, Ending ending, long closeAfterClientBytes,
                              long closeDelayNanos, long replyWaitNanos, long readDelayNanos, long readRate) {
        this.replies = List.copyOf(replies);
        this.ending = ending;
        this.closeAfterClientBytes = closeAfterClientBytes;
        this.closeDelayNanos = closeDelayNanos;
        this.replyWaitNanos = replyWaitNanos;
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
        if (s != TcpState.ESTABLISHED && s != TcpState.CLOSE_WAIT || closeCalled) {
            return false;
        }
        long now = System.nanoTime();
        if (waitingSince < 0) {
            waitingSince = now;
        }
        long read = session.receivedCount() - conn.unreadBytes();
        if (conn.peerClosed() && peerClosedAt < 0) {
            peerClosedAt = now;
        }
        while (next < replies.size()) {
            KernelPeer.Answer r = replies.get(next);
            boolean clientDone = peerClosedAt >= 0 && conn.unreadBytes() == 0;
            if (r.afterClientBytes() > read && !clientDone && now - waitingSince < replyWaitNanos) {
                return false;
            }
            if (dueSince < 0) {
                dueSince = now;
            }
            if (now - dueSince < r.pause().toNanos()) {
                return false; // the recorded server's think time
            }
            conn.send(r.data());
            next++;
            dueSince = -1;
            waitingSince = now;
        }
        if (ending == Ending.NEVER) {
            return quietOver(read, now);
        }
        // Closing first: once the client's bytes are in (or no longer awaited) and the recorded quiet has passed.
        boolean close = ending == Ending.AFTER_THE_CLIENT
                ? peerClosedAt >= 0 && now - peerClosedAt >= closeDelayNanos && conn.unreadBytes() == 0
                : peerClosedAt >= 0 || (read >= closeAfterClientBytes || now - waitingSince >= replyWaitNanos)
                        && quietFor(read, now) >= closeDelayNanos;
        if (close) {
            closeCalled = true;
            if (ending == Ending.RESET) {
                conn.abort(Text.of("the recorded server reset the connection", "录制中的服务器重置了连接"));
            } else {
                conn.close();
            }
        }
        return false;
    }

    /**
     * For a connection the capture ends open: whether the client's bytes are in and the connection has been
     * quiet as long as the recorded one, counted from the last byte that came in or went out.
     */
    private boolean quietOver(long read, long now) {
        long quiet = quietFor(read, now);
        boolean allIn = read >= closeAfterClientBytes || now - quietSince >= replyWaitNanos;
        return allIn && quiet >= closeDelayNanos;
    }

    /** How long nothing has come in (as read) or gone out (a reply); called at every step that may end the run. */
    private long quietFor(long read, long now) {
        if (read != lastRead) {
            lastRead = read;
            quietSince = now;
        }
        return now - Math.max(quietSince, waitingSince);
    }
}
