package dev.tcplab.analysis;

import dev.tcplab.capture.SyntheticCaptures;
import dev.tcplab.wire.Flag;
import dev.tcplab.wire.Flags;
import dev.tcplab.wire.TcpOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Differential testing against tshark: conversations made at random (handshakes seen or not, SYNs and
 * SYN+ACKs sent twice, refusals, data with gaps, copies of earlier segments, keep-alives, zero windows
 * and probes, FINs with and without data, RSTs, ports reused, intervals from 10 µs to 300 ms either side
 * of the out-of-order window), every segment compared with tshark's numbers and analysis flags. Two of
 * Wireshark's rules were found this way: a zero-window probe's ACK repeats the last ACK exactly, and the
 * duplicate-ACK count is unsigned, so its -1 (an ACK of unseen bytes reported) allows a fast
 * retransmission. 8 of these 24 seeds fail without them; 200 more passed once. The seeds are fixed, so a
 * run is repeatable.
 */
class RandomConversationsAgreeWithTsharkTest {
    private static final int CONNECTIONS = 40;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24})
    void everySegmentOfRandomConversationsMatchesTshark(long seed) throws IOException {
        Random rnd = new Random(seed);
        List<byte[]> frames = new ArrayList<>();
        List<Long> micros = new ArrayList<>();
        long[] clock = {0};
        int[] gaps = {10, 100, 500, 1_000, 2_500, 4_000, 20_000, 300_000};
        for (int conn = 0; conn < CONNECTIONS; conn++) {
            int port = 30_000 + rnd.nextInt(CONNECTIONS / 2); // half the ports again: reuse
            Conversation c = new Conversation(rnd, port, (fromServer, seq, ack, flags, window, payload, options) -> {
                clock[0] += gaps[rnd.nextInt(gaps.length)];
                micros.add(clock[0]);
                frames.add(SyntheticCaptures.frame(port, fromServer, seq & 0xffffffffL, ack & 0xffffffffL, flags, window,
                        payload, options));
            });
            c.play();
        }
        Path capture = dir.resolve("random-" + seed + ".pcap");
        Files.write(capture, SyntheticCaptures.pcapAt(frames, micros.stream().mapToLong(Long::longValue).toArray()));
        new AnalysisAgreesWithTsharkTest().everySegmentMatchesTshark(capture);
    }

    private interface Wire {
        void send(boolean fromServer, long seq, long ack, Flags flags, int window, int payload, List<TcpOption> options);
    }

    /** One connection's random walk, as the two sides might have sent it. */
    private static final class Conversation {
        private static final Flags PSH_ACK = Flags.of(Flag.PSH, Flag.ACK), FIN_PSH_ACK = Flags.of(Flag.FIN, Flag.PSH,
                Flag.ACK);
        private static final int[] LENGTHS = {1, 2, 10, 100, 536, 1448};
        private final Random rnd;
        private final Wire wire;
        private final long[] next = new long[2];
        private final int[] window = new int[2];
        private final boolean[] finSent = new boolean[2];
        private final List<List<long[]>> sent = List.of(new ArrayList<>(), new ArrayList<>());
        private final List<List<TcpOption>> synOptions = new ArrayList<>();

        Conversation(Random rnd, int port, Wire wire) {
            this.rnd = rnd;
            this.wire = wire;
            for (int side = 0; side < 2; side++) {
                next[side] = (rnd.nextLong() & 0xffffffffL) + 1;
                window[side] = new int[] {100, 1000, 65535}[rnd.nextInt(3)];
                int scale = rnd.nextInt(3); // none, 0, 3
                synOptions.add(scale == 0 ? List.of(new TcpOption.Mss(1460))
                        : List.of(new TcpOption.Mss(1460), new TcpOption.Nop(), new TcpOption.WindowScale(scale == 1 ? 0 : 3)));
            }
        }

        private void send(int side, long seq, long ack, Flags flags, int win, int payload) {
            wire.send(side == 1, seq, ack, flags, win, payload, flags.syn() ? synOptions.get(side) : List.of());
        }

        void play() {
            if (rnd.nextDouble() < 0.85 && !handshake()) {
                return;
            }
            int steps = 3 + rnd.nextInt(37);
            for (int step = 0; step < steps; step++) {
                int side = rnd.nextInt(2), other = 1 - side;
                long ack = rnd.nextDouble() < 0.85 ? next[other] : next[other] - rnd.nextInt(300);
                if (rnd.nextDouble() < 0.2) {
                    window[side] = new int[] {0, 0, 1, 50, 65535, Math.min(65535, window[side] + 1)}[rnd.nextInt(6)];
                }
                double r = rnd.nextDouble();
                if (r < 0.4 && !finSent[side]) {
                    int length = LENGTHS[rnd.nextInt(LENGTHS.length)];
                    if (rnd.nextDouble() < 0.08) {
                        next[side] += LENGTHS[rnd.nextInt(LENGTHS.length)]; // a segment the capture missed
                    }
                    boolean fin = rnd.nextDouble() < 0.1;
                    send(side, next[side], ack, fin ? FIN_PSH_ACK : PSH_ACK, window[side], length);
                    sent.get(side).add(new long[] {next[side], length, fin ? 1 : 0});
                    next[side] += length + (fin ? 1 : 0);
                    finSent[side] |= fin;
                } else if (r < 0.55 && !sent.get(side).isEmpty()) {
                    List<long[]> mine = sent.get(side);
                    long[] again = mine.get(mine.size() - 1 - rnd.nextInt(Math.min(6, mine.size())));
                    send(side, again[0], ack, again[2] == 1 ? FIN_PSH_ACK : PSH_ACK, window[side], (int) again[1]);
                } else if (r < 0.62) {
                    send(side, next[side] - 1, ack, Flags.ACK, window[side], rnd.nextInt(2)); // a keep-alive
                } else if (r < 0.66 && !finSent[side]) {
                    send(side, next[side], ack, Flags.FIN_ACK, window[side], 0);
                    next[side]++;
                    finSent[side] = true;
                } else if (r < 0.68) {
                    send(side, next[side], ack, rnd.nextBoolean() ? Flags.RST : Flags.RST_ACK, 0, 0);
                    return;
                } else {
                    send(side, next[side], ack, Flags.ACK, window[side], 0);
                }
            }
        }

        /** False when the server refused the SYN. */
        private boolean handshake() {
            long clientIsn = next[0] - 1, serverIsn = next[1] - 1;
            int copies = rnd.nextDouble() < 0.15 ? 2 : 1;
            for (int i = 0; i < copies; i++) {
                send(0, clientIsn, 0, Flags.SYN, 65535, 0);
            }
            if (rnd.nextDouble() < 0.1) {
                send(1, 0, next[0], Flags.RST_ACK, 0, 0); // as Linux refuses: sequence number 0
                return false;
            }
            copies = rnd.nextDouble() < 0.1 ? 2 : 1;
            for (int i = 0; i < copies; i++) {
                send(1, serverIsn, next[0], Flags.SYN_ACK, 65535, 0);
            }
            send(0, next[0], next[1], Flags.ACK, new int[] {0, 100, 1000, 65535}[rnd.nextInt(4)], 0);
            return true;
        }
    }
}
