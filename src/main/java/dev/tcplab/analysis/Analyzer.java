package dev.tcplab.analysis;

import dev.tcplab.capture.CaptureFormatException;
import dev.tcplab.capture.CaptureReader;
import dev.tcplab.capture.CapturedPacket;
import dev.tcplab.capture.LinkLayer;
import dev.tcplab.endpoint.TcpState;
import dev.tcplab.text.Text;
import dev.tcplab.wire.HostPort;
import dev.tcplab.wire.IpAddress;
import dev.tcplab.wire.Ipv4Address;
import dev.tcplab.wire.Ipv4Header;
import dev.tcplab.wire.Ipv6Header;
import dev.tcplab.wire.MalformedPacketException;
import dev.tcplab.wire.Segment;
import dev.tcplab.wire.TcpCodec;
import dev.tcplab.wire.TcpOption;
import dev.tcplab.wire.TcpPacket;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongConsumer;

/**
 * Reads a capture once, front to back, and hands every TCP segment to a sink with its
 * connection, relative numbers, both sides' states and events. Memory holds the connections
 * still open, not the file: a connection that has been closed for a while leaves the table and
 * its summary goes to the sink.
 */
public final class Analyzer {
    /** Closed connections stay this long (capture time) to catch a FIN retransmitted into TIME_WAIT. */
    private static final long LINGER_NANOS = 120_000_000_000L;
    private static final int SWEEP_EVERY = 1 << 16;
    /*
     * A connection held costs ~700 bytes of heap, and the launcher caps the heap at 160 MB so that memory stays
     * flat whatever the file. A busy server's capture closes thousands of connections a second, each lingering
     * for 120 s, and a scan opens one per packet that never closes: without these bounds such a file ran the
     * heap out (600,000 connections closed within 36 s of capture time: OutOfMemoryError at 3.6 M packets).
     */
    /** Connections held above which the closed ones leave at once, without lingering. */
    static final int HELD_LIMIT = 50_000;
    /** Open connections held above which those idle the longest are summed up as they stand, and leave. */
    static final int OPEN_LIMIT = 100_000;

    /**
     * A connection's two endpoints, put in an order of their own so that both directions find it.
     * An IPv4 endpoint packs into a long (address and port). IPv6 endpoints do not: they are kept
     * whole, beside their hash codes in the longs.
     */
    private record FlowKey(long lo, long hi, HostPort lo6, HostPort hi6) {
        static FlowKey of(HostPort a, HostPort b) {
            if (a.addr() instanceof Ipv4Address x4 && b.addr() instanceof Ipv4Address y4) {
                long x = packed(x4, a.port()), y = packed(y4, b.port());
                return x < y ? new FlowKey(x, y, null, null) : new FlowKey(y, x, null, null);
            }
            boolean aFirst = order6(a, b) < 0;
            HostPort l = aFirst ? a : b, h = aFirst ? b : a;
            return new FlowKey(l.hashCode(), h.hashCode(), l, h);
        }

        private static long packed(Ipv4Address addr, int port) {
            return (addr.bits() & 0xffffffffL) << 16 | port;
        }

        /** Any order that does not depend on which of the two came first. */
        private static int order6(HostPort a, HostPort b) {
            int byHash = Integer.compare(a.hashCode(), b.hashCode());
            return byHash != 0 ? byHash : a.toString().compareTo(b.toString());
        }

        /** Whether a packet between these two endpoints, either way, belongs to this flow. */
        boolean joins(HostPort a, HostPort b) {
            if (lo6 != null) {
                return a.equals(lo6) && b.equals(hi6) || a.equals(hi6) && b.equals(lo6);
            }
            if (a.addr() instanceof Ipv4Address x4 && b.addr() instanceof Ipv4Address y4) {
                long x = packed(x4, a.port()), y = packed(y4, b.port());
                return x < y ? x == lo && y == hi : y == lo && x == hi;
            }
            return false;
        }

        // equals and hashCode written out, as in Ipv4Address: see there.
        @Override
        public boolean equals(Object o) {
            return o instanceof FlowKey k && k.lo == lo && k.hi == hi && Objects.equals(k.lo6, lo6)
                    && Objects.equals(k.hi6, hi6);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(lo) * 31 + Long.hashCode(hi);
        }
    }

