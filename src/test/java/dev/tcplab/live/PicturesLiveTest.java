package dev.tcplab.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcplab.host.Shell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A live run drawn: `connect --format svg` writes one arrow per segment on the wire, the dropped one crossed out. */
@Tag("live")
class PicturesLiveTest {
    @TempDir
    Path dir;

    @AfterEach
    void nothingLeft() {
        Live.assertNothingLeft();
    }

    @Test
    void aLiveRunAsSvgWithItsLostFinalAckCrossedOut() throws Exception {
        Live.require("ip", "ss", "ethtool");
        Path svg = dir.resolve("run.svg");
        Path pcap = dir.resolve("run.pcap");
        Shell.Result r = CliLiveTest.tcplab(List.of(), "connect", "--format", "svg", "-o", svg.toString(), "--msl", "300ms",
                "--drop", "out:final-ack:1", "--capture", pcap.toString());
        assertEquals(0, r.exitCode(), r.stderr());
        String text = Files.readString(svg);
        int arrows = text.split("class=\"arrow\"", -1).length - 1;
        List<Tshark.Row> onWire = Tshark.tcp(pcap);
        // Every segment on the wire is an arrow, and so is the one we dropped before it reached the wire.
        assertEquals(onWire.size() + 1, arrows, text);
        assertTrue(text.contains("(lost)") && text.contains("l12,12"), "the dropped final ACK is crossed out");
        assertEquals(2, text.split("\\(again\\)", -1).length - 1,
                "the kernel's FIN again and our re-ACK from TIME_WAIT are drawn as repeats (dashed)");
        assertTrue(text.matches("(?s).*>RTO 0\\.[2-9] s<.*"), "the kernel's RTO before its FIN again is bracketed");
        assertTrue(text.contains(">TIME_WAIT<") && text.contains(">LAST-ACK<"), "both sides' states are written");
    }
}
