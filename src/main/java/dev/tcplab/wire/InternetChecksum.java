package dev.tcplab.wire;

/** The Internet checksum (RFC 1071): ones' complement of the ones' complement sum of 16-bit words. */
public final class InternetChecksum {

    private InternetChecksum() {
    }

    /** Adds bytes to a running 32-bit sum (not yet folded); an odd last byte is padded with zero. */
    public static long add(long sum, byte[] b, int off, int len) {
        int i = off;
        int end = off + len;
        for (; i + 1 < end; i += 2) {
            sum += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
        }
        if (i < end) {
            sum += (b[i] & 0xff) << 8;
        }
        return sum;
    }

    public static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }

    public static int checksum(byte[] b, int off, int len) {
        return ~fold(add(0, b, off, len)) & 0xffff;
    }

    /** The pseudo-header sum of either family: RFC 9293 §3.1 for IPv4, RFC 8200 §8.1 for IPv6. */
    public static long pseudoHeader(IpAddress src, IpAddress dst, int protocol, int length) {
        if (src instanceof Ipv4Address s4 && dst instanceof Ipv4Address d4) {
            return pseudoHeader(s4, d4, protocol, length);
        }
        if (src instanceof Ipv6Address s6 && dst instanceof Ipv6Address d6) {
            long s = 0;
            for (int i = 0; i < 8; i++) {
                s += s6.group(i) + d6.group(i);
            }
            return s + (length >>> 16) + (length & 0xffff) + protocol;
        }
        throw new IllegalArgumentException("addresses of two families: " + src + ", " + dst);
    }

    /** The TCP/UDP pseudo-header sum (RFC 9293 §3.1): addresses, zero, protocol, length. */
    public static long pseudoHeader(Ipv4Address src, Ipv4Address dst, int protocol, int length) {
        long s = 0;
        s += (src.bits() >>> 16) + (src.bits() & 0xffff);
        s += (dst.bits() >>> 16) + (dst.bits() & 0xffff);
        s += protocol;
        s += length;
        return s;
    }
}
