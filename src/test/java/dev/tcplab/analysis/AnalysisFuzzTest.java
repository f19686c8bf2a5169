package dev.tcplab.analysis;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcplab.capture.CaptureFormatException;
import dev.tcplab.capture.CaptureReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A mutation fuzzer over the capture reader, the link layers, the IPv4/TCP decoders and the
 * analysis: sample captures with bytes flipped, lengths and offsets corrupted, pieces cut out or
 * repeated. Every input must end in a report (possibly with a problem or skipped segments),
 * never another exception or a hang. CI runs a bounded slice; -Dtcplab.fuzz.inputs=1000000 is
 * the nightly-sized run. The seed is printed so that a finding can be replayed.
 */
class AnalysisFuzzTest {
    static final int INPUTS = Integer.getInteger("tcplab.fuzz.inputs", 20_000);
    static final long BUDGET_NANOS = Long.getLong("tcplab.fuzz.seconds", 60) * 1_000_000_000L;

    @Test
    void mutatedCapturesNeverCrashOrHang() throws IOException {
        List<byte[]> seeds = seeds();
        long seed = Long.getLong("tcplab.fuzz.seed", System.nanoTime());
        SplittableRandom random = new SplittableRandom(seed);
        long start = System.nanoTime();
        long slowest = 0;
        int done = 0, problems = 0, skipped = 0;
        AnalysisSink discard = new AnalysisSink() {
            @Override
            public void segment(AnalyzedSegment s) {
            }

            @Override
            public void connection(ConnectionSummary c) {
            }
        };
        for (; done < INPUTS && System.nanoTime() - start < BUDGET_NANOS; done++) {
            byte[] input = mutate(seeds.get(random.nextInt(seeds.size())), random);
            long t0 = System.nanoTime();
            try (CaptureReader r = CaptureReader.of(Channels.newChannel(new ByteArrayInputStream(input)), "fuzz")) {
                AnalysisStats st = new Analyzer(discard).run(r, p -> { });
                problems += st.problem != null ? 1 : 0;
                skipped += st.skipped() > 0 ? 1 : 0;
            } catch (CaptureFormatException expected) {
                problems++;
            } catch (RuntimeException | IOException e) {
                throw new AssertionError("input " + done + " of seed " + seed + " (-Dtcplab.fuzz.seed=" + seed
                        + ") crashed the analysis", e);
            }
            slowest = Math.max(slowest, System.nanoTime() - t0);
        }
        System.out.printf("fuzz: %d inputs in %.1f s (seed %d): %d refused or cut short, %d with skipped segments,"
                + " slowest %.1f ms%n", done, (System.nanoTime() - start) / 1e9, seed, problems, skipped, slowest / 1e6);
        assertTrue(done >= Math.min(INPUTS, 1000), "the budget ran out after only " + done + " inputs");
        assertTrue(slowest < 2_000_000_000L, "one input took " + slowest / 1e6 + " ms: a near-hang");
    }

    /**
     * What `replay --live` reads of a connection (either side's writes, closes, keep-alives, SYN options) from the
     * same mutated captures: every connection that begins with its client's SYN gives a recording, or a sentence
     * (IllegalArgumentException), never another exception.
     */
    @Test
    void mutatedCapturesGiveRecordingsToReenactOrASentence() throws IOException {
        List<byte[]> seeds = seeds();
        long seed = Long.getLong("tcplab.fuzz.seed", System.nanoTime());
        SplittableRandom random = new SplittableRandom(seed);
        long start = System.nanoTime();
        int done = 0, recordings = 0;
        for (; done < INPUTS / 4 && System.nanoTime() - start < BUDGET_NANOS / 2; done++) {
            byte[] input = mutate(seeds.get(random.nextInt(seeds.size())), random);
            java.util.Map<Integer, List<AnalyzedSegment>> byConn = new java.util.TreeMap<>();
            AnalysisSink collect = new AnalysisSink() {
                @Override
                public void segment(AnalyzedSegment s) {
                    byConn.computeIfAbsent(s.conn(), c -> new ArrayList<>()).add(s);
                }

                @Override
                public void connection(ConnectionSummary c) {
                }
            };
            try (CaptureReader r = CaptureReader.of(Channels.newChannel(new ByteArrayInputStream(input)), "fuzz")) {
                new Analyzer(collect, true).run(r, p -> { });
            } catch (CaptureFormatException refused) {
                continue;
            }
            for (List<AnalyzedSegment> conn : byConn.values()) {
                AnalyzedSegment first = conn.get(0);
                if (!first.segment().flags().syn() || !first.fromClient()) {
                    continue; // read() refuses these in a sentence before from() is asked
                }
                try {
                    RecordedConversation rec = RecordedConversation.from(conn);
                    rec.mirror().clientResetFrame();
                    rec.closeOrder();
                    rec.zerosExplained();
                    recordings++;
                } catch (IllegalArgumentException sentence) {
                    // a recording tcplab cannot re-enact, said so
                } catch (RuntimeException e) {
                    throw new AssertionError("input " + done + " of seed " + seed + " (-Dtcplab.fuzz.seed=" + seed
                            + ") crashed reading a recording of connection " + first.conn(), e);
                }
            }
        }
        System.out.printf("fuzz: %d inputs (seed %d): %d recordings read%n", done, seed, recordings);
        assertTrue(recordings > 0, "no mutated capture gave a recording: the test tested nothing");
    }

    private static List<byte[]> seeds() throws IOException {
        List<byte[]> seeds = new ArrayList<>();
        for (Path dir : List.of(Path.of("captures"), Path.of("src/test/resources/captures-external"))) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path p : files.filter(f -> f.toString().matches(".*\\.pcap(ng)?$")).sorted().toList()) {
                    byte[] b = Files.readAllBytes(p);
                    seeds.add(b.length > 64 * 1024 ? java.util.Arrays.copyOf(b, 64 * 1024) : b);
                }
            }
        }
        return seeds;
    }

    static byte[] mutate(byte[] seed, SplittableRandom r) {
        byte[] b = seed.clone();
        int edits = 1 + r.nextInt(8);
        for (int i = 0; i < edits && b.length > 0; i++) {
            int at = r.nextInt(b.length);
            switch (r.nextInt(6)) {
                case 0 -> b[at] = (byte) r.nextInt(256);
                case 1 -> b[at] ^= (byte) (1 << r.nextInt(8));
                case 2 -> b = java.util.Arrays.copyOf(b, at); // truncate
                case 3 -> { // an extreme length or offset value
                    int v = switch (r.nextInt(4)) {
                        case 0 -> 0;
                        case 1 -> 0xff;
                        case 2 -> 0x7f;
                        default -> 0x80;
                    };
                    for (int k = at; k < Math.min(b.length, at + 4); k++) {
                        b[k] = (byte) v;
                    }
                }
                case 4 -> { // repeat a slice
                    int len = Math.min(b.length - at, 1 + r.nextInt(64));
                    byte[] out = new byte[b.length + len];
                    System.arraycopy(b, 0, out, 0, at + len);
                    System.arraycopy(b, at, out, at + len, b.length - at);
                    b = out;
                }
                default -> { // cut a slice out
                    int len = Math.min(b.length - at, 1 + r.nextInt(64));
                    byte[] out = new byte[b.length - len];
                    System.arraycopy(b, 0, out, 0, at);
                    System.arraycopy(b, at + len, out, at, b.length - at - len);
                    b = out;
                }
            }
        }
        return b;
    }
}
