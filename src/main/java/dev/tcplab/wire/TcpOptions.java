package dev.tcplab.wire;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Parses and emits the option space of a TCP header, by (kind, length) as RFC 9293 §3.1 lays out. */
public final class TcpOptions {

    /** The option space is at most 40 bytes: data offset 15 words × 4 − 20 bytes of fixed header. */
    public static final int MAX_SPACE = 15 * 4 - 20;

    private TcpOptions() {
    }

    /** At most this many options fit in a header's 40 option bytes (all NOPs). */
    private static final int MAX_OPTIONS = 40;
    /** Options without content, shared: nearly every segment has two NOPs. */
    private static final TcpOption NOP = new TcpOption.Nop(), END_OF_LIST = new TcpOption.EndOfList();

    /**
     * Parses {@code len} option bytes starting at {@code off}. Never throws on bad input: the first
     * option whose length is impossible (below 2, past the end, wrong for its kind) becomes a
     * {@link TcpOption.Malformed} holding the remaining bytes, and parsing stops, as Linux's
     * tcp_parse_options stops at "silly options".
     */
    public static List<TcpOption> parse(byte[] buf, int off, int len) {
        // The two layouts of nearly every segment, without the general path's list and copy: none, and
        // Linux's NOP, NOP, timestamps. Reading a capture parses a million or more of these. The general
        // path is a method of its own so that this one stays small: the JIT compiled the two together in
        // 64-73 ms, early in its queue, ahead of the analysis' own methods (1.5-2 % of a launch).
        if (len <= 0) {
            return List.of();
        }
        if (len == 12 && buf[off] == TcpOption.NOP && buf[off + 1] == TcpOption.NOP
                && buf[off + 2] == TcpOption.KIND_TIMESTAMPS && buf[off + 3] == 10) {
            return List.of(NOP, NOP, new TcpOption.Timestamps(Bytes.u32(buf, off + 4), Bytes.u32(buf, off + 8)));
        }
        return parseAny(buf, off, len);
    }

    /** Any layout, option by option. */
    private static List<TcpOption> parseAny(byte[] buf, int off, int len) {
        List<TcpOption> out = new ArrayList<>(Math.max(0, Math.min(len, MAX_OPTIONS)));
        int i = off;
        int end = off + len;
        while (i < end) {
            int kind = buf[i] & 0xff;
            if (kind == TcpOption.END) {
                out.add(END_OF_LIST);
                break; // the rest is padding
            }
            if (kind == TcpOption.NOP) {
                out.add(NOP);
                i++;
                continue;
            }
            if (i + 1 >= end) {
                out.add(malformed(buf, i, end, kind, "no length byte"));
                break;
            }
            int olen = buf[i + 1] & 0xff;
            if (olen < 2) {
                out.add(malformed(buf, i, end, kind, "length " + olen + " < 2"));
                break;
            }
            if (i + olen > end) {
                out.add(malformed(buf, i, end, kind, "length " + olen + " runs past the header"));
                break;
            }
            Optional<String> wrong = expectedLength(kind, olen);
            if (wrong.isPresent()) {
                out.add(malformed(buf, i, end, kind, wrong.get()));
                break;
            }
            out.add(decode(buf, i, kind, olen));
            i += olen;
        }
        return List.copyOf(out);
    }

    private static Optional<String> expectedLength(int kind, int olen) {
        int want = switch (kind) {
            case TcpOption.KIND_MSS -> 4;
            case TcpOption.KIND_WSCALE -> 3;
            case TcpOption.KIND_SACK_PERMITTED -> 2;
            case TcpOption.KIND_TIMESTAMPS -> 10;
            default -> -1;
        };
        if (want > 0 && olen != want) {
            return Optional.of("length " + olen + ", expected " + want);
        }
        if (kind == TcpOption.KIND_SACK && (olen < 10 || (olen - 2) % 8 != 0)) {
            return Optional.of("SACK length " + olen + " is not 2 + 8n (n ≥ 1)");
        }
        return Optional.empty();
    }

