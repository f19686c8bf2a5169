package dev.tcplab.endpoint;

/**
 * The persist timer of zero-window probing (RFC 9293 §3.8.6.1, RFC 1122 §4.2.2.17): while the peer's
 * window is zero and we have data for it, a probe after one RTO, then at doubling intervals up to
 * the RTO's bound. Without it a lost window update would leave both sides waiting for ever: the
 * peer for data, we for a window. It counts the probes nobody answered: as long as the peer answers
 * (each ACK still saying zero), the connection stays open (MUST-37); when nothing comes back at all,
 * the peer is gone.
 */
final class PersistTimer {
    private long deadline = TcpConnection.NEVER;
    private long interval;
    private int probesSent;
    private int unanswered;

    boolean running() {
        return deadline != TcpConnection.NEVER;
    }

    long deadline() {
        return deadline;
    }

    /** The window closed with data waiting: the first probe one RTO from now (SHLD-29). */
    void start(long now, long rto) {
        interval = rto;
        probesSent = 0;
        unanswered = 0;
        deadline = now + rto;
    }

    /** A probe left: the next one after twice the interval (SHLD-30), at most {@code maxInterval}. */
    void probed(long now, long maxInterval) {
        probesSent++;
        unanswered++;
        interval = Math.min(maxInterval, interval * 2);
        deadline = now + interval;
    }

    /** An ACK came: the peer is alive, though its window may still be shut. */
    void answered() {
        unanswered = 0;
    }

    /** The window opened, or the connection ended. */
    void stop() {
        deadline = TcpConnection.NEVER;
        probesSent = 0;
        unanswered = 0;
    }

    /** The wait before the next probe. */
    long interval() {
        return interval;
    }

    int probesSent() {
        return probesSent;
    }

    int unanswered() {
        return unanswered;
    }
}
