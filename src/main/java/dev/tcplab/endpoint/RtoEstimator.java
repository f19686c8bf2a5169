package dev.tcplab.endpoint;

/**
 * The retransmission timeout of RFC 6298: smoothed RTT and its variation from samples taken on
 * segments that were not retransmitted (Karn's rule, §3), doubling on each timeout (§5.5).
 */
final class RtoEstimator {
    /** RFC 6298 §2: K = 4. */
    private static final int K = 4;
    /** RFC 6298's clock granularity G; one millisecond is what Linux's jiffies-free timers give. */
    private static final long G_NANOS = 1_000_000L;

    private final long minRto;
    private final long maxRto;
    private long srtt = -1;
    private long rttvar;
    private long rto;

    RtoEstimator(long initialRto, long minRto, long maxRto) {
        this.minRto = minRto;
        this.maxRto = maxRto;
        this.rto = initialRto;
    }

    long rto() {
        return rto;
    }

    void sample(long rtt) {
        if (srtt < 0) {                                 // §2.2: the first measurement
            srtt = rtt;
            rttvar = rtt / 2;
        } else {                                        // §2.3: beta = 1/4, alpha = 1/8
            rttvar = (3 * rttvar + Math.abs(srtt - rtt)) / 4;
            srtt = (7 * srtt + rtt) / 8;
        }
        rto = clamp(srtt + Math.max(G_NANOS, K * rttvar));
    }

    /** §5.5: back off the timer on each expiry. */
    void backOff() {
        rto = Math.min(maxRto, rto * 2);
    }

    private long clamp(long v) {
        return Math.max(minRto, Math.min(maxRto, v));
    }
}
