package dev.tcplab.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tcplab.capture.CaptureReader;
import dev.tcplab.capture.SyntheticCaptures;
import dev.tcplab.wire.Flag;
import dev.tcplab.wire.Flags;
import dev.tcplab.wire.TcpOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Differential testing against tshark, the second kind: where {@link RandomConversationsAgreeWithTsharkTest}
 * writes segments at random, this one simulates two TCP senders and receivers that behave, a network between
 * them that loses, reorders and delays, and a capture point in the middle of it. So the capture holds what
 * real ones do and random writing seldom makes: segments lost before the capture point (gaps) and after it
 * (retransmissions the capture saw the first copy of), reordering seen by the capture, duplicate ACKs from
 * a receiver holding data out of order, fast retransmissions after three of them, timeouts, retransmissions
 * whose ACK was on its way (spurious), windows filled to the byte, a receiver that stops reading (zero window,
 * probes, the update), keep-alives, and closes from either or both sides with the last ACK lost. Every
 * segment is compared with tshark's numbers and analysis flags.
 *
 * <p>The seeds are fixed, so a run is repeatable; {@code -Dtcplab.seeds=FIRST-LAST} runs others (exploring).
 */
class SimulatedTcpAgreesWithTsharkTest {
    private static final int CONNECTIONS = 12;

    @TempDir
    Path dir;