    private final AnalysisSink sink;
    private final Map<FlowKey, Connection> connections = new HashMap<>();
    /** The last packet's connection: 94 % of a capture's consecutive segments share one (a map lookup saved). */
    private FlowKey lastKey;
    private Connection lastConnection;
    private final AnalysisStats stats = new AnalysisStats();
    private final FragmentReassembly fragments = new FragmentReassembly();
    private int nextId = 1;
    private long firstEpoch = Long.MIN_VALUE;
    private int sinceSweep;
    private final int heldLimit, openLimit;
    /** The number of connections held at which the next {@link #release} runs. */
    private int releaseAt;

    private final boolean keepPayloads;

    public Analyzer(AnalysisSink sink) {
        this(sink, false);
    }

    /** {@code keepPayloads}: hand on each segment's captured payload too (replay needs it; analysis does not). */
    public Analyzer(AnalysisSink sink, boolean keepPayloads) {
        this(sink, keepPayloads, HELD_LIMIT, OPEN_LIMIT);
    }

    /** With other bounds on the connections held (tests, which cannot afford a hundred thousand). */
    Analyzer(AnalysisSink sink, boolean keepPayloads, int heldLimit, int openLimit) {
        this.sink = sink;
        this.keepPayloads = keepPayloads;
        this.heldLimit = heldLimit;
        this.openLimit = openLimit;
        this.releaseAt = heldLimit;
    }

    /**
     * Reads to the end or to the first damage. {@code progress} hears the file position now and
     * then. Damage ends reading but not the report: what was read is analysed and summed up.
     */
    public AnalysisStats run(CaptureReader reader, LongConsumer progress) throws IOException {
        stats.format = reader.format();
        CapturedPacket p = new CapturedPacket();
        try {
            while (reader.next(p)) {
                packet(p);
                if ((stats.packets & 0xffff) == 0) {
                    progress.accept(reader.position());
                }
            }
        } catch (CaptureFormatException e) {
            stats.problem = e.getMessage();
        }
        progress.accept(reader.position());
        stats.interfaces = reader.interfaces();
        fragments.finish();
        stats.fragmentsIncomplete = fragments.givenUp;
        List<Connection> rest = new ArrayList<>(connections.values());
        rest.sort((x, y) -> Integer.compare(x.id, y.id)); // not Comparator.comparingInt: its lambda is linked at run time
        rest.forEach(c -> sink.connection(c.summary()));
        connections.clear();
        sink.finish(stats);
        return stats;
    }

    void packet(CapturedPacket p) {
        stats.packets++;
        if (firstEpoch == Long.MIN_VALUE) {
            firstEpoch = p.timeNanos;
        }
        int ipOff = LinkLayer.ipOffset(p.linkType, p.data, p.offset, p.capturedLength);
        if (ipOff == LinkLayer.UNKNOWN_LINK) {
            stats.unknownLinkType++;
            if (stats.firstUnknownLinkType < 0) {
                stats.firstUnknownLinkType = p.linkType;
            }
            return;
        }
        if (ipOff == LinkLayer.NOT_IP) {
            stats.notTcp++;
            return;
        }
        byte[] b = p.data;
        int at = p.offset + ipOff;
        int available = p.capturedLength - ipOff;
        try {
            if (available > 0 && (b[at] & 0xf0) == 0x60) {
                if (!ipv6(p, b, at, available)) {
                    stats.notTcp++;
                    return;
                }
            } else {
                Ipv4Header ip = Ipv4Header.decode(b, at, available, p.originalLength - ipOff);
                if (b[at + 2] == 0 && b[at + 3] == 0) { // the total length field: see Ipv4Header.decode
                    stats.lengthFromTheWire++;
                }
                if (ip.protocol() != TcpCodec.PROTOCOL) {
                    stats.notTcp++;
                    return;
                }
                if (ip.moreFragments() || ip.fragmentOffset() != 0) {
                    fragment(p, ip.src(), ip.dst(), ip.identification(), ip.fragmentOffset(), ip.moreFragments(), b,
                            at + ip.headerLength(), ip.totalLength() - ip.headerLength(), available - ip.headerLength());
                } else {
                    tcp(p, ip.src(), ip.dst(), b, at + ip.headerLength(), ip.totalLength() - ip.headerLength(),
                            available - ip.headerLength());
                }
            }
        } catch (MalformedPacketException e) {
            stats.malformed(p.frameNumber, e.getMessage());
        }
        if (++sinceSweep >= SWEEP_EVERY) {
            sinceSweep = 0;
            sweep(p.timeNanos - firstEpoch);
            fragments.sweep(p.timeNanos);
        }
    }

