package dev.tcplab.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcplab.endpoint.TcpState;
import dev.tcplab.text.Text;
import dev.tcplab.wire.Flags;
import dev.tcplab.wire.HostPort;
import dev.tcplab.wire.Segment;
import dev.tcplab.wire.SeqNum;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The replay's pacing, on a simulated clock: segments are handed on when their capture time, scaled, comes. */
class PacerTest {
    long now;
    final List<Long> handedOnAt = new ArrayList<>();
    final List<Text> notes = new ArrayList<>();

    final AnalysisSink recorder = new AnalysisSink() {
        @Override
        public void segment(AnalyzedSegment s) {
            handedOnAt.add(now);
        }

        @Override
        public void connection(ConnectionSummary c) {
        }

        @Override
        public void note(Text text) {
            notes.add(text);
        }
    };

    static AnalyzedSegment at(long nanos) {
        HostPort a = HostPort.parse("10.0.0.1:1000"), b = HostPort.parse("10.0.0.2:80");
        return new AnalyzedSegment(1, nanos, nanos, 1, true, a, b, Segment.of(1000, 80, SeqNum.ZERO, SeqNum.ZERO, Flags.ACK, 0),
                0, 0, 0, 0, TcpState.ESTABLISHED, TcpState.ESTABLISHED, 0, null);
    }

    Pacer pacer(double speed, long maxGap) {
        now = 1_000;
        return new Pacer(recorder, speed, maxGap, () -> now, d -> now += d);
    }

    @Test
    void realTimeKeepsTheCapturesGaps() {
        Pacer p = pacer(1, 10_000_000_000L);
        for (long t : new long[] {500_000_000L, 700_000_000L, 2_700_000_000L}) {
            p.segment(at(t));
        }
        assertEquals(List.of(1_000L, 1_000L + 200_000_000L, 1_000L + 2_200_000_000L), handedOnAt);
    }

    @Test
    void tenTimesFasterDividesEveryGapByTen() {
        Pacer p = pacer(10, 10_000_000_000L);
        p.segment(at(0));
        p.segment(at(1_000_000_000L));
        assertEquals(100_000_000L, handedOnAt.get(1) - handedOnAt.get(0));
    }

    @Test
    void aLongIdleGapIsCutAndSaidSo() {
        Pacer p = pacer(1, 5_000_000_000L);
        p.segment(at(0));
        p.segment(at(7_200_000_000_000L)); // a keepalive two hours later
        p.segment(at(7_201_000_000_000L));
        assertEquals(5_000_000_000L, handedOnAt.get(1) - handedOnAt.get(0));
        assertEquals(1_000_000_000L, handedOnAt.get(2) - handedOnAt.get(1));
        assertEquals(1, notes.size(), notes.toString());
        assertEquals("7200 s pass here in the capture; replay waits 5 s", notes.get(0).en());
        assertEquals("抓包中此处过了 7200 秒；回放只等 5 秒", notes.get(0).zh());
        assertEquals("0.01", Pacer.seconds(10_000_000L), "a short wait is not 0");
        assertEquals("1.25", Pacer.seconds(1_250_000_000L));
        assertEquals("1.001", Pacer.seconds(1_000_600_000L));
    }

    @Test
    void maxDoesNotWaitAndZeroIsRefused() {
        Pacer p = pacer(Double.POSITIVE_INFINITY, 1);
        p.segment(at(0));
        p.segment(at(3_000_000_000L));
        assertEquals(List.of(1_000L, 1_000L), handedOnAt);
        assertThrows(IllegalArgumentException.class, () -> pacer(0, 1));
    }
}
