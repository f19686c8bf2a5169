package dev.tcplab.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run's default capture never takes the name of an earlier run's in the same second. */
class RunCapturesTest {
    @TempDir
    Path runs;

    @Test
    void aSecondRunInTheSameSecondGetsANameOfItsOwn() throws IOException {
        LocalDateTime t = LocalDateTime.of(2026, 12, 2, 9, 27, 5);
        Path first = RunCaptures.freshIn(runs, "connect", t);
        assertEquals(runs.resolve("connect-20261202-092705.pcap"), first);
        Files.createFile(first);
        Path second = RunCaptures.freshIn(runs, "connect", t);
        assertEquals(runs.resolve("connect-20261202-092705-2.pcap"), second);
        Files.createFile(second);
        assertEquals(runs.resolve("connect-20261202-092705-3.pcap"), RunCaptures.freshIn(runs, "connect", t));
        assertEquals(runs.resolve("connect-20261202-092706.pcap"), RunCaptures.freshIn(runs, "connect", t.plusSeconds(1)));
    }
}
