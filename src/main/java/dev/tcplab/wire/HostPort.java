package dev.tcplab.wire;

/** One end of a TCP connection: an IP address and a port. */
public record HostPort(IpAddress addr, int port) {

    public HostPort {
        if (port < 0 || port > 0xffff) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /** The IPv4 address: the live side's (lab network, --iface), which speaks IPv4 only. */
    public Ipv4Address ipv4() {
        if (addr instanceof Ipv4Address v4) {
            return v4;
        }
        throw new IllegalStateException(this + " is IPv6; tcplab's live side speaks IPv4 only");
    }

    /** Parses "ADDR:PORT" (IPv4: the live side's). */
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

    /** "10.77.1.1:7", or "[fd77:2::2]:7" for IPv6 (RFC 3986's brackets keep the port apart). */
    @Override
    public String toString() {
        return addr instanceof Ipv6Address ? "[" + addr + "]:" + port : addr + ":" + port;
    }
}
