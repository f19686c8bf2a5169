package dev.tcplab.lab;

import java.time.Duration;
import java.util.Map;
import dev.tcplab.netns.KernelPeer;

/**
 * How the kernel peer of the lab network behaves.
 *
 * @param closeDelay how long its application waits after reading our FIN before closing: 0 gives the
 *                   merged FIN+ACK (three-segment close), a delay the textbook four segments with
 *                   CLOSE_WAIT visible in between
 * @param sysctls    settings applied inside the peer namespace only (e.g. net.ipv4.tcp_synack_retries)
 * @param closeFirst the peer's application closes right after its first echo, without waiting for
 *                   our FIN: with our close right after the echo, the two FINs cross (simultaneous close)
 * @param keepalive  the kernel peer's keep-alive (whole seconds), or null for none
 */
public record PeerOptions(Duration closeDelay, Map<String, String> sysctls, boolean closeFirst,
                          KernelPeer.Keepalive keepalive) {
    /** Bounded: a lab's close delay is seconds, never a hang. (Declared first: DEFAULT's check reads it.) */
    public static final Duration MAX_CLOSE_DELAY = Duration.ofMinutes(10);
    public static final PeerOptions DEFAULT = new PeerOptions(Duration.ZERO, Map.of(), false, null);

    public PeerOptions(Duration closeDelay, Map<String, String> sysctls) {
        this(closeDelay, sysctls, false, null);
    }

    public PeerOptions(Duration closeDelay, Map<String, String> sysctls, boolean closeFirst) {
        this(closeDelay, sysctls, closeFirst, null);
    }

    KernelPeer.Behaviour behaviour() {
        return new KernelPeer.Behaviour(closeDelay, closeFirst, keepalive);
    }

    public PeerOptions {
        sysctls = Map.copyOf(sysctls);
        if (closeDelay.isNegative() || closeDelay.compareTo(MAX_CLOSE_DELAY) > 0) {
            throw new IllegalArgumentException("--peer-close-delay must be between 0 and 10m");
        }
        for (String k : sysctls.keySet()) {
            if (!k.matches("net\\.[a-z0-9_.]+")) {
                throw new IllegalArgumentException("--peer-sysctl takes net.* settings only, got " + k);
            }
        }
    }
}
