package dev.tcplab.wire;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * One TCP segment as RFC 9293 §3.1 defines its header, plus its payload. Immutable. The
 * addresses live in the IP header ({@link TcpPacket}); the ports are here, as on the wire.
 */
public record Segment(int srcPort, int dstPort, SeqNum seq, SeqNum ack, Flags flags, int window,
                      int urgentPointer, List<TcpOption> options, byte[] payload) {

    private static final byte[] EMPTY = new byte[0];

    public Segment {
        options = List.copyOf(options);
        payload = payload == null ? EMPTY : payload.clone();
    }

    /** The payload; a copy, since records cannot hold arrays immutably. */
    @Override
    public byte[] payload() {
        return payload.length == 0 ? EMPTY : payload.clone();
    }

    public int payloadLength() {
        return payload.length;
    }

    public void copyPayload(int from, byte[] dst, int dstOff, int len) {
        System.arraycopy(payload, from, dst, dstOff, len);
    }

    /**
     * SEG.LEN of RFC 9293 §3.4: payload bytes plus one each for SYN and FIN, which occupy a
     * sequence number of their own (seed claim 1).
     */
    public int seqLength() {
        return payload.length + (flags.syn() ? 1 : 0) + (flags.fin() ? 1 : 0);
    }

    /** The sequence number just past this segment: SEG.SEQ + SEG.LEN. */
    public SeqNum seqEnd() {
        return seq.plus(seqLength());
    }

    public <T extends TcpOption> Optional<T> option(Class<T> kind) {
        for (TcpOption o : options) {
            if (kind.isInstance(o)) {
                return Optional.of(kind.cast(o));
            }
        }
        return Optional.empty();
    }

    /** A builder-like start for segments the endpoint makes. */
    public static Segment of(int srcPort, int dstPort, SeqNum seq, SeqNum ack, Flags flags, int window) {
        return new Segment(srcPort, dstPort, seq, ack, flags, window, 0, List.of(), EMPTY);
    }

    public Segment withPayload(byte[] data) {
        return new Segment(srcPort, dstPort, seq, ack, flags, window, urgentPointer, options, data);
    }

    public Segment withOptions(List<TcpOption> opts) {
        return new Segment(srcPort, dstPort, seq, ack, flags, window, urgentPointer, opts, payload);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Segment s && s.srcPort == srcPort && s.dstPort == dstPort && s.seq.equals(seq)
                && s.ack.equals(ack) && s.flags.equals(flags) && s.window == window
                && s.urgentPointer == urgentPointer && s.options.equals(options) && Arrays.equals(s.payload, payload);
    }

    @Override
    public int hashCode() {
        return ((srcPort * 31 + dstPort) * 31 + seq.hashCode()) * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return srcPort + "→" + dstPort + " [" + flags + "] seq=" + seq + " ack=" + ack + " win=" + window
                + " len=" + payload.length;
    }
}
