package dev.tcplab.endpoint;

import java.time.Duration;

/**
 * Knobs of the userspace endpoint. Defaults are the RFCs' where a lab run stays short with them,
 * and otherwise say why they differ.
 *
 * @param mss            the MSS we announce (RFC 9293 §3.7.1): 1460 = Ethernet's 1500 − 40
 * @param receiveWindow  the window we advertise in bytes (above 64 KiB only once window scaling is
 *                       agreed); the application drains at once, so it stays put
 * @param initialRto     RFC 6298 §2.1: 1 s before any RTT sample
 * @param minRto         RFC 6298 §2.4 says 1 s; Linux uses 200 ms (TCP_RTO_MIN), like the kernel peer
 * @param maxRto         RFC 6298 §2.5 allows a bound of at least 60 s
 * @param synRetries     retransmissions of SYN before giving up (Linux tcp_syn_retries: 6)
 * @param dataRetries    retransmissions of one data segment or FIN before aborting
 * @param msl            maximum segment lifetime; TIME_WAIT lasts 2×MSL (RFC 9293 says 2 min)
 * @param keepalive      our own keep-alive probing, or null for none (RFC 1122: off by default)
 * @param extensions     offer SACK permitted, timestamps and window scale in our SYN, as Linux does
 * @param delayedAcks    ACK every second full segment or after 40 ms (RFC 1122 §4.2.3.2), as stacks do
 *                       for bulk data; off by default so that a ladder shows the ACK of every segment
 * @param timestamps     with the extensions, offer timestamps too (RFC 7323), as Linux does; off, as Windows
 *                       does by default: then every segment carries 12 bytes more of data
 */
public record TcpConfig(int mss, int receiveWindow, Duration initialRto, Duration minRto, Duration maxRto,
                        int synRetries, int dataRetries, Duration msl, Keepalive keepalive, boolean extensions,
                        boolean delayedAcks, boolean timestamps) {

    /**
     * RFC 1122 §4.2.3.6 keep-alive: after {@code idle} without a segment from the peer, a probe;
     * then one every {@code interval}; after {@code count} unanswered probes the peer is dead.
     */
    public record Keepalive(Duration idle, Duration interval, int count) {
        /**
         * The seed notes' figures, their 75 minutes read as the textbooks' 75 seconds: 2 hours, 75 s,
         * 10 probes. (Linux: 7200 s, 75 s, 9.)
         */
        public static final Keepalive SEED = new Keepalive(Duration.ofHours(2), Duration.ofSeconds(75), 10);

        public Keepalive {
            if (idle.isNegative() || idle.isZero() || interval.isNegative() || interval.isZero() || count < 1) {
                throw new IllegalArgumentException("keep-alive needs a positive idle time and interval and a count ≥ 1");
            }
        }
    }

    /** RFC 9293 §3.4.2's MSL: two minutes. */
    public static final Duration RFC_MSL = Duration.ofMinutes(2);

    /** Our receive buffer unless --window sets one: the most window we offer. */
    public static final int DEFAULT_RECEIVE_WINDOW = 256 * 1024;

    public static TcpConfig defaults() {
        return new TcpConfig(1460, DEFAULT_RECEIVE_WINDOW, Duration.ofSeconds(1), Duration.ofMillis(200),
                Duration.ofSeconds(60), 4, 8, Duration.ofSeconds(1), null, true, false, true);
    }

    public TcpConfig {
        if (mss < 1 || mss > 65495) throw new IllegalArgumentException("MSS out of range: " + mss);
        if (receiveWindow < 0 || receiveWindow > (0xffff << 14)) {
            throw new IllegalArgumentException("window out of range: " + receiveWindow);
        }
        if (synRetries < 0 || dataRetries < 0) throw new IllegalArgumentException("retries must be ≥ 0");
    }

    public TcpConfig withMsl(Duration d) {
        return new TcpConfig(mss, receiveWindow, initialRto, minRto, maxRto, synRetries, dataRetries, d, keepalive, extensions, delayedAcks, timestamps);
    }

    public TcpConfig withSynRetries(int n) {
        return new TcpConfig(mss, receiveWindow, initialRto, minRto, maxRto, n, dataRetries, msl, keepalive, extensions, delayedAcks, timestamps);
    }

    public TcpConfig withInitialRto(Duration d) {
        return new TcpConfig(mss, receiveWindow, d, minRto, maxRto, synRetries, dataRetries, msl, keepalive, extensions, delayedAcks, timestamps);
    }

    public TcpConfig withKeepalive(Keepalive k) {
        return new TcpConfig(mss, receiveWindow, initialRto, minRto, maxRto, synRetries, dataRetries, msl, k, extensions, delayedAcks, timestamps);
    }

    /** Off: only MSS in our SYN, so no extension is agreed (a plain RFC 793 exchange). */
    public TcpConfig withExtensions(boolean on) {
        return new TcpConfig(mss, receiveWindow, initialRto, minRto, maxRto, synRetries, dataRetries, msl, keepalive, on, delayedAcks, timestamps);
    }

    /** Our receive buffer: the most window we offer (RCV.WND when the application has read everything). */
    public TcpConfig withReceiveWindow(int bytes) {
        return new TcpConfig(mss, bytes, initialRto, minRto, maxRto, synRetries, dataRetries, msl, keepalive, extensions,
                delayedAcks, timestamps);
    }

    public TcpConfig withDelayedAcks(boolean on) {
        return new TcpConfig(mss, receiveWindow, initialRto, minRto, maxRto, synRetries, dataRetries, msl, keepalive,
                extensions, on, timestamps);
    }

    public TcpConfig withDataRetries(int n) {
        return new TcpConfig(mss, receiveWindow, initialRto, minRto, maxRto, synRetries, n, msl, keepalive, extensions, delayedAcks, timestamps);
    }

    /** Offer timestamps with the other extensions, or not (a recorded Windows client's SYN did not). */
    public TcpConfig withTimestamps(boolean on) {
        return new TcpConfig(mss, receiveWindow, initialRto, minRto, maxRto, synRetries, dataRetries, msl, keepalive,
                extensions, delayedAcks, on);
    }

    /** The MSS our SYN announces (what a recorded client's did, say). */
    public TcpConfig withMss(int bytes) {
        return new TcpConfig(bytes, receiveWindow, initialRto, minRto, maxRto, synRetries, dataRetries, msl, keepalive,
                extensions, delayedAcks, timestamps);
    }
}
