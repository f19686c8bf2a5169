package dev.tcplab.wire;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A TCP option (RFC 9293 §3.2 and the RFCs each kind cites). Kinds tcplab does not know are kept
 * with their bytes; a malformed option ends parsing and is kept, with the rest of the option
 * space, as {@link Malformed} so that a ladder can show it rather than silently dropping it.
 */
public sealed interface TcpOption {

    int END = 0, NOP = 1, KIND_MSS = 2, KIND_WSCALE = 3, KIND_SACK_PERMITTED = 4, KIND_SACK = 5,
            KIND_TIMESTAMPS = 8;

    /** Bytes this option takes in the header. */
    int length();

    /** Short text as Wireshark and tcpdump would print it. */
    String describe();

    /** End of option list (kind 0): one byte; anything after it is padding. */
    record EndOfList() implements TcpOption {
        public int length() { return 1; }
        public String describe() { return "eol"; }
    }

    /** No-operation (kind 1): one byte of alignment. */
    record Nop() implements TcpOption {
        public int length() { return 1; }
        public String describe() { return "nop"; }
    }

    /** Maximum segment size (kind 2, RFC 9293 §3.7.1): only in SYNs. */
    record Mss(int value) implements TcpOption {
        public Mss {
            if (value < 0 || value > 0xffff) throw new IllegalArgumentException("MSS out of range: " + value);
        }
        public int length() { return 4; }
        public String describe() { return "mss " + value; }
    }

    /** Window scale (kind 3, RFC 7323 §2): the shift count, at most 14. */
    record WindowScale(int shift) implements TcpOption {
        public WindowScale {
            if (shift < 0 || shift > 0xff) throw new IllegalArgumentException("shift out of range: " + shift);
        }
        public int length() { return 3; }
        public String describe() { return "wscale " + shift; }
    }

    /** SACK permitted (kind 4, RFC 2018). */
    record SackPermitted() implements TcpOption {
        public int length() { return 2; }
        public String describe() { return "sackOK"; }
    }

    /** SACK blocks (kind 5, RFC 2018): pairs of left/right edges. */
    record Sack(long[] edges) implements TcpOption {
        public Sack {
            edges = edges.clone();
        }
        public long[] edges() { return edges.clone(); }
        /** How many edges, two per block; with {@link #edge}, the edges read without a copy. */
        public int edgeCount() { return edges.length; }
        public long edge(int i) { return edges[i]; }
        public int length() { return 2 + 4 * edges.length; }
        public String describe() {
            StringBuilder sb = new StringBuilder("sack");
            for (int i = 0; i + 1 < edges.length; i += 2) sb.append(' ').append(edges[i]).append(':').append(edges[i + 1]);
            return sb.toString();
        }
        @Override public boolean equals(Object o) { return o instanceof Sack s && Arrays.equals(edges, s.edges); }
        @Override public int hashCode() { return Arrays.hashCode(edges); }
    }

    /** Timestamps (kind 8, RFC 7323 §3): TSval and TSecr, unsigned 32 bits each. */
    record Timestamps(long tsVal, long tsEcr) implements TcpOption {
        public int length() { return 10; }
        public String describe() { return "TS val " + tsVal + " ecr " + tsEcr; }
    }

    /**
     * A kind tcplab does not interpret, kept whole. Those that real captures carry are named as tcpdump
     * names them (TCP Fast Open from Linux and Chrome, Multipath TCP from phones, …); the rest by number.
     */
    record Unknown(int kind, byte[] data) implements TcpOption {
        /** RFC 8684's MPTCP option subtypes, numbered from 0. */
        private static final String[] MPTCP_SUBTYPES = {"capable", "join", "dss", "add-addr", "remove-addr", "prio",
                "fail", "fastclose", "tcprst"};
        /** RFC 6994's ExID of TCP Fast Open before it had kind 34 (RFC 7413 §4.1.1). */
        private static final int TFO_EXPERIMENT_ID = 0xf989;

        public Unknown {
            data = data.clone();
        }
        public byte[] data() { return data.clone(); }
        public int length() { return 2 + data.length; }
        public String describe() {
            return switch (kind) {
                case 19 -> "md5" + hex(data, 0);                                   // RFC 2385
                case 28 -> userTimeout();                                           // RFC 5482
                case 29 -> "tcp-ao" + hex(data, 0);                                 // RFC 5925
                case 30 -> data.length == 0 ? "mptcp" : "mptcp " + mptcpSubtype() + hex(data, 0); // RFC 8684
                case 34 -> data.length == 0 ? "tfo cookiereq" : "tfo cookie" + hex(data, 0); // RFC 7413
                case 253, 254 -> data.length >= 2 && ((data[0] & 0xff) << 8 | (data[1] & 0xff)) == TFO_EXPERIMENT_ID
                        ? (data.length == 2 ? "tfo cookiereq" : "tfo cookie" + hex(data, 2)) + " (experimental)"
                        : "experimental-" + kind + hex(data, 0);                  // RFC 4727, 6994
                default -> "opt-" + kind + hex(data, 0);
            };
        }

        private String mptcpSubtype() {
            int subtype = (data[0] & 0xff) >>> 4;
            return subtype < MPTCP_SUBTYPES.length ? MPTCP_SUBTYPES[subtype] : "subtype-" + subtype;
        }

        /** 15 bits of timeout, in minutes when the top bit is set, else in seconds. */
        private String userTimeout() {
            if (data.length != 2) {
                return "uto" + hex(data, 0);
            }
            int value = (data[0] & 0x7f) << 8 | (data[1] & 0xff);
            return "uto " + value + ((data[0] & 0x80) != 0 ? "min" : "s");
        }

        private static String hex(byte[] data, int from) {
            return data.length > from ? " " + HexFormat.of().formatHex(data, from, data.length) : "";
        }
        @Override public boolean equals(Object o) { return o instanceof Unknown u && u.kind == kind && Arrays.equals(data, u.data); }
        @Override public int hashCode() { return 31 * kind + Arrays.hashCode(data); }
    }

    /** Option bytes that could not be parsed (bad length, truncated); parsing stopped there. */
    record Malformed(int kind, byte[] rest, String reason) implements TcpOption {
        public Malformed {
            rest = rest.clone();
        }
        public byte[] rest() { return rest.clone(); }
        public int length() { return rest.length; }
        public String describe() { return "malformed(kind " + kind + ": " + reason + ")"; }
        @Override public boolean equals(Object o) {
            return o instanceof Malformed m && m.kind == kind && Arrays.equals(rest, m.rest) && m.reason.equals(reason);
        }
        @Override public int hashCode() { return 31 * kind + Arrays.hashCode(rest); }
    }
}
