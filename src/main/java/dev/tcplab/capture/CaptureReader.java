package dev.tcplab.capture;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Streams the packet records of a pcap or pcapng file, whichever the file's first bytes say it
 * is. Memory stays the size of one buffer whatever the file's size.
 */
public interface CaptureReader extends Closeable {

    /** Fills {@code p} with the next packet; false at the end of the file. */
    boolean next(CapturedPacket p) throws IOException;

    /** Bytes read so far, for progress. */
    long position();

    /** "pcap" or "pcapng". */
    String format();

    /** The interfaces a pcapng file describes, in order, with the packets read from each so far; none for pcap. */
    default List<CaptureInterface> interfaces() {
        return List.of();
    }

    int BUFFER = 1 << 20;

    static CaptureReader open(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new CaptureFormatException(file + " is a directory, not a capture file");
        }
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new CaptureFormatException("no such file: " + file);
        }
        return of(ch, file.toString());
    }

    /** Reads from any channel (a file, a pipe, bytes in memory); {@code name} is for messages. Closes it on failure. */
    static CaptureReader of(ReadableByteChannel ch, String name) throws IOException {
        try {
            InputWindow in = new InputWindow(ch, BUFFER);
            if (!in.ensure(4)) {
                throw new CaptureFormatException(name + " is " + (in.available() == 0 ? "empty" : "too short to be a capture")
                        + ": a pcap or pcapng file starts with a 24-byte header");
            }
            int magic = ByteOrderReader.BIG.u32(in.buffer(), in.position());
            if (magic == PcapngReader.SECTION_HEADER) {
                return new PcapngReader(ch, in);
            }
            if (PcapReader.recognises(magic)) {
                return new PcapReader(ch, in);
            }
            if (magic >>> 16 == GzipCaptureReader.MAGIC) {
                byte[] start = java.util.Arrays.copyOfRange(in.buffer(), in.position(), in.position() + in.available());
                return GzipCaptureReader.open(ch, start, name);
            }
            String packed = Compression.name(magic);
            if (packed != null) {
                throw new CaptureFormatException(name + " is compressed with " + packed + ", which tcplab does not "
                        + "inflate (gzip it does): decompress it first, e.g. " + Compression.command(packed, name));
            }
            throw new CaptureFormatException(name + " is not a pcap or pcapng file (it starts with 0x"
                    + String.format("%08x", magic) + "); tcplab reads what tcpdump -w, Wireshark and tshark write");
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }
}
