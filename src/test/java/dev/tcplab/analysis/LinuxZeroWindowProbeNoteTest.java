package dev.tcplab.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tcplab.capture.CaptureReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Linux probes a shut window with a segment Wireshark calls a keep-alive; the analysis keeps Wireshark's
 * event and says under it what it most likely is. A keep-alive on an idle connection gets no such note.
 */
class LinuxZeroWindowProbeNoteTest {

    static List<Long> keepalivesNoted(String capture, boolean noted) throws Exception {
        List<Long> frames = new ArrayList<>();
        AnalysisSink sink = new AnalysisSink() {
            @Override
            public void segment(AnalyzedSegment s) {
                boolean says = s.note() != null && s.note().en().contains("Linux's zero-window probe");
                if (Event.KEEP_ALIVE.in(s.events()) && says == noted) {
                    frames.add(s.frame());
                }
            }

            @Override
            public void connection(ConnectionSummary c) {
            }
        };
        try (CaptureReader r = CaptureReader.open(Path.of(capture))) {
            new Analyzer(sink).run(r, p -> { });
        }
        return frames;
    }

    @Test
    void aKeepAliveIntoAShutWindowIsSaidToBeLinuxsZeroWindowProbe() throws Exception {
        // kernel-mix.pcap: the slow reader's six probes (connection 8) follow its window 0; connection 4's
        // three keep-alives, on an idle connection, interleave with them in the file and are left alone.
        List<Long> noted = keepalivesNoted("captures/kernel-mix.pcap", true);
        assertEquals(6, noted.size(), noted.toString());
        assertEquals(List.of(4208L, 4222L), noted.subList(0, 2));
        assertEquals(List.of(4220L, 4234L, 4256L), keepalivesNoted("captures/kernel-mix.pcap", false));
    }

    @Test
    void anIdleConnectionsKeepAlivesAreLeftAsTheyAre() throws Exception {
        assertEquals(List.of(), keepalivesNoted("captures/keepalive-crashed-client.pcap", true));
        assertEquals(3, keepalivesNoted("captures/keepalive-crashed-client.pcap", false).size());
    }
}
