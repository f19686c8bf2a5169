package dev.tcplab.analysis;

import dev.tcplab.wire.IpAddress;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * IP fragments of TCP segments put back together, as Wireshark does by default: the whole segment
 * belongs to the frame of the fragment that completed it. Memory stays bounded whatever the file: at
 * most {@link #MAX_IN_PROGRESS} segments wait for fragments (the oldest is given up for a new one),
 * and one whose first fragment is {@link #TIMEOUT_NANOS} old in capture time is given up (Linux's
 * net.ipv4.ipfrag_time is 30 s).
 */
final class FragmentReassembly {
    static final int MAX_IN_PROGRESS = 256; // at most 16 MB of 64 KB datagrams, whatever a crafted file holds
    static final long TIMEOUT_NANOS = 30_000_000_000L;
    /** IPv4's total length and IPv6's payload length are 16 bits: no datagram is longer. */
    private static final int MAX_DATAGRAM = 65_535;

    /** One datagram: IPv4's identification is 16 bits, IPv6's 32; the version keeps the two apart. */
    private record Key(IpAddress src, IpAddress dst, long id) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.id == id && k.src.equals(src) && k.dst.equals(dst);
        }

        @Override
        public int hashCode() {
            return Objects.hash(src, dst, id);
        }
    }

    private static final class Datagram {
        final long firstNanos;
        byte[] bytes = new byte[0];
        /** Which 8-byte blocks arrived: fragment offsets count in 8-byte units. */
        final BitSet blocks = new BitSet();
        /** The datagram's length, known once its last fragment (More Fragments clear) arrived; -1 before. */
        int length = -1;
        int pieces;

        Datagram(long firstNanos) {
            this.firstNanos = firstNanos;
        }

        boolean complete() {
            return length >= 0 && blocks.nextClearBit(0) >= (length + 7) / 8;
        }
    }

    /** Insertion order is age order: the first entry is the oldest. */
    private final Map<Key, Datagram> inProgress = new LinkedHashMap<>();
    /** Segments given up: a fragment never came (or came cut by the snaplen, or too late). */
    long givenUp;
    /** The fragments of the segments put back together. */
    long piecesUsed;

    /**
     * Adds one fragment ({@code length} bytes of the datagram's payload at {@code offset}, all captured).
     * Returns the whole TCP segment when this fragment completes it, else null.
     */
    byte[] add(IpAddress src, IpAddress dst, long id, int offset, boolean more, byte[] b, int at, int length,
               long nanos) {
        Key key = new Key(src, dst, id);
        Datagram d = inProgress.get(key);
        if (d == null) {
            if (inProgress.size() == MAX_IN_PROGRESS) {
                Iterator<Datagram> oldest = inProgress.values().iterator();
                oldest.next();
                oldest.remove();
                givenUp++;
            }
            d = new Datagram(nanos);
            inProgress.put(key, d);
        }
        int end = Math.min(offset + length, MAX_DATAGRAM);
        if (end > d.bytes.length) {
            d.bytes = Arrays.copyOf(d.bytes, Math.max(end, Math.min(MAX_DATAGRAM, d.bytes.length * 2)));
        }
        System.arraycopy(b, at, d.bytes, offset, end - offset);
        d.blocks.set(offset / 8, (end + 7) / 8);
        d.pieces++;
        if (!more) {
            d.length = end;
        }
        if (!d.complete()) {
            return null;
        }
        inProgress.remove(key);
        piecesUsed += d.pieces;
        return Arrays.copyOf(d.bytes, d.length);
    }

    /** Gives up the segments whose first fragment is older than the timeout at {@code nanos}. */
    void sweep(long nanos) {
        Iterator<Datagram> it = inProgress.values().iterator();
        while (it.hasNext() && nanos - it.next().firstNanos > TIMEOUT_NANOS) {
            it.remove();
            givenUp++;
        }
    }

    /** At the end of the capture: what still waits is given up. */
    void finish() {
        givenUp += inProgress.size();
        inProgress.clear();
    }
}
