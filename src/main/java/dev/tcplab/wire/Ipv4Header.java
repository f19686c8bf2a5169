package dev.tcplab.wire;

/**
 * The fields of an IPv4 header (RFC 791 §3.1) that tcplab uses, with its codec. Segments the
 * endpoint sends carry DF and TTL 64, as Linux's do.
 */
public record Ipv4Header(Ipv4Address src, Ipv4Address dst, int protocol, int headerLength, int totalLength,
                         int identification, int ttl, boolean moreFragments, int fragmentOffset) {

    public static final int MIN_LENGTH = 20;
    public static final int DEFAULT_TTL = 64;
    private static final int FLAG_DF = 0x4000;

    public boolean isFragment() {
        return moreFragments || fragmentOffset != 0;
    }

    /** Writes a 20-byte header with its checksum at {@code off}. */
    public static void encode(Ipv4Address src, Ipv4Address dst, int protocol, int payloadLength, int id,
                              byte[] b, int off) {
        b[off] = 0x45;                                          // version 4, IHL 5 words
        b[off + 1] = 0;                                         // DSCP/ECN
        Bytes.put16(b, off + 2, MIN_LENGTH + payloadLength);    // total length
        Bytes.put16(b, off + 4, id);                            // identification
        Bytes.put16(b, off + 6, FLAG_DF);                       // don't fragment, offset 0
        b[off + 8] = (byte) DEFAULT_TTL;                        // time to live
        b[off + 9] = (byte) protocol;                           // protocol
        Bytes.put16(b, off + 10, 0);                            // checksum, filled below
        src.write(b, off + 12);
        dst.write(b, off + 16);
        Bytes.put16(b, off + 10, InternetChecksum.checksum(b, off, MIN_LENGTH));
    }

    /** Reads the header at {@code off}; {@code available} bytes follow it in the buffer. */
    public static Ipv4Header decode(byte[] b, int off, int available) throws MalformedPacketException {
        return decode(b, off, available, -1);
    }

    /**
     * The same for a captured packet that was {@code onTheWire} bytes long: a total length of 0 is then
     * taken to be that, as Wireshark does. A capture on the sending host sees segments before the network
     * card cuts them up (TCP segmentation offload), and some drivers, and Linux's BIG TCP for packets over
     * 64 KB, leave the length 0 there.
     */
    public static Ipv4Header decode(byte[] b, int off, int available, int onTheWire) throws MalformedPacketException {
        if (available < MIN_LENGTH) {
            throw new MalformedPacketException("IPv4 header needs 20 bytes, only " + available + " present");
        }
        int version = (b[off] & 0xf0) >>> 4;
        if (version != 4) {
            throw new MalformedPacketException("IP version " + version + ", not 4");
        }
        int ihl = (b[off] & 0x0f) * 4;
        if (ihl < MIN_LENGTH || ihl > available) {
            throw new MalformedPacketException("IPv4 header length " + ihl + " is impossible here");
        }
        int total = Bytes.u16(b, off + 2);
        if (total == 0 && onTheWire >= ihl) {
            total = onTheWire;
        }
        if (total < ihl) {
            throw new MalformedPacketException("IPv4 total length " + total + " is below its header length " + ihl);
        }
        int fragField = Bytes.u16(b, off + 6);
        return new Ipv4Header(Ipv4Address.read(b, off + 12), Ipv4Address.read(b, off + 16), b[off + 9] & 0xff, ihl,
                total, Bytes.u16(b, off + 4), b[off + 8] & 0xff, (fragField & 0x2000) != 0, (fragField & 0x1fff) * 8);
    }
}
