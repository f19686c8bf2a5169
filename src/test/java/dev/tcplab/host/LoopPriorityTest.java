package dev.tcplab.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class LoopPriorityTest {

    /** The nice value of the calling thread, as the kernel reports it (field 19 of its stat). */
    private static int niceOfThisThread() {
        try {
            String stat = Files.readString(Path.of("/proc/thread-self/stat"));
            String[] afterName = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Integer.parseInt(afterName[19 - 3]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code raiseForThisThread} on a thread of its own; returns {result, nice there, nice here}. */
    private static int[] raiseOnAnotherThread() throws InterruptedException {
        AtomicReference<int[]> seen = new AtomicReference<>();
        Thread t = new Thread(() -> seen.set(new int[] {LoopPriority.raiseForThisThread() ? 1 : 0, niceOfThisThread()}));
        t.start();
        t.join();
        return new int[] {seen.get()[0], seen.get()[1], niceOfThisThread()};
    }

    @Test
    void raisesTheCallingThreadOnlyWhenAsked() throws InterruptedException {
        if (!Privileges.has(Privileges.CAP_SYS_NICE)) {
            // As the live tests: CI runs as root, where a missing privilege is a failure, not a skip.
            if (Boolean.getBoolean("tcplab.requireLive") || "true".equals(System.getenv("CI"))) {
                fail("needs root (CAP_SYS_NICE)");
            }
            Assumptions.assumeTrue(false, "needs root (CAP_SYS_NICE)");
        }
        int before = niceOfThisThread();
        System.setProperty("tcplab.loopNice", String.valueOf(LoopPriority.HIGHEST));
        try {
            int[] r = raiseOnAnotherThread();
            assertTrue(r[0] == 1, "setpriority succeeded");
            assertEquals(LoopPriority.HIGHEST, r[1], "the loop's thread");
            assertEquals(before, r[2], "every other thread keeps its nice value");
        } finally {
            System.clearProperty("tcplab.loopNice");
        }
    }

    @Test
    void byDefaultLeavesTheThreadAsItIs() throws InterruptedException {
        int[] r = raiseOnAnotherThread();
        assertFalse(r[0] == 1);
        assertEquals(r[2], r[1]);
    }
}
