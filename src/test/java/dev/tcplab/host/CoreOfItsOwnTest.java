package dev.tcplab.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class CoreOfItsOwnTest {

    /** A thread that waits until told; its kernel id is known once started. */
    private static final class Waiting implements AutoCloseable {
        final AtomicInteger tid = new AtomicInteger();
        private final CountDownLatch started = new CountDownLatch(1), done = new CountDownLatch(1);
        private final Thread thread = new Thread(() -> {
            try {
                tid.set(CoreOfItsOwn.threadId());
                started.countDown();
                done.await();
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });

        Waiting() throws InterruptedException {
            thread.start();
            started.await();
        }

        @Override
        public void close() throws InterruptedException {
            done.countDown();
            thread.join();
        }
    }

    @Test
    void everyOtherThreadLeavesTheCallersCoreUntilClosed() throws Exception {
        int here = CoreOfItsOwn.threadId();
        long[] before = CoreOfItsOwn.affinityOf(here);
        try (Waiting helper = new Waiting()) {
            AtomicReference<CoreOfItsOwn> kept = new AtomicReference<>();
            AtomicReference<long[]> loopMask = new AtomicReference<>();
            Thread loop = new Thread(() -> {
                kept.set(CoreOfItsOwn.forThisThread());
                try {
                    loopMask.set(CoreOfItsOwn.affinityOf(CoreOfItsOwn.threadId()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            loop.start();
            loop.join();
            int core = kept.get().core();
            try {
                long[] expected = before.clone();
                if (Arrays.stream(before).map(Long::bitCount).sum() == 1) {
                    assertEquals(-1, core, "one core: nothing to do");
                } else {
                    assertTrue(core >= 0 && (before[core / 64] & (1L << (core % 64))) != 0, "the core kept: " + core);
                    expected[core / 64] &= ~(1L << (core % 64));
                }
                assertArrayEquals(before, loopMask.get(), "the calling thread is not pinned");
                assertArrayEquals(expected, CoreOfItsOwn.affinityOf(helper.tid.get()), "a thread that was running");
                assertArrayEquals(expected, CoreOfItsOwn.affinityOf(here), "the test's own thread");
            } finally {
                kept.get().close();
            }
            assertArrayEquals(before, CoreOfItsOwn.affinityOf(helper.tid.get()), "put back by close");
            assertArrayEquals(before, CoreOfItsOwn.affinityOf(here), "put back by close");
        }
    }

    @Test
    void coreOfItsOwnFalseLeavesEveryThreadAsItIs() {
        long[] before = CoreOfItsOwn.affinityOf(0);
        System.setProperty("tcplab.coreOfItsOwn", "false");
        try (CoreOfItsOwn kept = CoreOfItsOwn.forThisThread()) {
            assertEquals(-1, kept.core());
            assertArrayEquals(before, CoreOfItsOwn.affinityOf(0));
        } finally {
            System.clearProperty("tcplab.coreOfItsOwn");
        }
    }
}
