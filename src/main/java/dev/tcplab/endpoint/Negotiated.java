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
    /** Our window-scale shift: 7, as Linux picks for its default buffers; RFC 7323 allows up to 14. */
    static final int OUR_SHIFT = 7;
    /** NOP, NOP, timestamps: 12 bytes that every segment carries once timestamps are on. */
    static final int TIMESTAMP_SPACE = 12;

    private final boolean offer;
    private final boolean offerTimestamps;
    private final Clock clock;
    private boolean scaling;
    private int sndShift;
    private boolean timestamps;
    private long tsRecent;
    private boolean sackPermitted;

    /**
     * @param offer           whether to offer the extensions at all (off: MSS only, as a 1981 stack would)
     * @param offerTimestamps with them, timestamps too (off: as Windows, SACK and window scale only)
     */
    Negotiated(boolean offer, boolean offerTimestamps, Clock clock) {
        this.offer = offer;
        this.offerTimestamps = offerTimestamps;
        this.clock = clock;
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
            o.add(new TcpOption.WindowScale(OUR_SHIFT));
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
        long v = syn || !scaling ? bytes : bytes >> OUR_SHIFT;
        return (int) Math.min(0xffff, v);
    }

    /** The largest window we may announce: 64 KiB − 1 without scaling. */
    long windowLimit(long wanted) {
        return scaling ? Math.min(wanted, 0xffffL << OUR_SHIFT) : Math.min(wanted, 0xffff);
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
