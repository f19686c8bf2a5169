package dev.tcplab.capture;

import java.io.IOException;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The pcapng format (draft-ietf-opsawg-pcapng): blocks of type, length, body, length. Reads
 * section headers (either byte order), interface descriptions (name, link type, timestamp resolution
 * and offset) and enhanced, simple and obsolete packet blocks; skips every other block.
 */
final class PcapngReader implements CaptureReader {
    static final int SECTION_HEADER = 0x0a0d0d0a;
    private static final int INTERFACE = 1, OBSOLETE_PACKET = 2, SIMPLE_PACKET = 3, ENHANCED_PACKET = 6;
    private static final int BYTE_ORDER_MAGIC = 0x1a2b3c4d;
    private static final int OPT_NAME = 2, OPT_TSRESOL = 9, OPT_TSOFFSET = 14;
    /** Memory follows the file's interfaces, so they are bounded: a real capture has a handful. */
    static final int MAX_INTERFACES = 4096;

    private static final class Interface {
        final String name;
        final int linkType, snaplen;
        final long ticksPerSecond, offsetSeconds;
        long packets;

        Interface(String name, int linkType, int snaplen, long ticksPerSecond, long offsetSeconds) {
            this.name = name;
            this.linkType = linkType;
            this.snaplen = snaplen;
            this.ticksPerSecond = ticksPerSecond;
            this.offsetSeconds = offsetSeconds;
        }

        long nanos(long ticks) {
            long whole = Long.divideUnsigned(ticks, ticksPerSecond);
            long part = Long.remainderUnsigned(ticks, ticksPerSecond);
            long fractionNanos = ticksPerSecond <= 1_000_000_000L ? part * (1_000_000_000L / ticksPerSecond)
                    : (long) (part * (1e9 / ticksPerSecond));
            return (whole + offsetSeconds) * 1_000_000_000L + fractionNanos;
        }
    }

    private final ReadableByteChannel channel;
    private final InputWindow in;
    private ByteOrderReader order = ByteOrderReader.LITTLE;
    /** The current section's interfaces, which its packets name by index. */
    private final List<Interface> interfaces = new ArrayList<>();
    /** Every section's, for the summary. */
    private final List<Interface> described = new ArrayList<>();
    private long frames;

    PcapngReader(ReadableByteChannel channel, InputWindow in) {
        this.channel = channel;
        this.in = in;
    }

    @Override
    public boolean next(CapturedPacket p) throws IOException {
        while (true) {
            if (!in.ensure(12)) {
                if (in.available() == 0) {
                    return false;
                }
                throw cut("a block header");
            }
            byte[] b = in.buffer();
            int at = in.position();
            int type = ByteOrderReader.BIG.u32(b, at);
            if (type == SECTION_HEADER) {
                readOrder(b, at);
            }
            type = order.u32(b, at);
            int length = order.u32(b, at + 4);
            if (length < 12 || length % 4 != 0 || length > InputWindow.MAX_RECORD) {
                throw new CaptureFormatException("block at byte " + in.fileOffset() + " has an impossible length "
                        + Integer.toUnsignedString(length) + ": the file is damaged there");
            }
            if (!in.ensure(length)) {
                throw cut("a block of " + length + " bytes");
            }
            b = in.buffer();
            at = in.position();
            boolean packet = switch (type) {
                case SECTION_HEADER -> {
                    interfaces.clear();
                    yield false;
                }
                case INTERFACE -> {
                    if (described.size() == MAX_INTERFACES) {
                        throw new CaptureFormatException("interface block at byte " + in.fileOffset() + " is one more "
                                + "than the " + MAX_INTERFACES + " tcplab keeps: the file is damaged, or not a capture");
                    }
                    Interface itf = readInterface(b, at, length);
                    interfaces.add(itf);
                    described.add(itf);
                    yield false;
                }
                case ENHANCED_PACKET -> enhanced(p, b, at, length, false);
                case OBSOLETE_PACKET -> enhanced(p, b, at, length, true);
                case SIMPLE_PACKET -> simple(p, b, at, length);
                default -> false;
            };
            in.skip(length);
            if (packet) {
                return true;
            }
        }
    }

