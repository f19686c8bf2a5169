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

    /** A kind tcplab does not interpret, kept whole. */
    record Unknown(int kind, byte[] data) implements TcpOption {
        public Unknown {
            data = data.clone();
        }
        public byte[] data() { return data.clone(); }
        public int length() { return 2 + data.length; }
        public String describe() { return "opt-" + kind + (data.length > 0 ? " " + HexFormat.of().formatHex(data) : ""); }
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
