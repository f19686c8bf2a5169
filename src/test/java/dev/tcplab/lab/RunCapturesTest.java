package dev.tcplab.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run's capture: a default name of its own in each second, and a place it can be written, checked first. */
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

    @Test
    void aCaptureThatCannotBeWrittenIsRefusedBeforeTheRunAndAnExistingOneIsLeftWhole() throws IOException {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RunCaptures.writable(Path.of("/proc/tcplab-nowhere/x.pcap"), true));
        assertTrue(e.getMessage().startsWith("cannot write the capture /proc/tcplab-nowhere/x.pcap (")
                && e.getMessage().endsWith("choose another place with --capture FILE"), e.getMessage());
        IllegalArgumentException byDefault = assertThrows(IllegalArgumentException.class,
                () -> RunCaptures.writable(Path.of("/proc/x.pcap"), false));
        assertTrue(byDefault.getMessage().contains("run from a folder you can write"), byDefault.getMessage());

        Path fresh = runs.resolve("deeper/new.pcap");
        assertEquals(fresh, RunCaptures.writable(fresh, true));
        assertTrue(Files.isDirectory(fresh.getParent()) && !Files.exists(fresh), "its folder made, no empty file left");
        Path old = runs.resolve("old.pcap");
        Files.write(old, new byte[] {1, 2, 3});
        RunCaptures.writable(old, true);
        assertEquals(3, Files.size(old), "not truncated by the check");
    }
}
