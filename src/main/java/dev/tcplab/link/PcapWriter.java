package dev.tcplab.link;

import dev.tcplab.host.BackgroundDrain;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes classic pcap with nanosecond timestamps (magic a1b23c4d), which Wireshark, tshark and
 * tcpdump read. Records are written by a thread of their own, so the receive path never waits on
 * the disk; each batch is flushed (every few milliseconds), so a killed run still leaves a readable
 * file.
 */
public final class PcapWriter implements Closeable {
    private static final long CLOSE_LIMIT_MILLIS = 5_000;
    private BackgroundDrain<Frame> drain;
    private volatile IOException failure;
    private boolean closed;
    /** pcap's nanosecond-resolution magic; readers use it to tell the byte order too. */
    static final int MAGIC_NANOS = 0xa1b23c4d;
    static final int LINKTYPE_ETHERNET = 1;
    private static final int RECORD_HEADER = 16;

    private final OutputStream out;
    private final ByteBuffer header = ByteBuffer.allocate(RECORD_HEADER).order(ByteOrder.LITTLE_ENDIAN);

    public PcapWriter(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20);
            ByteBuffer g = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
            g.putInt(MAGIC_NANOS);                  // magic number
            g.putShort((short) 2);                  // version major
            g.putShort((short) 4);                  // version minor
            g.putInt(0);                            // thiszone: UTC
            g.putInt(0);                            // sigfigs
            g.putInt(PcapFrameLink.SNAPLEN);        // snaplen
            g.putInt(LINKTYPE_ETHERNET);            // network: Ethernet
            out.write(g.array());
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the capture " + file + ": " + e.getMessage(), e);
        }
        drain = new BackgroundDrain<>("pcap-writer", this::writeNow, this::flushNow, this::flushNow);
    }

    /** Queues a frame; it reaches the file within milliseconds, off the caller's thread. */
    public void write(Frame f) {
        drain.add(f);
    }

    private void writeNow(Frame f) {
        if (failure != null) {
            return;
        }
        header.clear();
        header.putInt((int) (f.epochNanos() / 1_000_000_000L));        // seconds
        header.putInt((int) (f.epochNanos() % 1_000_000_000L));        // nanoseconds
        header.putInt(f.data().length);                                 // captured length
        header.putInt(Math.max(f.wireLength(), f.data().length));      // original length
        try {
            out.write(header.array());
            out.write(f.data());
        } catch (IOException e) {
            failure = e;
        }
    }

    /** After each batch: one write(2) for all the frames queued meanwhile, not one per frame. */
    private void flushNow() {
        try {
            out.flush();
        } catch (IOException e) {
            failure = e;
        }
    }

    /** Writes what is queued, then closes the file. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        drain.close(CLOSE_LIMIT_MILLIS);
        try {
            out.close();
            if (failure != null) {
                throw new UncheckedIOException("writing the capture failed: " + failure.getMessage(), failure);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
