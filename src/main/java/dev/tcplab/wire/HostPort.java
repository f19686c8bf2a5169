package dev.tcplab.wire;

/** One end of a TCP connection: an IPv4 address and a port. */
public record HostPort(Ipv4Address addr, int port) {

    public HostPort {
        if (port < 0 || port > 0xffff) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /** Parses "ADDR:PORT". */
    public static HostPort parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("expected ADDR:PORT, got " + text);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected ADDR:PORT, got " + text);
        }
        return new HostPort(Ipv4Address.parse(text.substring(0, colon)), port);
    }

    // equals and hashCode written out, as in Ipv4Address: see there.
    @Override
    public boolean equals(Object o) {
        return o instanceof HostPort h && h.port == port && h.addr.equals(addr);
    }

    @Override
    public int hashCode() {
        return addr.hashCode() * 31 + port;
    }

    @Override
    public String toString() {
        return addr + ":" + port;
    }
}
