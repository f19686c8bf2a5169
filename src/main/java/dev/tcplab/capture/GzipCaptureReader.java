package dev.tcplab.capture;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * A gzip-compressed capture (file.pcap.gz, as Wireshark's sample captures are often published, and as
 * Wireshark and tshark read them), inflated as it streams by the JDK's own inflater. {@link #position}
 * counts compressed bytes, so that progress is measured against the file's size on disk.
 */
final class GzipCaptureReader implements CaptureReader {
    static final int MAGIC = 0x1f8b;

    private final CountingChannel compressed;
    private final CaptureReader inner;

    private GzipCaptureReader(CountingChannel compressed, CaptureReader inner) {
        this.compressed = compressed;
        this.inner = inner;
    }

    /** {@code alreadyRead} holds the bytes the format check took from {@code ch}, the gzip header's start. */
    static CaptureReader open(ReadableByteChannel ch, byte[] alreadyRead, String name) throws IOException {
        CountingChannel counting = new CountingChannel(ch, alreadyRead.length);
        InputStream whole = new SequenceInputStream(new ByteArrayInputStream(alreadyRead),
                Channels.newInputStream(counting));
        InputStream inflated;
        try {
            inflated = new Inflated(new GZIPInputStream(whole, 1 << 16), counting, name);
        } catch (ZipException | EOFException e) {
            throw new CaptureFormatException(name + " starts like a gzip file but is not one: " + e.getMessage());
        }
        CaptureReader inner = CaptureReader.of(Channels.newChannel(inflated), name + " (once inflated)");
        if (inner instanceof GzipCaptureReader) {
            inner.close();
            throw new CaptureFormatException(name + " is compressed twice over; gunzip it once and read what comes "
                    + "out");
        }
        return new GzipCaptureReader(counting, inner);
    }

    @Override
    public boolean next(CapturedPacket p) throws IOException {
        return inner.next(p);
    }

    @Override
    public long position() {
        return compressed.count;
    }

    @Override
    public String format() {
        return inner.format();
    }

    @Override
    public List<CaptureInterface> interfaces() {
        return inner.interfaces();
    }

    @Override
    public void close() throws IOException {
        try {
            inner.close();
        } finally {
            compressed.close();
        }
    }

    /**
     * The inflated bytes. A gzip file cut short ends where its data ends, so that the capture's reader
     * reports the packet it cut and everything before it, as for a pcap cut short; damaged data is named.
     */
    private static final class Inflated extends FilterInputStream {
        private final CountingChannel compressed;
        private final String name;

        Inflated(InputStream in, CountingChannel compressed, String name) {
            super(in);
            this.compressed = compressed;
            this.name = name;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (EOFException e) {
                return -1;
            } catch (ZipException e) {
                throw new CaptureFormatException(name + ": the gzip data is damaged after " + compressed.count
                        + " compressed bytes (" + e.getMessage() + ")");
            }
        }
    }

    /** The compressed channel, counting what the inflater has taken from it. */
    private static final class CountingChannel implements ReadableByteChannel {
        private final ReadableByteChannel ch;
        long count;

        CountingChannel(ReadableByteChannel ch, long already) {
            this.ch = ch;
            this.count = already;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            int n = ch.read(dst);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public boolean isOpen() {
            return ch.isOpen();
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }
}
