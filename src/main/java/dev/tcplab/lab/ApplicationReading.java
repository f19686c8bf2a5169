package dev.tcplab.lab;

import dev.tcplab.endpoint.TcpConnection;
import dev.tcplab.text.Text;

/**
 * How the application behind a live run of ours reads: at once (the default), nothing for a while after the
 * handshake (--read-delay), or at a rate (--read-rate), a little every tick. While it does not read freely,
 * what arrives waits in our receive buffer and the window we offer shrinks by as much.
 */
final class ApplicationReading {
    /** A slow reader reads this often: each time what its rate allows since the last read. */
    static final long READ_TICK_NANOS = 50_000_000L;

    private final long delayNanos;
    /** Bytes a second once it reads (0: all that waits). */
    private final long rate;
    private boolean held;
    private long establishedAt = -1;
    private long lastReadAt = -1;

    ApplicationReading(long delayNanos, long rate) {
        this.delayNanos = delayNanos;
        this.rate = rate;
    }

    /** Before the open (or listen): a late or slow application holds its reading from the start. */
    void start(TcpConnection conn) {
        if (delayNanos > 0 || rate > 0) {
            conn.holdReading();
            held = true;
        }
    }

    /** Whether the application is not reading freely: a stall then may be its own doing, not the peer's. */
    boolean held() {
        return held;
    }

    /**
     * Each step of the run: after the delay the application reads what waited, and the window opens again;
     * a slow reader instead reads, every tick, what its rate allows, and never catches up at once.
     */
    void step(TcpConnection conn, LiveSession session) {
        if (!held || !conn.state().synchronizedState()) {
            return;
        }
        long now = System.nanoTime();
        if (establishedAt < 0) {
            establishedAt = now;
        } else if (now - establishedAt < delayNanos) {
            return;
        } else if (rate == 0) {
            held = false;
            session.note(Text.of("our application reads now (--read-delay " + delayNanos / 1_000_000 + " ms)",
                    "我们的应用程序现在读取（--read-delay " + delayNanos / 1_000_000 + " 毫秒）"));
            conn.readHeld();
        } else if (lastReadAt < 0) {
            lastReadAt = now;
            session.note(Text.of("our application reads " + rate + " bytes a second from now on (--read-rate)",
                    "我们的应用程序从现在起每秒读取 " + rate + " 个字节（--read-rate）"));
        } else if (now - lastReadAt >= READ_TICK_NANOS) {
            conn.read(rate * (now - lastReadAt) / 1_000_000_000L);
            lastReadAt = now;
        }
    }
}
