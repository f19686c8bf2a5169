package dev.tcplab.host;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * An opt-in for busy machines: {@code -Dtcplab.loopNice=-20} gives the live loop's thread alone
 * (setpriority(2) on Linux applies to the calling thread) a lower nice value, so that the scheduler
 * hands its core back almost at once when a compiler thread, the peer or another program wants it.
 * Measured (docs/performance.md): with two busy loops of nice 0 beside the benchmark, warm handshakes
 * took a median of 31.7 µs (max 145 µs) against 43.9 µs (max 2.7 ms); on an idle machine the medians
 * were within the noise, the rare first handshakes above 1 ms remained (they were threads of this
 * process waking on the loop's core, which {@link CoreOfItsOwn} now keeps off it), and bulk transfers
 * were no faster (a median of ~1,160 against ~1,300 Mbit/s over 6 runs each). So the default leaves it be.
 */
public final class LoopPriority {
    private static final int PRIO_PROCESS = 0;
    /** The highest priority an ordinary (not real-time) thread can have; needs root or CAP_SYS_NICE. */
    public static final int HIGHEST = -20;

    interface LibC extends Library {
        int setpriority(int which, int who, int prio);
    }

    private LoopPriority() {
    }

    /**
     * Applies {@code -Dtcplab.loopNice=N} (-20 to 19; unset or 0 leaves the thread as it is). Returns
     * false where it was not set (not asked, no privilege, no libc): the loop then runs as before.
     */
    public static boolean raiseForThisThread() {
        int nice = Integer.getInteger("tcplab.loopNice", 0);
        if (nice == 0) {
            return false;
        }
        try {
            LibC libc = Native.load("c", LibC.class);
            return libc.setpriority(PRIO_PROCESS, 0, nice) == 0;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return false;
        }
    }
}
