package dev.tcplab.endpoint;

import dev.tcplab.wire.SeqNum;

/**
 * The sender's congestion window: RFC 5681 slow start and congestion avoidance, fast retransmit on
 * the third duplicate ACK, and RFC 6582 NewReno fast recovery (a partial ACK retransmits the next
 * hole and stays in recovery until everything sent before the loss is acknowledged).
 */
final class CongestionControl {
    /** RFC 5681 §3.2: the third duplicate ACK signals a loss. */
    static final int DUPACK_THRESHOLD = 3;
    /** RFC 6928: an initial window of ten segments. */
    static final int INITIAL_SEGMENTS = 10;

    private final int mss;
    private long cwnd;
    private long ssthresh = Long.MAX_VALUE;
    private int dupAcks;
    private SeqNum recover;        // NewReno: the highest sequence sent when recovery began
    private boolean inRecovery;

    CongestionControl(int mss) {
        this.mss = mss;
        this.cwnd = (long) INITIAL_SEGMENTS * mss;
    }

    long window() {
        return cwnd;
    }

    boolean inRecovery() {
        return inRecovery;
    }

    /**
     * New data acknowledged. Returns true when NewReno says the next hole must be retransmitted
     * now (a partial ACK during recovery).
     */
    boolean onNewAck(long bytesAcked, SeqNum ack, long flight) {
        dupAcks = 0;
        if (inRecovery) {
            if (ack.gt(recover)) {                     // RFC 6582 §3.2 step 3: full acknowledgment
                inRecovery = false;
                cwnd = Math.min(ssthresh, Math.max(flight, mss) + mss);
                return false;
            }
            cwnd = Math.max(mss, cwnd - bytesAcked + mss); // partial ACK: deflate, retransmit the next hole
            return true;
        }
        if (cwnd < ssthresh) {
            cwnd += Math.min(bytesAcked, mss);         // slow start
        } else {
            cwnd += Math.max(1, (long) mss * mss / cwnd); // congestion avoidance: about one MSS per RTT
        }
        return false;
    }

    /** A duplicate ACK. Returns true on the one that starts fast retransmit. */
    boolean onDuplicateAck(long flight, SeqNum sndNxt) {
        if (inRecovery) {
            cwnd += mss;                               // each dup ACK: one more segment left the network
            return false;
        }
        dupAcks++;
        if (dupAcks < DUPACK_THRESHOLD) {
            return false;
        }
        ssthresh = Math.max(flight / 2, 2L * mss);     // RFC 5681 (4)
        cwnd = ssthresh + (long) DUPACK_THRESHOLD * mss;
        recover = sndNxt.plus(-1);
        inRecovery = true;
        return true;
    }

    /** The retransmission timer expired: back to one segment (RFC 5681 (4) and §3.1). */
    void onTimeout(long flight) {
        ssthresh = Math.max(flight / 2, 2L * mss);
        cwnd = mss;
        dupAcks = 0;
        inRecovery = false;
    }
}
