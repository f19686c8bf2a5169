package dev.tcplab.capture;

/**
 * Where the IP packet (IPv4 or IPv6) starts inside a captured frame, for the link types tcplab
 * reads (numbers from the tcpdump.org LINKTYPE_ registry). The caller tells the two apart by the
 * version in the packet's first byte.
 */
public final class LinkLayer {
    public static final int NULL = 0, ETHERNET = 1, RAW = 101, LOOP = 108, LINUX_SLL = 113, IPV4 = 228,
            IPV6 = 229, LINUX_SLL2 = 276;
    /** Some old files carry DLT_RAW's platform-specific numbers instead of LINKTYPE_RAW. */
    private static final int RAW_OPENBSD = 12, RAW_BSDOS = 14;
    private static final int ETHERTYPE_IPV4 = 0x0800, ETHERTYPE_IPV6 = 0x86dd, ETHERTYPE_VLAN = 0x8100,
            ETHERTYPE_QINQ = 0x88a8;
    /** AF_INET, and AF_INET6 as Linux, the BSDs and macOS number it (a loopback header holds the writer's). */
    private static final int AF_INET = 2, AF_INET6_LINUX = 10, AF_INET6_BSD = 24, AF_INET6_FREEBSD = 28,
            AF_INET6_DARWIN = 30;

    /** A packet that is not IP on a link tcplab knows (ARP, …): skipped quietly, counted. */
    public static final int NOT_IP = -1;
    /** A link type tcplab cannot read. */
    public static final int UNKNOWN_LINK = -2;

    private LinkLayer() {
    }

    public static boolean known(int linkType) {
        return switch (linkType) {
            case NULL, ETHERNET, RAW, RAW_OPENBSD, RAW_BSDOS, LOOP, LINUX_SLL, IPV4, IPV6, LINUX_SLL2 -> true;
            default -> false;
        };
    }

    /** The offset of the IP header from {@code off}, {@link #NOT_IP} or {@link #UNKNOWN_LINK}. */
    public static int ipOffset(int linkType, byte[] b, int off, int len) {
        switch (linkType) {
            case ETHERNET: {
                int at = 12;
                while (at + 2 <= len) {
                    int type = u16(b, off + at);
                    if (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ) {
                        at += 4;
                        continue;
                    }
                    return isIp(type) ? at + 2 : NOT_IP;
                }
                return NOT_IP;
            }
            case LINUX_SLL:
                return len >= 16 && isIp(u16(b, off + 14)) ? 16 : NOT_IP;
            case LINUX_SLL2:
                return len >= 20 && isIp(u16(b, off)) ? 20 : NOT_IP;
            case NULL:
            case LOOP: {
                // A 4-byte address family in the writer's byte order (NULL) or network order (LOOP).
                if (len < 4) {
                    return NOT_IP;
                }
                int le = (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
                return isInetFamily(le) || isInetFamily(Integer.reverseBytes(le)) ? 4 : NOT_IP;
            }
            case RAW:
            case RAW_OPENBSD:
            case RAW_BSDOS:
                return len >= 1 && ((b[off] & 0xf0) == 0x40 || (b[off] & 0xf0) == 0x60) ? 0 : NOT_IP;
            case IPV4:
                return len >= 1 && (b[off] & 0xf0) == 0x40 ? 0 : NOT_IP;
            case IPV6:
                return len >= 1 && (b[off] & 0xf0) == 0x60 ? 0 : NOT_IP;
            default:
                return UNKNOWN_LINK;
        }
    }

    private static boolean isIp(int etherType) {
        return etherType == ETHERTYPE_IPV4 || etherType == ETHERTYPE_IPV6;
    }

    private static boolean isInetFamily(int family) {
        return family == AF_INET || family == AF_INET6_LINUX || family == AF_INET6_BSD || family == AF_INET6_FREEBSD
                || family == AF_INET6_DARWIN;
    }

    public static String name(int linkType) {
        return switch (linkType) {
            case NULL -> "BSD loopback";
            case ETHERNET -> "Ethernet";
            case RAW, RAW_OPENBSD, RAW_BSDOS -> "raw IP";
            case LOOP -> "OpenBSD loopback";
            case LINUX_SLL -> "Linux cooked v1";
            case IPV4 -> "raw IPv4";
            case IPV6 -> "raw IPv6";
            case LINUX_SLL2 -> "Linux cooked v2";
            default -> "link type " + linkType;
        };
    }

    private static int u16(byte[] b, int off) {
        return (b[off] & 0xff) << 8 | (b[off + 1] & 0xff);
    }
}
