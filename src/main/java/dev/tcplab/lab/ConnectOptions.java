package dev.tcplab.lab;

import dev.tcplab.endpoint.TcpConfig;
import dev.tcplab.link.FaultRule;
import dev.tcplab.wire.HostPort;
import dev.tcplab.wire.Ipv4Address;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What `tcplab connect` was asked to do.
 *
 * @param iface      a real interface to use, or null for the embedded lab network
 * @param peer       the peer on a real interface (null in the embedded network: the kernel echo server)
 * @param src        our address on a real interface, or null to choose (see {@link RstGuard})
 * @param srcPort    our port, or 0 to pick one above the kernel's ephemeral range
 * @param peerPort   the kernel peer's port in the embedded network
 * @param hold       how long the connection stays open, idle, after the echo before we close
 * @param faults     segments to drop, delay or duplicate (applied to the link; the endpoint is unaware)
 * @param readDelay  how long our application reads nothing after the handshake (0: it reads at once)
 * @param readRate   after that, how many bytes a second it reads (0: all at once), from our window's buffer
 */
public record ConnectOptions(String iface, HostPort peer, Ipv4Address src, int srcPort, int peerPort, byte[] payload,
                             TcpConfig tcp, RstGuard rstGuard, Path capture, Duration timeout, Duration echoWait,
                             int repeat, Duration hold, List<FaultRule> faults, PeerOptions peerOptions,
                             Duration readDelay, long readRate) {

    /** Connections in a row (--repeat): each from the next source port. */
    public static final int MAX_REPEAT = 4000;

    public ConnectOptions {
        if (repeat < 1 || repeat > MAX_REPEAT) {
            throw new IllegalArgumentException("--repeat must be 1.." + MAX_REPEAT + ", got " + repeat);
        }
        faults = List.copyOf(faults);
        if (iface != null && !peerOptions.equals(PeerOptions.DEFAULT)) {
            throw new IllegalArgumentException("--peer-close-delay and --peer-sysctl shape the lab network's kernel"
                    + " peer; with --iface, configure the peer machine itself (tcplab peer listen there)");
        }
        if (readDelay.isNegative() || readDelay.compareTo(PeerOptions.MAX_DELAY) > 0) {
            throw new IllegalArgumentException("--read-delay must be between 0 and 10m");
        }
        PeerOptions.checkReadRate("--read-rate", readRate);
    }

    public ConnectOptions(String iface, HostPort peer, Ipv4Address src, int srcPort, int peerPort, byte[] payload,
                          TcpConfig tcp, RstGuard rstGuard, Path capture, Duration timeout, Duration echoWait,
                          int repeat, Duration hold, List<FaultRule> faults, PeerOptions peerOptions,
                          Duration readDelay) {
        this(iface, peer, src, srcPort, peerPort, payload, tcp, rstGuard, capture, timeout, echoWait, repeat, hold,
                faults, peerOptions, readDelay, 0);
    }

    public ConnectOptions(String iface, HostPort peer, Ipv4Address src, int srcPort, int peerPort, byte[] payload,
                          TcpConfig tcp, RstGuard rstGuard, Path capture, Duration timeout, Duration echoWait,
                          int repeat, Duration hold, List<FaultRule> faults, PeerOptions peerOptions) {
        this(iface, peer, src, srcPort, peerPort, payload, tcp, rstGuard, capture, timeout, echoWait, repeat, hold,
                faults, peerOptions, Duration.ZERO);
    }

    /** The usual single connection. */
    public ConnectOptions(String iface, HostPort peer, Ipv4Address src, int srcPort, int peerPort, byte[] payload,
                          TcpConfig tcp, RstGuard rstGuard, Path capture, Duration timeout, Duration echoWait) {
        this(iface, peer, src, srcPort, peerPort, payload, tcp, rstGuard, capture, timeout, echoWait, 1,
                Duration.ZERO, List.of(), PeerOptions.DEFAULT);
    }

    public ConnectOptions withFaults(List<FaultRule> rules) {
        return new ConnectOptions(iface, peer, src, srcPort, peerPort, payload, tcp, rstGuard, capture, timeout,
                echoWait, repeat, hold, rules, peerOptions, readDelay, readRate);
    }

    public ConnectOptions withHold(Duration d) {
        return new ConnectOptions(iface, peer, src, srcPort, peerPort, payload, tcp, rstGuard, capture, timeout,
                echoWait, repeat, d, faults, peerOptions, readDelay, readRate);
    }

    public ConnectOptions withPeerOptions(PeerOptions p) {
        return new ConnectOptions(iface, peer, src, srcPort, peerPort, payload, tcp, rstGuard, capture, timeout,
                echoWait, repeat, hold, faults, p, readDelay, readRate);
    }

    public ConnectOptions withReadDelay(Duration d) {
        return new ConnectOptions(iface, peer, src, srcPort, peerPort, payload, tcp, rstGuard, capture, timeout,
                echoWait, repeat, hold, faults, peerOptions, d, readRate);
    }

    /** Our application reads this many bytes a second (after {@code readDelay}): a slow reader. */
    public ConnectOptions withReadRate(long bytesPerSecond) {
        return new ConnectOptions(iface, peer, src, srcPort, peerPort, payload, tcp, rstGuard, capture, timeout,
                echoWait, repeat, hold, faults, peerOptions, readDelay, bytesPerSecond);
    }

    /** What should come back: the payload from an echo server, nothing from one that discards. */
    public byte[] expectedBack() {
        return peerOptions.discard() ? new byte[0] : payload;
    }

    public boolean embedded() {
        return iface == null;
    }
}