    static LongStream seeds() {
        String range = System.getProperty("tcplab.seeds", "1-16");
        String[] ends = range.split("-");
        return LongStream.rangeClosed(Long.parseLong(ends[0]), Long.parseLong(ends[ends.length - 1]));
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void everySegmentOfSimulatedConnectionsMatchesTshark(long seed) throws IOException {
        Path file = dir.resolve("simulated-" + seed + ".pcap");
        Files.write(file, simulatedCapture(seed));
        new AnalysisAgreesWithTsharkTest().everySegmentMatchesTshark(file);
    }

    /** So that the agreement above means something: the fixed seeds' captures hold every event tshark flags. */
    @Test
    void theFixedSeedsExerciseEveryEventWiresharkHas() throws IOException {
        Set<String> seen = new TreeSet<>();
        AnalysisSink events = new AnalysisSink() {
            @Override
            public void segment(AnalyzedSegment s) {
                for (Event e : Event.of(s.events())) {
                    seen.add(e.jsonName);
                }
            }

            @Override
            public void connection(ConnectionSummary c) {
            }
        };
        for (long seed = 1; seed <= 16; seed++) {
            Path file = dir.resolve("simulated-" + seed + ".pcap");
            Files.write(file, simulatedCapture(seed));
            try (CaptureReader r = CaptureReader.open(file)) {
                new Analyzer(events).run(r, p -> { });
            }
        }
        Set<String> missing = new TreeSet<>(AnalysisAgreesWithTsharkTest.FLAGS);
        missing.removeAll(seen);
        assertEquals(Set.of(), missing, "events no fixed seed's capture has");
    }

    static byte[] simulatedCapture(long seed) {
        Random rnd = new Random(seed);
        Capture capture = new Capture(rnd);
        for (int conn = 0; conn < CONNECTIONS; conn++) {
            new Simulation(rnd, capture, 40_000 + rnd.nextInt(CONNECTIONS)).run();
        }
        return SyntheticCaptures.pcapAt(capture.frames, capture.micros.stream().mapToLong(Long::longValue).toArray());
    }

    /** The capture point: frames in the order they pass it, each some time after the one before. */
    private static final class Capture {
        private static final long[] GAPS = {10, 100, 1_000, 2_000, 5_000, 50_000, 300_000};
        final List<byte[]> frames = new ArrayList<>();
        final List<Long> micros = new ArrayList<>();
        private final Random rnd;
        private long clock;

        Capture(Random rnd) {
            this.rnd = rnd;
        }

        void record(int port, Seg s) {
            clock += GAPS[rnd.nextInt(GAPS.length)];
            micros.add(clock);
            frames.add(SyntheticCaptures.frame(port, s.from == 1, s.seq & 0xffffffffL, s.ack & 0xffffffffL, s.flags,
                    s.window, s.len, s.options));
        }
    }

    /** A segment in flight; seq and ack unwrapped (the capture writes them modulo 2^32). */
    private record Seg(int from, long seq, long ack, Flags flags, int window, int len, List<TcpOption> options) {
        long end() {
            return seq + len + (flags.fin() ? 1 : 0);
        }
    }

    /** One side of the connection: its sender and its receiver. */
    private static final class Side {
        final int id;
        final int scale;             // the window scale it announces; -1: none
        final int buffer;            // its receive buffer
        final long isn;
        long sndUna, sndNxt, appEnd;        // appEnd: the end of what its application has written
        boolean finQueued, finSent;
        long peerWindow;             // bytes, scaled
        long lastAckSeen = -1;
        int lastWindowSeen = -1;
        int dupAcks;
        long rcvNxt;
        long unread;                 // received in order, not yet read by its application
        boolean reading = true;
        boolean ackPending;
        boolean peerFinReceived;
        final TreeMap<Long, Seg> outOfOrder = new TreeMap<>();
        final List<long[]> sent = new ArrayList<>(); // {seq, len, fin} as first sent, for retransmissions

        Side(int id, Random rnd) {
            this.id = id;
            this.scale = rnd.nextInt(3) == 0 ? -1 : rnd.nextInt(2) * 3;
            this.buffer = new int[] {3_000, 20_000, 65_535}[rnd.nextInt(3)];
            this.isn = rnd.nextLong() & 0xffffffffL;
            this.sndUna = isn + 1;
            this.sndNxt = isn + 1;
            this.appEnd = isn + 1;
        }

        int shift() {
            return Math.max(scale, 0);
        }

        int windowField(boolean scaled) {
            long free = Math.max(0, buffer - unread - bytesHeldOutOfOrder());
            return (int) Math.min(65_535, scaled ? free >> shift() : free);
        }

        long bytesHeldOutOfOrder() {
            long n = 0;
            for (Seg s : outOfOrder.values()) {
                n += s.len;
            }
            return n;
        }
    }

    /** One connection between A:port and B:80, stepped at random until it ends or runs out of steps. */
    private static final class Simulation {
        private static final int[] LENGTHS = {1, 10, 100, 536, 1000, 1448};
        private final Random rnd;
        private final Capture capture;
        private final int port;
        private final Side[] side;
        private final List<Deque<Seg>> beforeCapture = List.of(new ArrayDeque<>(), new ArrayDeque<>());
        private final List<Deque<Seg>> afterCapture = List.of(new ArrayDeque<>(), new ArrayDeque<>());
        private final double lossBefore, lossAfter, reorder;
        private boolean scaled, over;

        Simulation(Random rnd, Capture capture, int port) {
            this.rnd = rnd;
            this.capture = capture;
            this.port = port;
            this.side = new Side[] {new Side(0, rnd), new Side(1, rnd)};
            this.lossBefore = new double[] {0, 0.03, 0.1}[rnd.nextInt(3)];
            this.lossAfter = new double[] {0, 0.03, 0.1}[rnd.nextInt(3)];
            this.reorder = new double[] {0, 0.05, 0.2}[rnd.nextInt(3)];
        }

        void run() {
            handshake();
            int steps = 50 + rnd.nextInt(250);
            for (int step = 0; step < steps && !over; step++) {
                step();
            }
            // Winding down: both applications read again, and one side closes, or both at once, or neither.
            side[0].reading = side[1].reading = true;
            double close = rnd.nextDouble();
            side[rnd.nextInt(2)].finQueued |= close < 0.85;
            if (close < 0.3) {
                side[0].finQueued = side[1].finQueued = true;
            }
            for (int step = 0; step < 300 && !over; step++) {
                step();
            }
        }

        /** The handshake, the client's SYN or the server's SYN+ACK sometimes sent twice, all captured. */
        private void handshake() {
            Side a = side[0], b = side[1];
            scaled = a.scale >= 0 && b.scale >= 0;
            int synCopies = rnd.nextDouble() < 0.15 ? 2 : 1;
            for (int i = 0; i < synCopies; i++) {
                capture.record(port, new Seg(0, a.isn, 0, Flags.SYN, 65_535, 0, synOptions(a)));
            }
            int synAckCopies = rnd.nextDouble() < 0.1 ? 2 : 1;
            for (int i = 0; i < synAckCopies; i++) {
                capture.record(port, new Seg(1, b.isn, a.isn + 1, Flags.SYN_ACK, 65_535, 0, synOptions(b)));
            }
            a.rcvNxt = b.isn + 1;
            b.rcvNxt = a.isn + 1;
            a.peerWindow = (long) b.windowField(scaled) << (scaled ? b.shift() : 0);
            b.peerWindow = 65_535;
            transmit(0, ack(a));
        }

        private static List<TcpOption> synOptions(Side s) {
            return s.scale < 0 ? List.of(new TcpOption.Mss(1460))
                    : List.of(new TcpOption.Mss(1460), new TcpOption.Nop(), new TcpOption.WindowScale(s.scale));
        }

        private void step() {
            int who = rnd.nextInt(2);
            Side s = side[who];
            double r = rnd.nextDouble();
            if (r < 0.12) {
                if (!s.finQueued) {
                    s.appEnd += LENGTHS[rnd.nextInt(LENGTHS.length)] * (1 + rnd.nextInt(4));
                }
            } else if (r < 0.30) {
                sendNew(s);
            } else if (r < 0.50) {
                pass(who);
            } else if (r < 0.70) {
                deliver(who);
            } else if (r < 0.75) {
                timeout(s);
            } else if (r < 0.80) {
                read(s);
            } else if (r < 0.83 && !s.finQueued) {
                s.reading = !s.reading;
            } else if (r < 0.86) {
                idleProbe(s);
            } else if (r < 0.88) {
                if (s.sndNxt == s.appEnd && rnd.nextDouble() < 0.5) {
                    s.finQueued = true;
                }
            } else if (r < 0.8805) { // rare: over a run's several hundred steps, about one connection in five
                reset(who);
            } else if (s.ackPending) {
                transmit(who, ack(s));
            } else {
                pass(1 - who);
            }
        }

        /** An abort: the RST and whatever that side sent before it pass the capture point, and the run ends. */
        private void reset(int who) {
            transmit(who, new Seg(who, side[who].sndNxt, side[who].rcvNxt, rnd.nextBoolean() ? Flags.RST : Flags.RST_ACK,
                    0, 0, List.of()));
            while (!beforeCapture.get(who).isEmpty()) {
                pass(who);
            }
            over = true;
        }

        /** New data (and the FIN once all data is sent) as far as the peer's window allows. */
        private void sendNew(Side s) {
            long inFlight = s.sndNxt - s.sndUna;
            long usable = s.peerWindow - inFlight;
            long waiting = s.appEnd - s.sndNxt;
            if (waiting > 0 && usable > 0) {
                int len = (int) Math.min(Math.min(waiting, usable), 1448);
                boolean fin = s.finQueued && len == waiting && rnd.nextBoolean();
                sendData(s, s.sndNxt, len, fin);
                s.sndNxt += len + (fin ? 1 : 0);
            } else if (waiting == 0 && s.finQueued && !s.finSent) {
                sendData(s, s.sndNxt, 0, true);
                s.sndNxt++;
            }
        }

        private void sendData(Side s, long seq, int len, boolean fin) {
            if (fin) {
                s.finSent = true;
            }
            if (seq == s.sndNxt) {
                s.sent.add(new long[] {seq, len, fin ? 1 : 0});
            }
            Flags flags = fin ? (len > 0 ? Flags.of(Flag.FIN, Flag.PSH, Flag.ACK) : Flags.FIN_ACK)
                    : len > 0 ? Flags.PSH_ACK : Flags.ACK;
            s.ackPending = false;
            transmit(s.id, new Seg(s.id, seq, s.rcvNxt, flags, s.windowField(scaled), len, List.of()));
        }

        /** The first unacknowledged segment sent again, as a retransmission timer would. */
        private void timeout(Side s) {
            if (s.sndUna == s.sndNxt) {
                return;
            }
            for (long[] first : s.sent) {
                long end = first[0] + first[1] + first[2];
                if (end > s.sndUna) {
                    long from = Math.max(first[0], s.sndUna);
                    sendData(s, from, (int) (first[0] + first[1] - Math.min(from, first[0] + first[1])), first[2] == 1);
                    return;
                }
            }
        }

        /** The application reads what arrived; a window that opens from nearly shut is announced at once. */
        private void read(Side s) {
            if (!s.reading || s.unread == 0) {
                return;
            }
            int before = s.windowField(scaled);
            s.unread = rnd.nextBoolean() ? 0 : s.unread / 2;
            if (before < 1000 && s.windowField(scaled) > before) {
                transmit(s.id, ack(s));
            }
        }

        /** With nothing in flight: a keep-alive; with data waiting before a zero window: a window probe. */
        private void idleProbe(Side s) {
            long waiting = s.appEnd - s.sndNxt;
            if (s.sndUna == s.sndNxt && waiting == 0) {
                int len = rnd.nextInt(2);
                transmit(s.id, new Seg(s.id, s.sndNxt - 1, s.rcvNxt, Flags.ACK, s.windowField(scaled), len, List.of()));
            } else if (s.peerWindow == 0 && waiting > 0 && s.sndUna == s.sndNxt) {
                transmit(s.id, new Seg(s.id, s.sndNxt, s.rcvNxt, Flags.ACK, s.windowField(scaled), 1, List.of()));
            }
        }

        private Seg ack(Side s) {
            s.ackPending = false;
            return new Seg(s.id, s.sndNxt, s.rcvNxt, Flags.ACK, s.windowField(scaled), 0, List.of());
        }

        private void transmit(int from, Seg s) {
            beforeCapture.get(from).addLast(s);
        }

        /** A segment reaches the capture point: lost before it, overtaken by the next one, or recorded. */
        private void pass(int from) {
            Deque<Seg> q = beforeCapture.get(from);
            if (q.isEmpty()) {
                return;
            }
            Seg s = q.size() > 1 && rnd.nextDouble() < reorder ? removeSecond(q) : q.removeFirst();
            if (rnd.nextDouble() < lossBefore) {
                return;
            }
            capture.record(port, s);
            afterCapture.get(from).addLast(s);
        }

        private static Seg removeSecond(Deque<Seg> q) {
            Seg first = q.removeFirst(), second = q.removeFirst();
            q.addFirst(first);
            return second;
        }

        /** A recorded segment reaches its receiver, or is lost on the way. */
        private void deliver(int from) {
            Deque<Seg> q = afterCapture.get(from);
            if (q.isEmpty()) {
                return;
            }
            Seg s = q.removeFirst();
            if (rnd.nextDouble() < lossAfter) {
                return;
            }
            receive(side[1 - from], s);
        }

        private void receive(Side r, Seg s) {
            if (s.flags.rst()) {
                over = true;
                return;
            }
            acknowledgement(r, s);
            int occupies = s.len + (s.flags.fin() ? 1 : 0);
            if (occupies == 0) {
                return;
            }
            long free = r.buffer - r.unread - r.bytesHeldOutOfOrder();
            if (s.seq == r.rcvNxt && occupies <= free + (s.flags.fin() ? 1 : 0)) {
                accept(r, s);
                while (!r.outOfOrder.isEmpty() && r.outOfOrder.firstKey() <= r.rcvNxt) {
                    Seg held = r.outOfOrder.pollFirstEntry().getValue();
                    if (held.end() > r.rcvNxt) {
                        accept(r, held);
                    }
                }
                if (rnd.nextDouble() < 0.5 || !r.outOfOrder.isEmpty() || s.flags.fin()) {
                    transmit(r.id, ack(r));
                } else {
                    r.ackPending = true;
                }
            } else if (s.seq > r.rcvNxt && s.len > 0 && s.len <= free) {
                r.outOfOrder.put(s.seq, s);
                transmit(r.id, ack(r)); // a duplicate ACK
            } else {
                transmit(r.id, ack(r)); // old or beyond the window: the ACK says where it is
            }
        }

        private void accept(Side r, Seg s) {
            long newBytes = s.seq + s.len - r.rcvNxt;
            if (newBytes > 0) {
                r.unread += newBytes;
                r.rcvNxt = s.seq + s.len;
            }
            if (s.flags.fin() && !r.peerFinReceived) {
                r.peerFinReceived = true;
                r.rcvNxt++;
                r.finQueued = true; // and closes its side in turn, when its data is out
            }
        }

        /** The sender's side of a segment's ACK: what is acknowledged, the window, duplicate ACKs. */
        private void acknowledgement(Side r, Seg s) {
            if (!s.flags.ack()) {
                return;
            }
            long window = (long) s.window << (scaled ? side[s.from].shift() : 0);
            if (s.ack > r.sndUna && s.ack <= r.sndNxt) {
                r.sndUna = s.ack;
                r.dupAcks = 0;
            } else if (s.ack == r.sndUna && s.len == 0 && !s.flags.fin() && r.sndUna != r.sndNxt
                    && s.window == r.lastWindowSeen && s.ack == r.lastAckSeen) {
                if (++r.dupAcks == 3) {
                    timeout(r); // fast retransmission: the same segment, sooner
                }
            }
            r.lastAckSeen = s.ack;
            r.lastWindowSeen = s.window;
            r.peerWindow = window;
        }
    }
}
