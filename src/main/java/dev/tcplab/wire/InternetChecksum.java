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
