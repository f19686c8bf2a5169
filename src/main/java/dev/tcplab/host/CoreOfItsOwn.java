package dev.tcplab.host;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The live loop's core, kept for it alone: every other thread of this process (the capture and
 * trace writers, the JIT's compiler threads, the JVM's own) may run on every core but that one until
 * {@link #close}. The loop's thread itself is not pinned.
 *
 * <p>Why (docs/performance.md; traced with ftrace): each first handshake above 0.5 ms had the loop
 * preempted right after its send(2) of the SYN, for 0.5-0.7 ms, by a thread of its own process that
 * had just woken on the loop's core: the trace writer on its 2 ms timer, or a JIT compiler thread the
 * writer had handed work to. In two runs alternating with and without this, 175 launches each: no first
 * handshake above 1 ms (the slowest 0.40 ms) against 5 (up to 2.4 ms). Making those threads SCHED_BATCH instead (no
 * preemption when they wake) was worse: they then waited on the loop's core and took it at a tick.
 */
public final class CoreOfItsOwn implements AutoCloseable {
    /** A cpu_set_t for up to 1,024 CPUs, as glibc's. */
    private static final int CPU_SET_LONGS = 16;
    private static final NativeLong CPU_SET_BYTES = new NativeLong(CPU_SET_LONGS * Long.BYTES); // a size_t

    interface LibC extends Library {
        int sched_getaffinity(int tid, NativeLong size, long[] mask);

        int sched_setaffinity(int tid, NativeLong size, long[] mask);

        int sched_getcpu();
    }

    private final int core;
    private final long[] allowed;

    private CoreOfItsOwn(int core, long[] allowed) {
        this.core = core;
        this.allowed = allowed;
    }

    /**
     * Moves every other thread of this process off the core the calling thread runs on; threads they
     * start later inherit that. Does nothing where the process may use one core only, with {@code
     * -Dtcplab.coreOfItsOwn=false}, or where Linux' /proc or libc is not there ({@link #core} is then
     * -1). Never fails: the loop then runs as it would have without it.
     */
    public static CoreOfItsOwn forThisThread() {
        if (!Boolean.parseBoolean(System.getProperty("tcplab.coreOfItsOwn", "true"))) {
            return new CoreOfItsOwn(-1, null);
        }
        try {
            long[] allowed = affinityOf(0);
            int core = libc().sched_getcpu();
            if (core < 0 || core >= CPU_SET_LONGS * 64) {
                return new CoreOfItsOwn(-1, null);
            }
            long[] others = allowed.clone();
            others[core / 64] &= ~(1L << (core % 64));
            if (Arrays.stream(others).allMatch(word -> word == 0)) {
                return new CoreOfItsOwn(-1, null); // one core only: nowhere else to go
            }
            setEveryThread(others, threadId());
            return new CoreOfItsOwn(core, allowed);
        } catch (IOException | LinkageError | RuntimeException e) {
            return new CoreOfItsOwn(-1, null);
        }
    }

    /** The core left to the calling thread, or -1 where nothing was changed. */
    public int core() {
        return core;
    }

    /** Lets every thread of the process run on every core it could before (tests and exercises run many loops in one JVM). */
    @Override
    public void close() {
        if (allowed == null) {
            return;
        }
        try {
            setEveryThread(allowed, -1);
        } catch (IOException | LinkageError | RuntimeException e) {
            // The process is ending or /proc went away: nothing left to put back.
        }
    }

    private static void setEveryThread(long[] mask, int except) throws IOException {
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                int tid = Integer.parseInt(task.getFileName().toString());
                if (tid != except) {
                    // A thread may end between the listing and the call: that one simply fails.
                    libc().sched_setaffinity(tid, CPU_SET_BYTES, mask);
                }
            }
        }
    }

    /** The CPUs a thread may run on (0: the calling thread), as sched_getaffinity(2) reports them. */
    static long[] affinityOf(int tid) {
        long[] mask = new long[CPU_SET_LONGS];
        if (libc().sched_getaffinity(tid, CPU_SET_BYTES, mask) != 0) {
            throw new IllegalStateException("sched_getaffinity failed for thread " + tid);
        }
        return mask;
    }

    /** The kernel's id of the calling thread, from /proc/thread-self ("PID/task/TID"). */
    static int threadId() throws IOException {
        Path link = Files.readSymbolicLink(Path.of("/proc/thread-self"));
        return Integer.parseInt(link.getFileName().toString());
    }

    private static LibC libc() {
        return Holder.LIBC;
    }

    /** Loaded on first use, so that a missing libc is caught where it is used. */
    private static final class Holder {
        static final LibC LIBC = Native.load("c", LibC.class);
    }
}
