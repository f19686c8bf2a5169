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
 */
public record ListenOptions(String iface, HostPort client, Ipv4Address src, int port, byte[] payload, TcpConfig tcp,
                            RstGuard rstGuard, Path capture, Duration timeout, Duration closeDelay,
                            List<FaultRule> faults, PeerOptions peerOptions) {

    public ListenOptions {
        faults = List.copyOf(faults);
        if (port < 1 || port > 0xffff) {
            throw new IllegalArgumentException("port must be 1..65535, got " + port);
        }
    }

    public boolean embedded() {
        return iface == null;
    }
}
