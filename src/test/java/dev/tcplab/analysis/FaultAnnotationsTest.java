package dev.tcplab.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tcplab.endpoint.TcpState;
import dev.tcplab.text.Text;
import dev.tcplab.wire.Flags;
import dev.tcplab.wire.HostPort;
import dev.tcplab.wire.Segment;
import dev.tcplab.wire.SeqNum;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FaultAnnotationsTest {
    private static final HostPort US = HostPort.parse("10.77.1.1:62758"), PEER = HostPort.parse("10.77.1.2:7");

    private static AnalyzedSegment at(long frame, long epochNanos) {
        Segment ack = Segment.of(7, 62758, SeqNum.of(9), SeqNum.of(2), Flags.ACK, 500);
        return new AnalyzedSegment(frame, 0, epochNanos, 1, false, PEER, US, ack, 1, 1, 0, 500,
                TcpState.ESTABLISHED, TcpState.ESTABLISHED, 0, null);
    }

    /** The sidecar's time is read to the nanosecond: a double would be ~100 ns off here and place the note early. */
    @Test
    void aSegmentDroppedBeforeTheWireIsPlacedByItsExactTime(@TempDir Path dir) throws Exception {
        Path capture = dir.resolve("run.pcap");
        Files.writeString(dir.resolve("run.pcap.faults.jsonl"), "{\"time_epoch\":1795490959.612194301,"
                + "\"rule\":\"--drop out:final-ack:1\",\"action\":\"drop\",\"way\":\"out\",\"src\":\"10.77.1.1:62758\","
                + "\"dst\":\"10.77.1.2:7\",\"flags\":[\"ACK\"],\"seq_abs\":20,\"ack_abs\":30,\"len\":0}\n");
        List<String> seen = new ArrayList<>();
        AnalysisSink record = new AnalysisSink() {
            @Override
            public void segment(AnalyzedSegment s) {
                seen.add("frame " + s.frame());
            }

            @Override
            public void connection(ConnectionSummary c) {
            }

            @Override
            public void note(Text text) {
                seen.add("note");
            }
        };
        AnalysisSink sink = FaultAnnotations.around(record, capture);
        sink.segment(at(1, 1_795_490_959_612_194_200L));
        sink.segment(at(2, 1_795_490_959_612_194_300L));
        sink.segment(at(3, 1_795_490_959_612_194_301L));
        assertEquals(List.of("frame 1", "frame 2", "note", "frame 3"), seen);
    }
}