    /** An IPv6 packet: false when it carries no TCP. */
    private boolean ipv6(CapturedPacket p, byte[] b, int at, int available) throws MalformedPacketException {
        Ipv6Header ip = Ipv6Header.decode(b, at, available);
        if (ip.protocol() != TcpCodec.PROTOCOL) {
            return false;
        }
        if (ip.moreFragments() || ip.fragmentOffset() != 0) {
            fragment(p, ip.src(), ip.dst(), ip.fragmentId(), ip.fragmentOffset(), ip.moreFragments(), b,
                    at + ip.headerLength(), ip.totalLength() - ip.headerLength(), available - ip.headerLength());
        } else {
            tcp(p, ip.src(), ip.dst(), b, at + ip.headerLength(), ip.totalLength() - ip.headerLength(),
                    available - ip.headerLength());
        }
        return true;
    }

    /** A fragment of a TCP segment: the segment is analysed when its last missing fragment comes, in that frame. */
    private void fragment(CapturedPacket p, IpAddress src, IpAddress dst, long id, int offset, boolean more, byte[] b,
                          int at, int length, int available) throws MalformedPacketException {
        if (available < length) {
            throw new MalformedPacketException("an IP fragment cut by the capture at " + available + " of its "
                    + length + " bytes: its segment cannot be put back together");
        }
        byte[] whole = fragments.add(src, dst, id, offset, more, b, at, length, p.timeNanos);
        if (whole != null) {
            stats.reassembled++;
            stats.fragments = fragments.piecesUsed;
            tcp(p, src, dst, whole, 0, whole.length, whole.length);
        }
    }

    /** The TCP segment at {@code at}: {@code tcpLength} bytes by its IP header, {@code available} captured. */
    private void tcp(CapturedPacket p, IpAddress src, IpAddress dst, byte[] b, int at, int tcpLength, int available)
            throws MalformedPacketException {
        int tcpCaptured = Math.min(tcpLength, available);
        TcpPacket tcp = TcpCodec.decode(src, dst, b, at, tcpLength, tcpCaptured, false, keepPayloads);
        int dataOffset = ((b[at + 12] & 0xf0) >>> 4) * 4;
        if (tcpCaptured < tcpLength) {
            stats.truncatedPayload++;
        }
        segment(p, tcp, tcpLength - dataOffset);
    }