    private static TcpOption decode(byte[] b, int i, int kind, int olen) {
        return switch (kind) {
            case TcpOption.KIND_MSS -> new TcpOption.Mss(Bytes.u16(b, i + 2));
            case TcpOption.KIND_WSCALE -> new TcpOption.WindowScale(b[i + 2] & 0xff);
            case TcpOption.KIND_SACK_PERMITTED -> new TcpOption.SackPermitted();
            case TcpOption.KIND_TIMESTAMPS -> new TcpOption.Timestamps(Bytes.u32(b, i + 2), Bytes.u32(b, i + 6));
            case TcpOption.KIND_SACK -> {
                long[] edges = new long[(olen - 2) / 4];
                for (int k = 0; k < edges.length; k++) {
                    edges[k] = Bytes.u32(b, i + 2 + 4 * k);
                }
                yield new TcpOption.Sack(edges);
            }
            default -> new TcpOption.Unknown(kind, java.util.Arrays.copyOfRange(b, i + 2, i + olen));
        };
    }

    private static TcpOption malformed(byte[] b, int from, int end, int kind, String reason) {
        return new TcpOption.Malformed(kind, java.util.Arrays.copyOfRange(b, from, end), reason);
    }

    /** Bytes the options take once padded with zeros (end-of-list) to a multiple of four. */
    public static int paddedLength(List<TcpOption> options) {
        int n = 0;
        for (TcpOption o : options) {
            n += o.length();
        }
        return (n + 3) & ~3;
    }

    private static int emitOne(TcpOption o, byte[] b, int i) {
        if (o instanceof TcpOption.EndOfList) {
            b[i] = TcpOption.END;
        } else if (o instanceof TcpOption.Nop) {
            b[i] = TcpOption.NOP;
        } else if (o instanceof TcpOption.Mss m) {
            b[i] = TcpOption.KIND_MSS;
            b[i + 1] = 4;
            Bytes.put16(b, i + 2, m.value());
        } else if (o instanceof TcpOption.WindowScale w) {
            b[i] = TcpOption.KIND_WSCALE;
            b[i + 1] = 3;
            b[i + 2] = (byte) w.shift();
        } else if (o instanceof TcpOption.SackPermitted) {
            b[i] = TcpOption.KIND_SACK_PERMITTED;
            b[i + 1] = 2;
        } else if (o instanceof TcpOption.Timestamps t) {
            b[i] = TcpOption.KIND_TIMESTAMPS;
            b[i + 1] = 10;
            Bytes.put32(b, i + 2, t.tsVal());
            Bytes.put32(b, i + 6, t.tsEcr());
        } else if (o instanceof TcpOption.Sack s) {
            long[] e = s.edges();
            b[i] = TcpOption.KIND_SACK;
            b[i + 1] = (byte) s.length();
            for (int k = 0; k < e.length; k++) {
                Bytes.put32(b, i + 2 + 4 * k, e[k]);
            }
        } else if (o instanceof TcpOption.Unknown u) {
            byte[] d = u.data();
            b[i] = (byte) u.kind();
            b[i + 1] = (byte) (2 + d.length);
            System.arraycopy(d, 0, b, i + 2, d.length);
        } else if (o instanceof TcpOption.Malformed m) {
            byte[] r = m.rest();
            System.arraycopy(r, 0, b, i, r.length);
        }
        return i + o.length();
    }

    /** Writes the options at {@code off}, padded to a multiple of four; returns the padded length. */
    public static int emit(List<TcpOption> options, byte[] b, int off) {
        int i = off;
        for (TcpOption o : options) {
            i = emitOne(o, b, i);
        }
        int padded = (i - off + 3) & ~3;
        while (i < off + padded) {
            b[i++] = 0;
        }
        return padded;
    }
}
