package dev.tcplab.capture;

/**
 * Where the IPv4 packet starts inside a captured frame, for the link types tcplab reads
 * (numbers from the tcpdump.org LINKTYPE_ registry).
 */
public final class LinkLayer {
    public static final int NULL = 0, ETHERNET = 1, RAW = 101, LOOP = 108, LINUX_SLL = 113, IPV4 = 228,
            LINUX_SLL2 = 276;
    /** Some old files carry DLT_RAW's platform-specific numbers instead of LINKTYPE_RAW. */
    private static final int RAW_OPENBSD = 12, RAW_BSDOS = 14;
    private static final int ETHERTYPE_IPV4 = 0x0800, ETHERTYPE_VLAN = 0x8100, ETHERTYPE_QINQ = 0x88a8;

    /** A packet that is not IPv4 on a link tcplab knows: skipped quietly, counted. */
    public static final int NOT_IPV4 = -1;
    /** A link type tcplab cannot read. */
    public static final int UNKNOWN_LINK = -2;

    private LinkLayer() {
    }

    public static boolean known(int linkType) {
        return switch (linkType) {
            case NULL, ETHERNET, RAW, RAW_OPENBSD, RAW_BSDOS, LOOP, LINUX_SLL, IPV4, LINUX_SLL2 -> true;
            default -> false;
        };
    }

    /** The offset of the IPv4 header from {@code off}, {@link #NOT_IPV4} or {@link #UNKNOWN_LINK}. */
    public static int ipv4Offset(int linkType, byte[] b, int off, int len) {
        switch (linkType) {
            case ETHERNET: {
                int at = 12;
                while (at + 2 <= len) {
                    int type = u16(b, off + at);
                    if (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ) {
                        at += 4;
                        continue;
                    }
                    return type == ETHERTYPE_IPV4 ? at + 2 : NOT_IPV4;
                }
                return NOT_IPV4;
            }
            case LINUX_SLL:
                return len >= 16 && u16(b, off + 14) == ETHERTYPE_IPV4 ? 16 : NOT_IPV4;
            case LINUX_SLL2:
                return len >= 20 && u16(b, off) == ETHERTYPE_IPV4 ? 20 : NOT_IPV4;
            case NULL:
            case LOOP: {
                // A 4-byte address family in the writer's byte order (NULL) or network order (LOOP); AF_INET is 2.
                if (len < 4) {
                    return NOT_IPV4;
                }
                int le = (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
                return le == 2 || Integer.reverseBytes(le) == 2 ? 4 : NOT_IPV4;
            }
            case RAW:
            case RAW_OPENBSD:
            case RAW_BSDOS:
            case IPV4:
                return len >= 1 && (b[off] & 0xf0) == 0x40 ? 0 : NOT_IPV4;
            default:
                return UNKNOWN_LINK;
        }
    }

    public static String name(int linkType) {
        return switch (linkType) {
            case NULL -> "BSD loopback";
            case ETHERNET -> "Ethernet";
            case RAW, RAW_OPENBSD, RAW_BSDOS -> "raw IP";
            case LOOP -> "OpenBSD loopback";
            case LINUX_SLL -> "Linux cooked v1";
            case IPV4 -> "raw IPv4";
            case LINUX_SLL2 -> "Linux cooked v2";
            default -> "link type " + linkType;
        };
    }

    private static int u16(byte[] b, int off) {
        return (b[off] & 0xff) << 8 | (b[off + 1] & 0xff);
    }
}