    private void segment(CapturedPacket p, TcpPacket tcp, int seglen) {
        stats.tcpSegments++;
        Segment s = tcp.segment();
        HostPort src = tcp.source();
        HostPort dst = tcp.destination();
        long now = p.timeNanos - firstEpoch;
        boolean syn = s.flags().syn(), ackBit = s.flags().ack();
        FlowKey key;
        Connection c;
        if (lastKey != null && lastKey.joins(src, dst)) { // no key made and no lookup for most packets
            key = lastKey;
            c = lastConnection;
        } else {
            key = FlowKey.of(src, dst);
            c = connections.get(key);
        }
        int events = 0;
        if (c != null && syn && reusesTuple(c, src, s)) {
            events |= Event.REUSED_PORTS.bit;
            // A bare SYN starts a new connection; a SYN+ACK whose SYN was not captured is only flagged, as in
            // Wireshark 4.0, so that connection numbers stay tshark's tcp.stream + 1.
            if (!ackBit) {
                connections.remove(key);
                sink.connection(c.summary());
                c = null;
            }
        }
        if (c == null) {
            c = open(key, p, src, dst, s, now);
        }
        lastKey = key;
        lastConnection = c;
        FlowSide from = c.client.address.equals(src) ? c.client : c.server;
        FlowSide to = c.peerOf(from);
        from.learnBase(s.seq().bits(), syn);
        if (ackBit && !to.baseSet) {
            to.learnBase(s.ack().bits(), false);
        }
        if (syn) {
            from.learnWindowScale(to, ackBit, s.option(TcpOption.WindowScale.class).map(w -> Math.min(14, w.shift())).orElse(-1));
        }
        int seq = from.relative(s.seq().bits());
        int ack = ackBit ? to.relative(s.ack().bits()) : 0;
        boolean fin = s.flags().fin(), rst = s.flags().rst();

        int senderNext = from.nextSeq == 0 ? 0 : from.relative(from.nextSeq); // before this segment moves it
        events |= SequenceAnalysis.analyze(from, to, s.seq().bits(), s.ack().bits(), ackBit, seglen, syn, fin, rst,
                s.window(), now, c.initialRtt);
        if (syn && !ackBit) {
            c.lastBareSynNanos = now;
        } else if (!syn && ackBit && c.lastBareSynNanos != Long.MIN_VALUE && c.initialRtt == 0) {
            c.initialRtt = now - c.lastBareSynNanos;
        }
        boolean simultaneousBefore = c.simultaneousOpen;
        events |= StateObserver.observe(c, from, to,
                new StateObserver.Facts(p.frameNumber, now, seq, ack, ackBit, seglen, syn, fin, rst, senderNext));
        // After the observer, which asks whether a RST follows a run of unanswered probes (a half-open connection).
        boolean probeOrRetry = Event.RETRANSMISSION.in(events) || Event.KEEP_ALIVE.in(events);
        from.unansweredInRow = probeOrRetry ? from.unansweredInRow + 1 : 0;
        to.unansweredInRow = 0;

        from.packets++;
        from.payloadBytes += seglen;
        c.lastFrame = p.frameNumber;
        c.lastNanos = now;
        c.count(events);
        long window = syn ? s.window() : (long) s.window() << from.shift();
        if (ackBit) {
            from.reading.saw(Integer.toUnsignedLong(ack), window, Event.ZERO_WINDOW.in(events), now);
        }
        Text note = Event.HANDSHAKE_COMPLETE.in(events) && c.handshakeRtt >= 0 ? handshakeNote(c.handshakeRtt)
                : c.simultaneousOpen && !simultaneousBefore ? SIMULTANEOUS_OPEN
                : Event.KEEP_ALIVE.in(events) && to.window == 0 ? LINUX_ZERO_WINDOW_PROBE : null;
        sink.segment(new AnalyzedSegment(p.frameNumber, now, p.timeNanos, c.id, from == c.client, src, dst, s,
                Integer.toUnsignedLong(seq), ackBit ? Integer.toUnsignedLong(ack) : -1, seglen, window, from.state,
                to.state, events, note));
    }

    /** Said under a keep-alive sent into a shut window: Wireshark's name, Linux's zero-window probe. */
    private static final Text LINUX_ZERO_WINDOW_PROBE = Text.of("the receiver's window is 0: this \"keep-alive\" is "
            + "most likely Linux's zero-window probe (a byte the receiver already has, seq = its RCV.NXT − 1), sent by "
            + "the persist timer while data waits", "接收方的窗口为 0：这个“保活探测”很可能是 Linux 的零窗口探测"
            + "（接收方已有的字节，seq = 它的 RCV.NXT − 1），是有数据等待时由持续计时器发出的");

    /** Said under the second of two crossing SYNs. */
    private static final Text SIMULTANEOUS_OPEN = Text.of("both sides sent a SYN: a simultaneous open (RFC 9293 figure 12);"
            + " each answers the other's SYN from SYN_SENT with a SYN+ACK that repeats its own SYN's number, which"
            + " Wireshark marks as a retransmission", "双方都发送了 SYN：同时打开（RFC 9293 图 12）；每一方在 SYN_SENT"
            + " 状态用重复自己 SYN 序号的 SYN+ACK 回应对方的 SYN，Wireshark 把它标为重传");

    /** Said under the handshake's third segment, in both languages (one per connection: off the hot path). */
    private static Text handshakeNote(long rttNanos) {
        String rtt = millis(rttNanos);
        return Text.of("handshake complete: RTT " + rtt + " ms (SYN to third ACK)",
                "握手完成：RTT " + rtt + " ms（从 SYN 到第三次握手的 ACK）");
    }

