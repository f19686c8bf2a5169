package dev.tcplab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The progress bar draws on a terminal only, at most five times a second, and erases itself. */
class ProgressBarTest {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    @Test
    void onATerminalItDrawsHowFarTheReadGotAndErasesItselfAtTheEnd() throws Exception {
        ProgressBar bar = new ProgressBar(err, 100L << 20, true);
        Thread.sleep(210); // the first redraw is due 200 ms after the start
        bar.accept(50L << 20);
        String drawn = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(drawn.startsWith("\r[###############               ]  50%  50 of 100 MB"), drawn);
        bar.accept(60L << 20); // within 200 ms of the last: not drawn again
        assertEquals(drawn, bytes.toString(StandardCharsets.UTF_8));
        bar.done();
        assertTrue(bytes.toString(StandardCharsets.UTF_8).endsWith("\r"), "erased at the end");
    }

    @Test
    void inAPipeNothingExtraIsWritten() throws Exception {
        ProgressBar bar = new ProgressBar(err, 100L << 20, false);
        Thread.sleep(210);
        bar.accept(50L << 20);
        bar.done();
        assertEquals("", bytes.toString(StandardCharsets.UTF_8));
    }
}
