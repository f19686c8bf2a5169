package dev.tcplab.wire;

/**
 * A TCP segment with the addresses of the IP header that carried it, and what the receiver
 * could say about its checksum.
 */
public record TcpPacket(IpAddress src, IpAddress dst, Segment segment, ChecksumStatus checksum) {

    public HostPort source() {
        return new HostPort(src, segment.srcPort());
    }

    public HostPort destination() {
        return new HostPort(dst, segment.dstPort());
    }
}
