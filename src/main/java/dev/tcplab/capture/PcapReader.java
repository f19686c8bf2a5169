package dev.tcplab.capture;

import java.io.IOException;
import java.nio.channels.ReadableByteChannel;

/** The classic libpcap format: a 24-byte file header, then a 16-byte header before each packet. */
final class PcapReader implements CaptureReader {
    private static final int MICROS = 0xa1b2c3d4, NANOS = 0xa1b23c4d;
    private static final int FILE_HEADER = 24, RECORD_HEADER = 16;

    private final ReadableByteChannel channel;
    private final InputWindow in;
    private final ByteOrderReader order;
    private final long nanosPerTick;
    private final int linkType;
    private long frames;

    static boolean recognises(int magic) {
        return magic == MICROS || magic == NANOS || magic == Integer.reverseBytes(MICROS)
                || magic == Integer.reverseBytes(NANOS);
    }

    PcapReader(ReadableByteChannel channel, InputWindow in) throws IOException {
        this.channel = channel;
        this.in = in;
        if (!in.ensure(FILE_HEADER)) {
            throw new CaptureFormatException("the pcap file header is cut short (" + in.available() + " of 24 bytes)");
        }
        byte[] b = in.buffer();
        int p = in.position();
        int magic = ByteOrderReader.BIG.u32(b, p);
        order = magic == MICROS || magic == NANOS ? ByteOrderReader.BIG : ByteOrderReader.LITTLE;
        int native_ = order.u32(b, p);
        nanosPerTick = native_ == NANOS ? 1 : 1000;
        // The upper bits of the link-type field may carry FCS information (pcap-savefile(5)).
        linkType = order.u32(b, p + 20) & 0x03ff_ffff;
        in.skip(FILE_HEADER);
    }

    @Override
    public boolean next(CapturedPacket p) throws IOException {
        if (!in.ensure(RECORD_HEADER)) {
            if (in.available() == 0) {
                return false;
            }
            throw new CaptureFormatException("the file ends inside the header of packet " + (frames + 1)
                    + " (byte " + in.fileOffset() + "): it was cut short");
        }
        byte[] b = in.buffer();
        int h = in.position();
        long seconds = order.u32L(b, h);
        long fraction = order.u32L(b, h + 4);
        int captured = order.u32(b, h + 8);
        int original = order.u32(b, h + 12);
        if (captured < 0 || captured > InputWindow.MAX_RECORD) {
            throw new CaptureFormatException("packet " + (frames + 1) + " (byte " + in.fileOffset() + ") claims "
                    + Integer.toUnsignedString(captured) + " captured bytes: the file is damaged there");
        }
        if (!in.ensure(RECORD_HEADER + captured)) {
            throw new CaptureFormatException("the file ends inside packet " + (frames + 1) + " (byte "
                    + in.fileOffset() + ", " + (in.available() - RECORD_HEADER) + " of " + captured
                    + " bytes present): it was cut short");
        }
        frames++;
        p.frameNumber = frames;
        p.timeNanos = seconds * 1_000_000_000L + fraction * nanosPerTick;
        p.linkType = linkType;
        p.data = in.buffer();
        p.offset = in.position() + RECORD_HEADER;
        p.capturedLength = captured;
        p.originalLength = Math.max(original, captured);
        in.skip(RECORD_HEADER + captured);
        return true;
    }

    @Override
    public long position() {
        return in.fileOffset();
    }

    @Override
    public String format() {
        return "pcap";
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
