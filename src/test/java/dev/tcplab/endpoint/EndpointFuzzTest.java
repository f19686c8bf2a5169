package dev.tcplab.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcplab.wire.Flags;
import dev.tcplab.wire.Ipv4Address;
import dev.tcplab.wire.Segment;
import dev.tcplab.wire.SeqNum;
import dev.tcplab.wire.TcpCodec;
import dev.tcplab.wire.TcpOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Arbitrary segments in every state: the endpoint, put into each of the eleven states, meets
 * random segments (some with numbers near the connection's own, to get past the sequence check),
 * timer expiries and application calls. It must never throw, never emit a segment it could not
 * encode or that is addressed elsewhere, never answer one segment with a flood, never send new data
 * past the peer's window, never move its own window's right edge back, and never leave bytes waiting
 * with no timer to act on them. CI runs a
 * bounded slice; -Dtcplab.fuzz.endpoint=200000 is the nightly-sized run per state.
 */
class EndpointFuzzTest {
    static final int INPUTS = Integer.getInteger("tcplab.fuzz.endpoint", 20_000);
    static final long OUR_ISN = 1000, PEER_ISN = 5000;
    static final int US = 61000, PEER = 7;
    static final Ipv4Address A = Ipv4Address.parse("10.0.0.1"), B = Ipv4Address.parse("10.0.0.2");

    ManualClock clock;
    List<Segment> sent;
    TcpConnection conn;
    /** The last inputs, for the report of a finding (which then becomes a unit test). */
    final java.util.ArrayDeque<String> recent = new java.util.ArrayDeque<>();

    void log(String what) {
        if (recent.size() == 40) {
            recent.removeFirst();
        }
        recent.addLast(conn.state() + " <- " + what);
    }

    /** Every other connection uses delayed ACKs, so the burst (stretch ACK) path is fuzzed too. */
    boolean delayedAcks;
    /** Our receive buffer: the default, or for a third of the connections a small one (--window 1KB to 20KB). */
    int receiveWindow = 256 * 1024;

    void build() {
        clock = new ManualClock();
        sent = new ArrayList<>();
        delayedAcks = !delayedAcks;
        TcpConfig config = TcpConfig.defaults().withMsl(Duration.ofMillis(500))
                .withKeepalive(new TcpConfig.Keepalive(Duration.ofSeconds(2), Duration.ofSeconds(1), 3))
                .withDelayedAcks(delayedAcks).withReceiveWindow(receiveWindow);
        sentEnd = null;
        rightEdge = null;
        conn = new TcpConnection(config, clock, US, PEER, () -> OUR_ISN, (s, w) -> {
            keptWithinTheWindow(s);
            sent.add(s);
        }, new ConnectionListener() {
        });
    }

    /** The furthest right edge of our window so far (RCV.NXT + RCV.WND), or null before the peer's SYN. */
    SeqNum rightEdge;

    /**
     * RFC 9293 §3.8.6.2.2 (and RFC 1122 §4.2.2.16): a receiver should not shrink its window, i.e. move
     * its right edge back; the peer may already have sent up to it. A partial read, the data that arrives,
     * a full read: none may take it back. Null when it holds, else what moved.
     */
    String edgeMovedBack() {
        TcpState st = conn.state();
        if (!st.synchronizedState() && st != TcpState.SYN_RECEIVED || conn.rcvNxt() == null) {
            rightEdge = null; // no connection, or a new one: a new right edge
            return null;
        }
        SeqNum edge = conn.rcvNxt().plus(conn.rcvWnd());
        String moved = rightEdge != null && edge.lt(rightEdge) ? "our right edge moved back by "
                + rightEdge.minus(edge) + " bytes (RCV.NXT " + (conn.rcvNxt().value() - PEER_ISN) + ", RCV.WND "
                + conn.rcvWnd() + ")" : null;
        if (rightEdge == null || edge.gt(rightEdge)) {
            rightEdge = edge;
        }
        return moved;
    }

    /** Where the data sent so far ends: bytes from there on are new. Null before any. */
    SeqNum sentEnd;
    /** The first segment of new data sent past the peer's window, or null. */
    String pastTheWindow;

    /**
     * Flow control (RFC 9293 §3.8.6): new data only within the window the peer offered, SND.UNA + SND.WND,
     * read as the segment leaves; a shut window only a one-byte probe (§3.8.6.1). Data sent before the peer
     * shrank its window may be retransmitted (RFC 1122 §4.2.2.16 asks a sender to bear shrinking), so only
     * new bytes are held to it.
     */
    void keptWithinTheWindow(Segment s) {
        int len = s.payloadLength();
        if (len == 0) {
            return;
        }
        SeqNum end = s.seq().plus(len);
        if (sentEnd != null && end.le(sentEnd)) {
            return;
        }
        SeqNum edge = conn.sndUna().plus(conn.sndWnd());
        boolean probe = conn.sndWnd() == 0 && len == 1 && s.seq().equals(conn.sndUna());
        if (!probe && end.gt(edge) && pastTheWindow == null) {
            pastTheWindow = "seq " + (s.seq().value() - OUR_ISN) + " len " + len + " past the edge "
                    + (edge.value() - OUR_ISN) + " (SND.UNA " + (conn.sndUna().value() - OUR_ISN) + ", SND.WND "
                    + conn.sndWnd() + ")";
        }
        sentEnd = end;
    }

    Segment peer(Flags f, long seq, long ack) {
        return Segment.of(PEER, US, SeqNum.of(seq), SeqNum.of(ack), f, 65535);
    }

    /** Drives a fresh connection into {@code target} along the RFC's paths. */
    void reach(TcpState target) {
        build();
        Consumer<Segment> in = conn::onSegment;
        switch (target) {
            case CLOSED -> { }
            case LISTEN -> conn.listen();
            case SYN_SENT -> conn.open();
            case SYN_RECEIVED -> {
                conn.listen();
                in.accept(peer(Flags.SYN, PEER_ISN, 0));
            }
            default -> {
                conn.open();
                in.accept(peer(Flags.SYN_ACK, PEER_ISN, OUR_ISN + 1).withOptions(List.of(new TcpOption.Mss(1460))));
                switch (target) {
                    case FIN_WAIT_1 -> conn.close();
                    case FIN_WAIT_2 -> {
                        conn.close();
                        in.accept(peer(Flags.ACK, PEER_ISN + 1, OUR_ISN + 2));
                    }
                    case CLOSE_WAIT -> in.accept(peer(Flags.FIN_ACK, PEER_ISN + 1, OUR_ISN + 1));
                    case LAST_ACK -> {
                        in.accept(peer(Flags.FIN_ACK, PEER_ISN + 1, OUR_ISN + 1));
                        conn.close();
                    }
                    case CLOSING -> {
                        conn.close();
                        in.accept(peer(Flags.FIN_ACK, PEER_ISN + 1, OUR_ISN + 1));
                    }
                    case TIME_WAIT -> {
                        conn.close();
                        in.accept(peer(Flags.ACK, PEER_ISN + 1, OUR_ISN + 2));
                        in.accept(peer(Flags.FIN_ACK, PEER_ISN + 1, OUR_ISN + 2));
                    }
                    default -> { }
                }
            }
        }
        assertEquals(target, conn.state(), "the path to " + target);
    }

    @ParameterizedTest
    @EnumSource(TcpState.class)
    void randomSegmentsInEveryStateNeverBreakTheEndpoint(TcpState state) {
        long seed = Long.getLong("tcplab.fuzz.seed", System.nanoTime()) ^ state.ordinal();
        SplittableRandom r = new SplittableRandom(seed);
        int rebuilt = 0;
        for (int i = 0; i < INPUTS; i++) {
            if (i % 200 == 0 || conn == null) {
                receiveWindow = r.nextInt(3) == 0 ? 1000 + r.nextInt(19_001) : 256 * 1024;
                reach(state); // a fresh one now and then, so that most inputs meet the state under test
                if (r.nextBoolean()) {
                    conn.holdReading(); // half of them with an application that reads late or slowly
                }
                rebuilt++;
                recent.clear();
            }
            int before = sent.size();
            try {
                step(r);
            } catch (RuntimeException e) {
                throw new AssertionError("input " + i + " in " + state + " (-Dtcplab.fuzz.seed=" + (seed ^ state.ordinal())
                        + ") broke the endpoint; the last inputs:\n" + String.join("\n", recent), e);
            }
            assertTrue(sent.size() - before <= 200, "one input made " + (sent.size() - before) + " segments in " + state);
            String back = edgeMovedBack();
            if (back != null) {
                throw new AssertionError("input " + i + " in " + state + " (-Dtcplab.fuzz.seed=" + (seed ^ state.ordinal())
                        + ") " + back + "; the last inputs:\n" + String.join("\n", recent));
            }
            if (pastTheWindow != null) {
                throw new AssertionError("input " + i + " in " + state + " (-Dtcplab.fuzz.seed=" + (seed ^ state.ordinal())
                        + ") sent new data past the peer's window: " + pastTheWindow + "; the last inputs:\n"
                        + String.join("\n", recent));
            }
            for (int k = before; k < sent.size(); k++) {
                Segment s = sent.get(k);
                assertEquals(US, s.srcPort(), "our port on " + s);
                assertTrue(s.window() >= 0 && s.window() <= 0xffff, "window of " + s);
                TcpCodec.encode(A, B, s); // must be encodable: options fit, lengths right
            }
            // Never stuck: while bytes wait for the peer, some timer will act on them (the RTO, or
            // the persist timer when the peer's window is shut and its window update may be lost).
            // In LISTEN, where a RST sends a passive SYN_RECEIVED back, they wait for a connection
            // (RFC 9293 §3.10.2: SEND in LISTEN queues), and in CLOSED for nothing.
            boolean connected = conn.state() != TcpState.CLOSED && conn.state() != TcpState.LISTEN;
            if (conn.unacknowledgedBytes() > 0 && connected) {
                assertTrue(conn.nextDeadline() != TcpConnection.NEVER, () -> conn.unacknowledgedBytes() + " bytes wait in "
                        + conn.state() + " and no timer runs (-Dtcplab.fuzz.seed=" + (seed ^ state.ordinal())
                        + "); the last inputs:\n" + String.join("\n", recent));
            }
            if (sent.size() > 10_000) {
                sent.clear();
            }
        }
        assertTrue(rebuilt > 0);
        System.out.printf("endpoint fuzz: %d inputs in a state, %s (seed %d), %d fresh connections, no fault%n",
                INPUTS, state, seed ^ state.ordinal(), rebuilt);
    }

    /** One random thing happens: mostly a segment, sometimes time passes or the application acts. */
    void step(SplittableRandom r) {
        int what = r.nextInt(100);
        if (what < 80) {
            Segment seg = randomSegment(r);
            log("segment " + seg.flags() + " seq " + (seg.seq().value() - PEER_ISN) + " ack " + (seg.ack().value() - OUR_ISN)
                    + " len " + seg.payloadLength() + " win " + seg.window() + " " + seg.options());
            conn.onSegment(seg);
        } else if (what < 90) {
            int ms = r.nextInt(3000);
            log("time +" + ms + " ms");
            clock.advance(Duration.ofMillis(ms));
            for (int guard = 0; guard < 100 && conn.nextDeadline() <= clock.nanos(); guard++) {
                conn.onTimer();
            }
        } else if (what < 94) {
            boolean begin = r.nextBoolean();
            log(begin ? "burst begins" : "burst ends");
            if (begin) {
                conn.beginBurst();
            } else {
                conn.endBurst();
            }
        } else {
            TcpState s = conn.state();
            boolean canSend = s == TcpState.ESTABLISHED || s == TcpState.CLOSE_WAIT || s == TcpState.SYN_SENT
                    || s == TcpState.SYN_RECEIVED;
            try {
                if (what == 97) {
                    // The application stops reading, reads a little (a slow reader), or reads what waits.
                    int how = r.nextInt(3);
                    if (how == 0) {
                        log("application stops reading");
                        conn.holdReading();
                    } else if (how == 1) {
                        int n = r.nextInt(3000);
                        log("application reads " + n + " bytes");
                        conn.read(n);
                    } else {
                        log("application reads what waits");
                        conn.readHeld();
                    }
                } else if (what < 98 && canSend) {
                    int n = r.nextInt(4000);
                    log("send " + n + " bytes");
                    conn.send(new byte[n]);
                } else if (canSend) {
                    log("close");
                    conn.close();
                }
            } catch (IllegalStateException closing) {
                // send after close: the API's documented refusal, not a fault
            }
        }
    }

    Segment randomSegment(SplittableRandom r) {
        boolean near = r.nextInt(4) > 0;
        long seq = near ? PEER_ISN + r.nextInt(-3, 6000) : r.nextLong() & 0xffffffffL;
        long ack = near ? OUR_ISN + r.nextInt(-3, 9000) : r.nextLong() & 0xffffffffL;
        Flags flags = new Flags(r.nextInt(4) == 0 ? r.nextInt(256) : pick(r));
        List<TcpOption> options = new ArrayList<>();
        if (r.nextInt(3) == 0) {
            options.add(new TcpOption.Timestamps(r.nextLong() & 0xffffffffL, r.nextLong() & 0xffffffffL));
        }
        if (r.nextInt(8) == 0) {
            options.add(new TcpOption.Mss(r.nextInt(0x10000)));
        }
        if (r.nextInt(8) == 0) {
            long left = PEER_ISN + r.nextInt(9000);
            options.add(new TcpOption.Sack(new long[] {left, left + r.nextInt(3000)}));
        }
        if (r.nextInt(8) == 0) {
            options.add(new TcpOption.WindowScale(r.nextInt(15)));
        }
        byte[] payload = new byte[r.nextInt(5) == 0 ? r.nextInt(1500) : 0];
        int window = r.nextInt(6) == 0 ? 0 : r.nextInt(0x10000); // often shut: the persist timer's paths
        return new Segment(PEER, US, SeqNum.of(seq), SeqNum.of(ack), flags, window, 0, options, payload);
    }

    static int pick(SplittableRandom r) {
        Flags[] usual = {Flags.ACK, Flags.PSH_ACK, Flags.FIN_ACK, Flags.SYN, Flags.SYN_ACK, Flags.RST, Flags.RST_ACK};
        return usual[r.nextInt(usual.length)].bits();
    }
}