    /**
     * Nanoseconds as milliseconds with three decimals, rounded half up, as {@code %.3f} would print
     * them in an English locale. Not String.format: it follows the user's locale (a decimal comma in
     * JSON), and a capture of many short connections calls this thousands of times (measured on 1.5 M
     * packets: the formatter's code took ~0.1 s of the JIT's time).
     */
    static String millis(long nanos) {
        long micros = (nanos + 500) / 1000;
        long fraction = micros % 1000;
        return micros / 1000 + (fraction < 10 ? ".00" : fraction < 100 ? ".0" : ".") + fraction;
    }

    /** Wireshark's port reuse: a SYN on a known tuple whose sequence number is not that side's ISN. */
    private static boolean reusesTuple(Connection c, HostPort src, Segment s) {
        FlowSide side = c.client.address.equals(src) ? c.client : c.server;
        return side.baseSet && side.base != s.seq().bits();
    }

    /** A new connection, from its first segment, kept under {@code key}. */
    private Connection open(FlowKey key, CapturedPacket p, HostPort src, HostPort dst, Segment s, long now) {
        if (connections.size() >= releaseAt) {
            release();
        }
        boolean syn = s.flags().syn(), ackBit = s.flags().ack();
        Connection c;
        if (syn && !ackBit) {
            c = new Connection(nextId++, new FlowSide(src, TcpState.CLOSED), new FlowSide(dst, TcpState.LISTEN), true);
        } else if (syn) {
            // The SYN+ACK without its SYN: the receiver is the client, in SYN_SENT.
            FlowSide client = new FlowSide(dst, TcpState.SYN_SENT);
            client.sentSyn = true;
            c = new Connection(nextId++, client, new FlowSide(src, TcpState.LISTEN), false);
        } else {
            // Joined mid-stream: the side on the lower port is most likely the server.
            boolean srcIsServer = src.port() < dst.port();
            HostPort client = srcIsServer ? dst : src, server = srcIsServer ? src : dst;
            c = new Connection(nextId++, new FlowSide(client, TcpState.ESTABLISHED),
                    new FlowSide(server, TcpState.ESTABLISHED), false);
        }
        c.firstFrame = p.frameNumber;
        c.startNanos = now;
        stats.connections++;
        connections.put(key, c);
        return c;
    }

    /**
     * When too many connections are held: the closed ones leave now rather than after their linger (a FIN
     * retransmitted into TIME_WAIT after that goes unnoticed), and if too many open ones remain, those idle
     * the longest are summed up as they stand (a later segment of one starts a new connection). Runs again
     * only after a quarter of the limit more has come, so that a capture of open connections costs no
     * sweep of the whole table per packet.
     */
    private void release() {
        lastKey = null;
        lastConnection = null;
        for (Iterator<Connection> it = connections.values().iterator(); it.hasNext(); ) {
            Connection c = it.next();
            if (c.finished()) {
                it.remove();
                stats.releasedClosed++;
                sink.connection(c.summary());
            }
        }
        if (connections.size() > openLimit) {
            // Idle the longest: by the frame of its last segment, which unlike a timestamp no two share.
            long[] lastFrames = new long[connections.size()];
            int i = 0;
            for (Connection c : connections.values()) {
                lastFrames[i++] = c.lastFrame;
            }
            Arrays.sort(lastFrames);
            long cut = lastFrames[lastFrames.length - openLimit * 3 / 4]; // three quarters of the limit stay
            for (Iterator<Connection> it = connections.values().iterator(); it.hasNext(); ) {
                Connection c = it.next();
                if (c.lastFrame < cut) {
                    it.remove();
                    c.released = true;
                    stats.releasedOpen++;
                    sink.connection(c.summary());
                }
            }
        }
        releaseAt = Math.max(heldLimit, connections.size() + heldLimit / 4);
    }

    /** Hands over connections closed long ago, so memory follows the open connections only. */
    private void sweep(long now) {
        // The last packet's connection was seen just now and stays, but the cache must never outlive a removal.
        lastKey = null;
        lastConnection = null;
        for (Iterator<Connection> it = connections.values().iterator(); it.hasNext(); ) {
            Connection c = it.next();
            if (c.finished() && now - c.lastNanos > LINGER_NANOS) {
                it.remove();
                sink.connection(c.summary());
            }
        }
    }
}
