package dev.tcplab.lab;

import dev.tcplab.endpoint.TcpConnection;
import dev.tcplab.text.Text;
import dev.tcplab.wire.Flags;
import dev.tcplab.wire.Segment;
import dev.tcplab.wire.SeqNum;
import java.security.SecureRandom;

/**
 * RFC 9293 §3.5's classic reason for the third segment, live: before the real open, a SYN from an
 * "earlier incarnation" of this connection (made up, with a stale ISN) reaches the kernel. The
 * kernel answers it with SYN+ACK; our endpoint, which has no such connection (CLOSED), answers
 * that with RST (§3.10.7.1), and the kernel forgets it. Then the wrapped script opens for real.
 */
public final class OldDuplicateSyn implements LiveSession.Script {
    /** Long enough for SYN+ACK and RST to cross on the lab's veth many times over. */
    private static final long SETTLE_NANOS = 200_000_000L;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final LiveSession.Script then;
    private long sentAt = -1;

    public OldDuplicateSyn(LiveSession.Script then) {
        this.then = then;
    }

    @Override
    public boolean step(TcpConnection conn, LiveSession session) {
        if (sentAt < 0) {
            sentAt = System.nanoTime();
            Segment old = Segment.of(conn.localPort(), conn.remotePort(), SeqNum.of(RANDOM.nextInt()), SeqNum.ZERO,
                    Flags.SYN, 65535);
            session.sendUnsolicited(old, Text.of("an old duplicate SYN: a stale ISN from an earlier incarnation (made up)",
                    "过时的重复 SYN：带着早先一个连接的旧初始序号（编造的）"));
            return false;
        }
        if (System.nanoTime() - sentAt < SETTLE_NANOS) {
            return false;
        }
        return then.step(conn, session);
    }

    @Override
    public void afterSend(TcpConnection conn, LiveSession session) {
        then.afterSend(conn, session);
    }
}
