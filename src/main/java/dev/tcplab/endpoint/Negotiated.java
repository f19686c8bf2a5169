package dev.tcplab.endpoint;

import dev.tcplab.wire.Segment;
import dev.tcplab.wire.TcpOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The TCP options of the handshake as Linux offers them (MSS, SACK permitted, timestamps, window
 * scale) and what the two sides agreed on: each extension is on only when both SYNs carried it
 * (RFC 7323 §1.3, RFC 2018 §2). Then it shapes every later segment: the window field scaled,
 * timestamps on every segment, and the PAWS check on arrival (RFC 7323 §5).
 */
final class Negotiated {
    /** Our window-scale shift with the default buffer: 7, as Linux picks for its autotuned buffers (up to 6 MB). */
    static final int DEFAULT_SHIFT = 7;
    /** NOP, NOP, timestamps: 12 bytes that every segment carries once timestamps are on. */
    static final int TIMESTAMP_SPACE = 12;

    private final boolean offer;
    private final boolean offerTimestamps;
    private final Clock clock;
    /** Our window-scale shift, from our receive buffer ({@link #shiftFor}). */
    private final int ourShift;
    private boolean scaling;
    private int sndShift;
    private boolean timestamps;
    private long tsRecent;
    private boolean sackPermitted;

    /**
     * @param offer           whether to offer the extensions at all (off: MSS only, as a 1981 stack would)
     * @param offerTimestamps with them, timestamps too (off: as Windows, SACK and window scale only)
     */
    Negotiated(boolean offer, boolean offerTimestamps, int receiveBuffer, Clock clock) {
        this.offer = offer;
        this.offerTimestamps = offerTimestamps;
        this.clock = clock;
        this.ourShift = shiftFor(receiveBuffer);
    }

    /**
     * The shift that announces {@code receiveBuffer} as Linux would. The default buffer stands for Linux's
     * autotuned one: shift 7. A buffer set on purpose (--window) is one locked with SO_RCVBUF, and Linux then
     * takes the shift from its size (tcp_select_initial_window: log2 of the space − 15, at least 0): a small
     * buffer, 0, and its window exact to the byte, where shift 7 would round it to 128-byte steps.
     */
    static int shiftFor(int receiveBuffer) {
        if (receiveBuffer == TcpConfig.DEFAULT_RECEIVE_WINDOW) {
            return DEFAULT_SHIFT;
        }
        int log2 = 31 - Integer.numberOfLeadingZeros(Math.max(1, receiveBuffer));
        return Math.max(0, Math.min(14, log2 - 15)); // RFC 7323 §2.3: at most 14
    }

    /** The options of our SYN or SYN+ACK; a SYN+ACK offers only what the peer's SYN offered. */
    List<TcpOption> synOptions(int mss, boolean answering) {
        List<TcpOption> o = new ArrayList<>();
        o.add(new TcpOption.Mss(mss));
        if (offer && (!answering || sackPermitted)) {
            o.add(new TcpOption.SackPermitted());
        }
        if (offer && offerTimestamps && (!answering || timestamps)) {
            o.add(new TcpOption.Timestamps(tsVal(), answering ? tsRecent : 0));
        }
        if (offer && (!answering || scaling)) {
            o.add(new TcpOption.Nop());
            o.add(new TcpOption.WindowScale(ourShift));
        }
        return o;
    }

    /** Reads the peer's SYN (or SYN+ACK): each extension is on if both sides offered it. */
    void peerSyn(Segment syn) {
        if (!offer) {
            return;
        }
        syn.option(TcpOption.WindowScale.class).ifPresent(w -> {
            scaling = true;
            sndShift = Math.min(w.shift(), 14); // RFC 7323 §2.3: treat more than 14 as 14
        });
        syn.option(TcpOption.Timestamps.class).filter(t -> offerTimestamps).ifPresent(t -> {
            timestamps = true;
            tsRecent = t.tsVal();
        });
        sackPermitted = syn.option(TcpOption.SackPermitted.class).isPresent();
    }

    boolean scaling() {
        return scaling;
    }

    /** The shift we offer (and use, once agreed). */
    int ourShift() {
        return ourShift;
    }

    boolean timestamps() {
        return timestamps;
    }

    boolean sackPermitted() {
        return sackPermitted;
    }

    /** SACK blocks that fit beside the other options: 4 alone, 3 with timestamps (RFC 2018 §3). */
    int maxSackBlocks() {
        return timestamps ? 3 : 4;
    }

    /** The peer's window in bytes from a segment's field (SYN windows are never scaled). */
    long peerWindow(Segment s) {
        return s.flags().syn() ? s.window() : (long) s.window() << sndShift;
    }

    /** The 16-bit field that announces {@code bytes} of window. */
    int windowField(long bytes, boolean syn) {
        long v = syn || !scaling ? bytes : bytes >> ourShift;
        return (int) Math.min(0xffff, v);
    }

    /** The largest window we may announce: 64 KiB − 1 without scaling. */
    long windowLimit(long wanted) {
        return scaling ? Math.min(wanted, 0xffffL << ourShift) : Math.min(wanted, 0xffff);
    }

    /** Adds NOP, NOP, TS to a non-SYN segment once timestamps are on. */
    Segment decorate(Segment s) {
        if (!timestamps || s.flags().syn()) {
            return s;
        }
        List<TcpOption> o = new ArrayList<>(s.options());
        o.add(new TcpOption.Nop());
        o.add(new TcpOption.Nop());
        o.add(new TcpOption.Timestamps(tsVal(), tsRecent));
        return s.withOptions(o);
    }

    /**
     * PAWS (RFC 7323 §5.3): a segment whose TSval is older than TS.Recent is an old duplicate from
     * an earlier wrap of the sequence space and must not be accepted.
     */
    boolean tooOld(Segment s) {
        if (!timestamps || s.flags().rst()) {
            return false;
        }
        return s.option(TcpOption.Timestamps.class).map(t -> (int) (t.tsVal() - tsRecent) < 0).orElse(false);
    }

    /** RFC 7323 §4.3: remember the TSval of a segment that starts at or before what we expected. */
    void remember(Segment s, boolean inOrder) {
        if (timestamps && inOrder) {
            s.option(TcpOption.Timestamps.class).ifPresent(t -> tsRecent = t.tsVal());
        }
    }

    /** Our timestamp clock: milliseconds, as Linux's (RFC 7323 §5.4 allows 1 ms to 1 s per tick). */
    private long tsVal() {
        return (clock.nanos() / 1_000_000L) & 0xFFFF_FFFFL;
    }
}
