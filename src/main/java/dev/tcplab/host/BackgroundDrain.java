package dev.tcplab.host;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A queue whose items a background thread hands to a consumer, waking on its own timer rather than
 * being signalled: adding an item is a lock-free enqueue and never wakes another thread. On a
 * small machine a woken helper thread can preempt the live loop exactly when the peer's SYN+ACK
 * arrives; measured on 2 cores, signalled writers cost the handshake's reaction time hundreds of µs.
 * Its own timer can still wake it on the loop's core: {@link CoreOfItsOwn} keeps it off that core.
 */
public final class BackgroundDrain<T> {
    /** How often the helper looks for work: late enough output for a person, rare enough to stay out of the way. */
    private static final long PERIOD_NANOS = 2_000_000L;

    private final ConcurrentLinkedQueue<T> queue = new ConcurrentLinkedQueue<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean closing;

    /**
     * @param afterBatch run after each batch of items (a flush)
     * @param atEnd      run once, after the last items, when closed
     */
    public BackgroundDrain(String name, Consumer<T> consumer, Runnable afterBatch, Runnable atEnd) {
        Thread t = new Thread(() -> {
            try {
                while (true) {
                    boolean last = closing;
                    boolean any = false;
                    for (T item = queue.poll(); item != null; item = queue.poll()) {
                        consumer.accept(item);
                        any = true;
                    }
                    if (any) {
                        afterBatch.run();
                    }
                    if (last) {
                        break;
                    }
                    LockSupport.parkNanos(PERIOD_NANOS);
                }
                atEnd.run();
            } finally {
                stopped.countDown();
            }
        }, name);
        t.setDaemon(true);
        t.start();
    }

    public void add(T item) {
        queue.add(item);
    }

    /** Hands over what is queued, runs atEnd, and returns; waits at most {@code limitMillis}. */
    public void close(long limitMillis) {
        closing = true;
        try {
            stopped.await(limitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
