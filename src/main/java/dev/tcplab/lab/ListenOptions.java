package dev.tcplab.lab;

import dev.tcplab.endpoint.TcpConfig;
import dev.tcplab.link.FaultRule;
import dev.tcplab.wire.HostPort;
import dev.tcplab.wire.Ipv4Address;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What `tcplab listen` was asked to do.
 *
 * @param iface      a real interface, or null for the lab network (where the kernel client starts by itself)
 * @param client     on a real interface, the client's address (port ignored)
 * @param port       the port tcplab listens on
 * @param payload    what the lab network's kernel client sends
 * @param closeDelay how long our application waits after the client's FIN before closing (CLOSE_WAIT)
 * @param readDelay  how long our application reads nothing after the handshake (0: it reads at once)
 * @param readRate   after that, how many bytes a second it reads (0: all at once), from our window's buffer
 */
public record ListenOptions(String iface, HostPort client, Ipv4Address src, int port, byte[] payload, TcpConfig tcp,
                            RstGuard rstGuard, Path capture, Duration timeout, Duration closeDelay,
                            List<FaultRule> faults, PeerOptions peerOptions, Duration readDelay, long readRate) {

    public ListenOptions {
        faults = List.copyOf(faults);
        if (port < 1 || port > 0xffff) {
            throw new IllegalArgumentException("port must be 1..65535, got " + port);
        }
        if (readDelay.isNegative() || readDelay.compareTo(PeerOptions.MAX_DELAY) > 0) {
            throw new IllegalArgumentException("--read-delay must be between 0 and 10m");
        }
        PeerOptions.checkReadRate("--read-rate", readRate);
    }

    /** An application that reads what arrives at once. */
    public ListenOptions(String iface, HostPort client, Ipv4Address src, int port, byte[] payload, TcpConfig tcp,
                         RstGuard rstGuard, Path capture, Duration timeout, Duration closeDelay,
                         List<FaultRule> faults, PeerOptions peerOptions) {
        this(iface, client, src, port, payload, tcp, rstGuard, capture, timeout, closeDelay, faults, peerOptions,
                Duration.ZERO, 0);
    }

    /** Our application reads nothing for {@code delay}, then at most {@code rate} bytes a second (0: all). */
    public ListenOptions withReading(Duration delay, long rate) {
        return new ListenOptions(iface, client, src, port, payload, tcp, rstGuard, capture, timeout, closeDelay, faults,
                peerOptions, delay, rate);
    }

    public boolean embedded() {
        return iface == null;
    }
}