    private void readOrder(byte[] b, int at) throws IOException {
        if (!in.ensure(12)) {
            throw cut("a section header");
        }
        int magic = ByteOrderReader.BIG.u32(b, at + 8);
        if (magic == BYTE_ORDER_MAGIC) {
            order = ByteOrderReader.BIG;
        } else if (Integer.reverseBytes(magic) == BYTE_ORDER_MAGIC) {
            order = ByteOrderReader.LITTLE;
        } else {
            throw new CaptureFormatException("section header at byte " + in.fileOffset()
                    + " has no valid byte-order magic: not a pcapng file, or damaged");
        }
    }

    private Interface readInterface(byte[] b, int at, int length) throws CaptureFormatException {
        if (length < 20) {
            throw new CaptureFormatException("interface block at byte " + in.fileOffset() + " is too short");
        }
        int linkType = order.u16(b, at + 8);
        int snaplen = order.u32(b, at + 12);
        long ticks = 1_000_000;
        long offset = 0;
        String name = "interface " + interfaces.size();
        int o = at + 16;
        int end = at + length - 4;
        while (o + 4 <= end) {
            int code = order.u16(b, o);
            int len = order.u16(b, o + 2);
            if (code == 0 || o + 4 + len > end) {
                break;
            }
            if (code == OPT_TSRESOL && len >= 1) {
                int v = b[o + 4] & 0xff;
                int exp = v & 0x7f;
                if ((v & 0x80) != 0) {
                    ticks = exp >= 63 ? Long.MAX_VALUE : 1L << exp;
                } else {
                    ticks = 1;
                    for (int i = 0; i < Math.min(exp, 18); i++) {
                        ticks *= 10;
                    }
                }
            } else if (code == OPT_TSOFFSET && len >= 8) {
                offset = order.u64(b, o + 4);
            } else if (code == OPT_NAME && len > 0) {
                name = new String(b, o + 4, len, StandardCharsets.UTF_8).replace("\0", "");
            }
            o += 4 + ((len + 3) & ~3);
        }
        return new Interface(name, linkType, snaplen == 0 ? Integer.MAX_VALUE : snaplen, Math.max(1, ticks), offset);
    }

    /** An enhanced packet block, or the obsolete packet block whose layout differs only in its first field. */
    private boolean enhanced(CapturedPacket p, byte[] b, int at, int length, boolean obsolete) throws CaptureFormatException {
        if (length < 32) {
            throw new CaptureFormatException("packet block at byte " + in.fileOffset() + " is too short");
        }
        int ifIndex = obsolete ? order.u16(b, at + 8) : order.u32(b, at + 8);
        Interface itf = iface(ifIndex);
        long ticks = order.u32L(b, at + 12) << 32 | order.u32L(b, at + 16);
        int captured = order.u32(b, at + 20);
        int original = order.u32(b, at + 24);
        if (captured < 0 || 28 + captured > length - 4) {
            throw new CaptureFormatException("packet " + (frames + 1) + " (byte " + in.fileOffset() + ") claims "
                    + Integer.toUnsignedString(captured) + " bytes in a block of " + length + ": the file is damaged there");
        }
        fill(p, itf, itf.nanos(ticks), b, at + 28, captured, original);
        return true;
    }

    private boolean simple(CapturedPacket p, byte[] b, int at, int length) throws CaptureFormatException {
        Interface itf = iface(0);
        int original = order.u32(b, at + 8);
        int captured = Math.min(Math.min(original, itf.snaplen), length - 16);
        fill(p, itf, 0, b, at + 12, Math.max(0, captured), original);
        return true;
    }

    private void fill(CapturedPacket p, Interface itf, long nanos, byte[] b, int off, int captured, int original) {
        frames++;
        itf.packets++;
        p.frameNumber = frames;
        p.timeNanos = nanos;
        p.linkType = itf.linkType;
        p.data = b;
        p.offset = off;
        p.capturedLength = captured;
        p.originalLength = Math.max(captured, original);
    }

    private Interface iface(int index) throws CaptureFormatException {
        if (index < 0 || index >= interfaces.size()) {
            throw new CaptureFormatException("packet " + (frames + 1) + " (byte " + in.fileOffset()
                    + ") names interface " + index + ", which no interface block described");
        }
        return interfaces.get(index);
    }

    private CaptureFormatException cut(String what) {
        return new CaptureFormatException("the file ends inside " + what + " after packet " + frames + " (byte "
                + in.fileOffset() + "): it was cut short");
    }

    @Override
    public long position() {
        return in.fileOffset();
    }

    @Override
    public String format() {
        return "pcapng";
    }

    @Override
    public List<CaptureInterface> interfaces() {
        return described.stream().map(i -> new CaptureInterface(i.name, i.linkType, i.packets)).toList();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
