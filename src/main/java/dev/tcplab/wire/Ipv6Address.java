package dev.tcplab.wire;

/**
 * An IPv6 address as its 128 bits, high and low halves; printed as RFC 5952 recommends (and as
 * tshark prints it): lower-case hex, no leading zeros, the longest run of two or more zero groups
 * as "::", and an IPv4-mapped address with its IPv4 part in dotted quad.
 */
public record Ipv6Address(long high, long low) implements IpAddress {

    public static Ipv6Address read(byte[] b, int off) {
        return new Ipv6Address(Bytes.u32(b, off) << 32 | Bytes.u32(b, off + 4),
                Bytes.u32(b, off + 8) << 32 | Bytes.u32(b, off + 12));
    }

    /** The address's eight 16-bit groups, most significant first. */
    public int group(int i) {
        long half = i < 4 ? high : low;
        return (int) (half >>> (48 - 16 * (i % 4))) & 0xffff;
    }

    // equals and hashCode written out, as in Ipv4Address: see there.
    @Override
    public boolean equals(Object o) {
        return o instanceof Ipv6Address a && a.high == high && a.low == low;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(high) * 31 + Long.hashCode(low);
    }

    @Override
    public String toString() {
        if (high == 0 && (low >>> 32) == 0xffffL) { // ::ffff:a.b.c.d (RFC 5952 §5)
            return "::ffff:" + new Ipv4Address((int) low);
        }
        int runStart = -1, runLength = 0;
        for (int i = 0; i < 8; ) {
            if (group(i) != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && group(j) == 0) {
                j++;
            }
            if (j - i > runLength) {
                runStart = i;
                runLength = j - i;
            }
            i = j;
        }
        if (runLength < 2) {
            runStart = -1; // a single zero group is written as 0, not "::" (RFC 5952 §4.2.2)
        }
        StringBuilder s = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == runStart) {
                s.append("::");
                i += runLength - 1;
                continue;
            }
            if (s.length() > 0 && s.charAt(s.length() - 1) != ':') {
                s.append(':');
            }
            s.append(Integer.toHexString(group(i)));
        }
        return s.toString();
    }
}
