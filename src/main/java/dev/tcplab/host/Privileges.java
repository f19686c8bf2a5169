package dev.tcplab.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads this process's effective capabilities from /proc, to say precisely what is missing. */
public final class Privileges {
    /** Bit numbers from linux/capability.h. */
    public static final int CAP_NET_ADMIN = 12, CAP_NET_RAW = 13, CAP_SYS_ADMIN = 21, CAP_SYS_NICE = 23;

    private Privileges() {
    }

    public static long effective() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/self/status"));
            for (String l : lines) {
                if (l.startsWith("CapEff:")) {
                    return Long.parseUnsignedLong(l.substring(7).trim(), 16);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    public static boolean has(int cap) {
        return (effective() & (1L << cap)) != 0;
    }

    /** Throws with the fix when raw frames or namespaces cannot be had. */
    public static void requireNetworkAdmin(boolean namespaces) {
        if (!has(CAP_NET_RAW)) {
            throw new EnvironmentProblem("sending and capturing raw frames needs CAP_NET_RAW: run tcplab as root "
                    + "(sudo ./tcplab ...) or, in Docker, with --privileged.");
        }
        if (!has(CAP_NET_ADMIN)) {
            throw new EnvironmentProblem("configuring interfaces needs CAP_NET_ADMIN: run tcplab as root "
                    + "(sudo ./tcplab ...) or, in Docker, with --privileged.");
        }
        if (namespaces && !has(CAP_SYS_ADMIN)) {
            throw new EnvironmentProblem("the embedded lab network creates network namespaces and needs CAP_SYS_ADMIN:"
                    + " run as root, in Docker with --privileged, or name a real interface with --iface.");
        }
    }
}
