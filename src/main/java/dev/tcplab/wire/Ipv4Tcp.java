package dev.tcplab.wire;

/** Decodes TCP carried in an IPv4 packet, whatever link layer came before it. */
public final class Ipv4Tcp {

    private Ipv4Tcp() {
    }

    /**
     * The TCP packet at {@code off}, or null for other protocols and for non-first fragments.
     * {@code captured} is how many bytes of the IP packet the buffer holds (a capture may cut it).
     */
    public static TcpPacket decode(byte[] b, int off, int captured) throws MalformedPacketException {
        Ipv4Header ip = Ipv4Header.decode(b, off, captured);
        if (ip.protocol() != TcpCodec.PROTOCOL || ip.fragmentOffset() != 0) {
            return null;
        }
        if (ip.moreFragments()) {
            throw new MalformedPacketException("first fragment of a fragmented TCP segment; not reassembled");
        }
        int tcpLen = ip.totalLength() - ip.headerLength();
        // Ethernet pads short frames: trust the IP total length, not the frame length.
        int tcpCaptured = Math.min(tcpLen, captured - ip.headerLength());
        return TcpCodec.decode(ip.src(), ip.dst(), b, off + ip.headerLength(), tcpLen, tcpCaptured);
    }
}
