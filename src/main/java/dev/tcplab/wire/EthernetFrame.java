package dev.tcplab.wire;

/**
 * Ethernet II framing (14-byte header) for the two payloads tcplab speaks on a link: ARP and
 * IPv4 carrying TCP. pcap4j's sendPacket takes whole frames, so the header is ours to build.
 */
public final class EthernetFrame {

    public static final int HEADER = 14;
    public static final int TYPE_IPV4 = 0x0800, TYPE_ARP = 0x0806;
    /** Frames shorter than this are padded by the sender (IEEE 802.3: 64 bytes less the 4-byte FCS). */
    public static final int MIN_FRAME = 60;

    private EthernetFrame() {
    }

    public static byte[] tcp(MacAddress srcMac, MacAddress dstMac, Ipv4Address src, Ipv4Address dst, Segment s,
                             int ipId) {
        int tcpLen = TcpCodec.encodedLength(s);
        byte[] f = new byte[Math.max(MIN_FRAME, HEADER + Ipv4Header.MIN_LENGTH + tcpLen)];
        header(f, dstMac, srcMac, TYPE_IPV4);
        Ipv4Header.encode(src, dst, TcpCodec.PROTOCOL, tcpLen, ipId, f, HEADER);
        TcpCodec.encode(src, dst, s, f, HEADER + Ipv4Header.MIN_LENGTH);
        return f;
    }

    public static byte[] arp(MacAddress srcMac, MacAddress dstMac, ArpPacket arp) {
        byte[] f = new byte[MIN_FRAME];
        header(f, dstMac, srcMac, TYPE_ARP);
        arp.encode(f, HEADER);
        return f;
    }

    private static void header(byte[] f, MacAddress dst, MacAddress src, int type) {
        dst.write(f, 0);
        src.write(f, 6);
        Bytes.put16(f, 12, type);
    }

    public static int etherType(byte[] f) {
        return f.length < HEADER ? -1 : Bytes.u16(f, 12);
    }

    public static boolean isFor(byte[] f, MacAddress mac) {
        return f.length >= HEADER && (mac.matches(f, 0) || MacAddress.BROADCAST.matches(f, 0));
    }

    public static MacAddress source(byte[] f) {
        return MacAddress.read(f, 6);
    }

    /** The ARP packet in a frame, or null when the frame holds none. */
    public static ArpPacket decodeArp(byte[] f) throws MalformedPacketException {
        if (etherType(f) != TYPE_ARP) {
            return null;
        }
        return ArpPacket.decode(f, HEADER, f.length - HEADER);
    }

    /** The TCP packet in an Ethernet frame, or null when the frame holds no unfragmented IPv4 TCP. */
    public static TcpPacket decodeTcp(byte[] f, int capturedLen) throws MalformedPacketException {
        if (etherType(f) != TYPE_IPV4) {
            return null;
        }
        return Ipv4Tcp.decode(f, HEADER, capturedLen - HEADER);
    }
}
