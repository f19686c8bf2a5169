package dev.tcplab.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tcplab.capture.CaptureReader;
import dev.tcplab.capture.CapturedPacket;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** A saved capture read through the live read path gives its frames as tcplab's own reader does. */
class PcapFrameLinkTest {
    private static final Path SAMPLE = Path.of("captures/handshake-echo-close.pcap");

    @Test
    void aSavedCaptureGivesEveryFrameWithItsTimeThenSilence() throws Exception {
        int frames = 0;
        try (PcapFrameLink saved = PcapFrameLink.openSaved(SAMPLE); CaptureReader reader = CaptureReader.open(SAMPLE)) {
            CapturedPacket p = new CapturedPacket();
            while (reader.next(p)) {
                Frame f = saved.poll();
                byte[] expected = Arrays.copyOfRange(p.data, p.offset, p.offset + p.capturedLength);
                assertArrayEquals(expected, f.data(), "frame " + p.frameNumber);
                assertEquals(p.timeNanos, f.epochNanos(), "nanosecond stamps, frame " + p.frameNumber);
                frames++;
            }
            assertNull(saved.poll(), "after the last frame: nothing, as an idle interface");
            assertThrows(UnsupportedOperationException.class, () -> saved.send(new byte[60]));
        }
        assertEquals(12, frames, "capinfos counts 12");
    }
}
