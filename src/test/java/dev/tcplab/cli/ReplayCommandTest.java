package dev.tcplab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ReplayCommandTest {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int run(String... args) {
        ReplayCommand cmd = new ReplayCommand();
        cmd.rawOut = out;
        cmd.err = new PrintStream(err, true, StandardCharsets.UTF_8);
        CommandLine cl = new CommandLine(cmd).setCaseInsensitiveEnumValuesAllowed(true); // as Main sets it
        cl.setErr(new java.io.PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void playsTheLadderOfOneConnectionAtFullSpeed() {
        assertEquals(0, run("--speed", "max", "--conn", "1", "captures/time-wait-reack.pcap"), err.toString(StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("fin_in_time_wait"), text);
        assertTrue(text.contains("TIME_WAIT"), text);
    }

    @Test
    void aSpeedOfZeroOrWordsIsAUsageError() {
        assertEquals(2, run("--speed", "0", "captures/time-wait-reack.pcap"));
        assertEquals(2, run("--speed", "fast", "captures/time-wait-reack.pcap"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("not a speed"), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aPictureOfTheCaptureIsDrawnAtOnce() {
        assertEquals(0, run("--format", "svg", "--conn", "1", "captures/time-wait-reack.pcap"), err.toString(StandardCharsets.UTF_8));
        String svg = out.toString(StandardCharsets.UTF_8);
        assertTrue(svg.startsWith("<svg") && svg.split("class=\"arrow\"", -1).length - 1 == 11, svg);
    }
}
