package dev.tcplab.cli;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A capture read from a pipe (`tcpdump -w - | tcplab analyze -`) arrives as the traffic does: before each
 * read that would wait, because nothing is in the pipe, the output written so far is flushed, so that the
 * ladder keeps up with the traffic instead of appearing when tcpdump stops. A pipe that is full (`cat
 * big.pcap |`) never waits, and the output stays buffered.
 */
final class FlushBeforeWaiting extends FilterInputStream {
    private final Runnable flush;

    FlushBeforeWaiting(InputStream in, Runnable flush) {
        super(in);
        this.flush = flush;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (in.available() == 0) {
            flush.run();
        }
        return in.read(b, off, len);
    }

    @Override
    public int read() throws IOException {
        if (in.available() == 0) {
            flush.run();
        }
        return in.read();
    }
}
