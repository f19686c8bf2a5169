package dev.tcplab.host;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * Linux rounds a thread's short sleeps up by its timer slack, 50 µs by default: a 20 µs park
 * really lasts ~70 µs, and the live loop then notices a waiting segment that much later. Setting
 * the slack of the loop's thread to 1 ns (prctl PR_SET_TIMERSLACK) makes short parks as short as
 * asked, without the CPU cost of spinning.
 */
public final class TimerSlack {
    private static final int PR_SET_TIMERSLACK = 29;

    interface LibC extends Library {
        int prctl(int option, long arg2, long arg3, long arg4, long arg5);
    }

    private TimerSlack() {
    }

    /** For the calling thread only; returns false where prctl is unavailable (nothing else changes). */
    public static boolean minimiseForThisThread() {
        try {
            LibC libc = Native.load("c", LibC.class);
            return libc.prctl(PR_SET_TIMERSLACK, 1, 0, 0, 0) == 0;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return false;
        }
    }
}
