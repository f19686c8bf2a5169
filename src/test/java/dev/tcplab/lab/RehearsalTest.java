package dev.tcplab.lab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcplab.endpoint.TcpConfig;
import dev.tcplab.endpoint.TcpState;
import dev.tcplab.link.MemoryFrameLink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The in-memory rehearsal must walk the paths a live run takes, to their end, or it warms nothing. */
class RehearsalTest {
    static final TcpConfig PLAIN = TcpConfig.defaults().withMsl(Duration.ZERO);

    @Test
    void anEchoConnectionGoesFromHandshakeToClosed() {
        byte[] line = "rehearsal\n".getBytes();
        LiveSession s = Rehearsal.rehearse(new RehearsalPeer(0), line, PLAIN, false, 61000, true);
        assertEquals(TcpState.CLOSED, s.connection().state());
        assertArrayEquals(line, s.received());
    }

    @Test
    void aStreamArrivesWholeInFullSizedSegmentsAndBurstsGetOneAckEach() {
        long bytes = 1 << 20;
        LiveSession s = Rehearsal.rehearse(new RehearsalPeer(bytes), new byte[0], PLAIN.withDelayedAcks(true), true, 61001, false);
        assertEquals(TcpState.CLOSED, s.connection().state(), "closed after the peer's FIN");
        assertEquals(bytes, s.receivedCount());
        long dataSegments = (bytes + 1447) / 1448;
        assertTrue(s.tally().segmentsIn() >= dataSegments, "full-sized segments: " + s.tally().segmentsIn());
        assertTrue(s.tally().segmentsOut() < dataSegments / 4,
                "bursts of 24 get one stretch ACK each, not one per two segments: " + s.tally().segmentsOut());
    }

    @Test
    void withoutDelayedAcksEverySegmentIsAcked() {
        long bytes = 256 * 1024;
        LiveSession s = Rehearsal.rehearse(new RehearsalPeer(bytes), new byte[0], PLAIN, true, 61002, true);
        assertEquals(bytes, s.receivedCount());
        assertTrue(s.tally().segmentsOut() >= (bytes + 1447) / 1448, "segments out " + s.tally().segmentsOut());
    }

    @Test
    void theLiveReadPathReadsRecordedFramesBackThroughLibpcapAndLeavesNoFileBehind() throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Set<Path> before = rehearsalDirs(tmp);
        Rehearsal r = Rehearsal.start(100);
        r.finish(30_000);
        assertEquals(Rehearsal.READS, r.readsRehearsed(), "50 recorded connections, read back until the count is reached");
        assertEquals(before, rehearsalDirs(tmp), "the sample and its read-back copy are deleted");
    }

    @Test
    void theAnswerToASynAckIsRehearsedOnItsOwnPastTheOptimisingCompilersThreshold() {
        Rehearsal r = Rehearsal.start(10);
        r.finish(30_000);
        assertEquals(Rehearsal.ANSWERS, r.answersRehearsed(), "each SYN+ACK took its connection to ESTABLISHED");
    }

    @Test
    void threeClassesStandBehindEachCallTheLiveRunReachesWithItsOwn() {
        // Fewer, and the JIT compiles a guess on their classes that the first live handshake loses.
        MemoryFrameLink memory = new MemoryFrameLink();
        Set<Class<?>> links = IntStream.range(0, 6).mapToObj(i -> Rehearsal.underRecorder(memory, i).getClass())
                .collect(Collectors.toSet());
        Set<Class<?>> traces = IntStream.range(0, 6).mapToObj(i -> Rehearsal.quietTrace(i).getClass())
                .collect(Collectors.toSet());
        Set<Class<?>> isnSources = IntStream.range(0, 6).mapToObj(i -> Rehearsal.isnSource(i).getClass())
                .collect(Collectors.toSet());
        assertEquals(3, links.size(), links.toString());
        assertEquals(3, traces.size(), traces.toString());
        assertEquals(3, isnSources.size(), isnSources.toString());
    }

    private static Set<Path> rehearsalDirs(Path tmp) throws Exception {
        try (Stream<Path> all = Files.list(tmp)) {
            return all.filter(p -> p.getFileName().toString().startsWith("tcplab-rehearsal-")).collect(Collectors.toSet());
        }
    }
}
