package dev.tcplab.lab;

import dev.tcplab.netns.KernelPeer;
import java.time.Duration;
import java.util.Map;

/**
 * What a lab run asks of the kernel peer on another machine ({@link PeerAgent}), sent as one JSON
 * object: be a server on {@code port} with a behaviour, or a client that connects to
 * {@code connectTo} and sends {@code payload}; with {@code sysctls} set for the run's length.
 */
public record PeerRequest(String role, int port, String connectTo, String payload, long closeDelayMillis,
                          boolean closeFirst, KernelPeer.Keepalive keepalive, long sendBytes, boolean discard,
                          boolean resetOnClose, Map<String, String> sysctls, long readDelayMillis,
                          long readRate) {
    public static final String SERVER = "server", CLIENT = "client";

    /** A server with the lab's peer options (loss stays a lab-network feature: it is not sent). */
    static PeerRequest server(int port, PeerOptions p) {
        return new PeerRequest(SERVER, port, null, null, p.closeDelay().toMillis(), p.closeFirst(), p.keepalive(),
                p.sendBytes(), p.discard(), p.resetOnClose(), p.sysctls(), p.readDelay().toMillis(),
                p.readRate());
    }

    /** A client of a tcplab that listens at {@code connectTo}. */
    static PeerRequest client(String connectTo, byte[] payload, PeerOptions p) {
        return new PeerRequest(CLIENT, 0, connectTo, new String(payload, java.nio.charset.StandardCharsets.UTF_8),
                0, false, null, 0, false, false, p.sysctls(), 0, 0);
    }

    KernelPeer.Behaviour behaviour() {
        return new KernelPeer.Behaviour(Duration.ofMillis(closeDelayMillis), closeFirst, keepalive, sendBytes, discard,
                resetOnClose, Duration.ofMillis(readDelayMillis), readRate);
    }

    public PeerRequest {
        sysctls = sysctls == null ? Map.of() : Map.copyOf(sysctls);
        if (!SERVER.equals(role) && !CLIENT.equals(role)) {
            throw new IllegalArgumentException("role must be server or client, not " + role);
        }
        if (port < 0 || port > 0xffff || closeDelayMillis < 0
                || closeDelayMillis > PeerOptions.MAX_DELAY.toMillis() || sendBytes < 0 || readDelayMillis < 0
                || readDelayMillis > PeerOptions.MAX_DELAY.toMillis() || readRate < 0
                || readRate > PeerOptions.MAX_READ_RATE) {
            throw new IllegalArgumentException("port, close or read delay, read rate or byte count out of range");
        }
        for (String k : sysctls.keySet()) {
            if (!k.matches("net\\.ipv4\\.tcp_[a-z0-9_]+")) {
                throw new IllegalArgumentException("only net.ipv4.tcp_* settings can be asked for, not " + k);
            }
        }
    }
}
