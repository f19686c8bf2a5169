package dev.tcplab.lab;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An interface is taken for loopback by IFF_LOOPBACK in its sysfs flags, as the kernel writes them. */
class LoopbackFlagTest {
    @TempDir
    Path dir;

    boolean loopback(String flags) throws IOException {
        Path f = dir.resolve("flags");
        Files.writeString(f, flags + "\n");
        return LabLink.isLoopback(f);
    }

    @Test
    void loopbackIsTheFlagNotTheName() throws IOException {
        assertTrue(loopback("0x9"), "lo: IFF_UP | IFF_LOOPBACK");
        assertFalse(loopback("0x1003"), "a veth or NIC: IFF_UP | IFF_BROADCAST | IFF_MULTICAST");
        assertFalse(LabLink.isLoopback(dir.resolve("missing")), "no sysfs: left to the run");
        assertTrue(LabLink.isLoopback(Path.of("/sys/class/net/lo/flags")), "this machine's lo");
    }
}
