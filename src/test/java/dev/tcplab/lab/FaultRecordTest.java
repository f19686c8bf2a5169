package dev.tcplab.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tcplab.link.FaultRule;
import dev.tcplab.link.FaultyFrameLink;
import dev.tcplab.link.SegmentKind;
import dev.tcplab.wire.ChecksumStatus;
import dev.tcplab.wire.Flags;
import dev.tcplab.wire.Ipv4Address;
import dev.tcplab.wire.Segment;
import dev.tcplab.wire.SeqNum;
import dev.tcplab.wire.TcpPacket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The faults file beside a capture: one JSON line per injected fault, its time exact to the nanosecond. */
class FaultRecordTest {

    @Test
    void writesTheTimeAsAnExactDecimalThatReadsBack(@TempDir Path dir) throws Exception {
        long epochNanos = 1_795_490_959_612_194_301L;
        TcpPacket ack = new TcpPacket(Ipv4Address.parse("10.77.1.2"), Ipv4Address.parse("10.77.1.1"),
                Segment.of(7, 61000, SeqNum.of(2_119_927_400L), SeqNum.of(341_774_623L), Flags.ACK, 502),
                ChecksumStatus.VALID);
        Path file = dir.resolve("run.pcap.faults.jsonl");
        try (FaultRecord record = new FaultRecord(file)) {
            record.write(new FaultyFrameLink.Injected(epochNanos, FaultRule.randomDrop(false, SegmentKind.ANY, 8),
                    false, ack));
        }

        List<String> lines = Files.readAllLines(file);
        assertEquals(1, lines.size());
        assertTrue(lines.get(0).startsWith("{\"time_epoch\":1795490959.612194301,"), lines.get(0));
        JsonNode n = new ObjectMapper().readTree(lines.get(0));
        assertEquals("drop", n.get("action").asText());
        assertEquals("in", n.get("way").asText());
        assertEquals("10.77.1.2:7", n.get("src").asText());
        assertEquals(2_119_927_400L, n.get("seq_abs").asLong());
    }
}
