package dev.tcplab.wire;

/**
 * The fields of an IPv6 header (RFC 8200) that the analysis uses, read past the extension headers
 * to the upper-layer protocol. Decode only: the live side speaks IPv4.
 *
 * @param protocol      the upper layer's Next Header value (6 for TCP), or {@link #NO_NEXT_HEADER}
 * @param headerLength  the fixed header and every extension header before the upper layer
 * @param totalLength   the fixed header plus the Payload Length field: where the packet ends
 * @param fragmentOffset in bytes, from a Fragment header; 0 without one
 * @param fragmentId     the Fragment header's Identification (32 bits); 0 without one
 */
public record Ipv6Header(Ipv6Address src, Ipv6Address dst, int protocol, int headerLength, int totalLength,
                         boolean moreFragments, int fragmentOffset, long fragmentId) {

    public static final int FIXED_LENGTH = 40;
    public static final int NO_NEXT_HEADER = 59;
    private static final int HOP_BY_HOP = 0, ROUTING = 43, FRAGMENT = 44, AUTHENTICATION = 51,
            DESTINATION_OPTIONS = 60;
    /** More extension headers than any real packet carries: a loop guard against crafted chains. */
    private static final int MAX_EXTENSION_HEADERS = 16;

    /** Reads the header at {@code off}; {@code available} bytes follow it in the buffer. */
    public static Ipv6Header decode(byte[] b, int off, int available) throws MalformedPacketException {
        if (available < FIXED_LENGTH) {
            throw new MalformedPacketException("IPv6 header needs 40 bytes, only " + available + " present");
        }
        int version = (b[off] & 0xf0) >>> 4;
        if (version != 6) {
            throw new MalformedPacketException("IP version " + version + ", not 6");
        }
        int payloadLength = Bytes.u16(b, off + 4);
        int next = b[off + 6] & 0xff;
        if (payloadLength == 0 && next == HOP_BY_HOP) {
            throw new MalformedPacketException("an IPv6 jumbogram (payload length 0, RFC 2675): not read");
        }
        int total = FIXED_LENGTH + payloadLength;
        int at = FIXED_LENGTH;
        boolean more = false;
        int fragmentOffset = 0;
        long fragmentId = 0;
        for (int seen = 0; isExtension(next); seen++) {
            if (seen == MAX_EXTENSION_HEADERS) {
                throw new MalformedPacketException("more than " + MAX_EXTENSION_HEADERS + " IPv6 extension headers");
            }
            if (at + 8 > Math.min(available, total)) {
                throw new MalformedPacketException("IPv6 extension header " + next + " at byte " + at
                        + " runs past the " + (available < total ? "captured bytes" : "packet"));
            }
            int length = switch (next) {
                case FRAGMENT -> 8;
                case AUTHENTICATION -> ((b[off + at + 1] & 0xff) + 2) * 4;
                default -> ((b[off + at + 1] & 0xff) + 1) * 8;
            };
            if (next == FRAGMENT) {
                int field = Bytes.u16(b, off + at + 2);
                fragmentOffset = field & 0xfff8;
                more = (field & 1) != 0;
                fragmentId = Bytes.u32(b, off + at + 4);
            }
            next = b[off + at] & 0xff;
            at += length;
        }
        if (at > total) {
            throw new MalformedPacketException("IPv6 extension headers (" + at + " bytes) run past the packet's "
                    + total);
        }
        if (at > available) {
            throw new MalformedPacketException("IPv6 extension headers (" + at + " bytes) cut by the capture at "
                    + available);
        }
        return new Ipv6Header(Ipv6Address.read(b, off + 8), Ipv6Address.read(b, off + 24), next, at, total, more,
                fragmentOffset, fragmentId);
    }

    private static boolean isExtension(int nextHeader) {
        return nextHeader == HOP_BY_HOP || nextHeader == ROUTING || nextHeader == FRAGMENT
                || nextHeader == AUTHENTICATION || nextHeader == DESTINATION_OPTIONS;
    }
}
