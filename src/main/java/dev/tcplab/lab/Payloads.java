package dev.tcplab.lab;

import java.util.Random;

/** Payloads for transfers: a fixed pseudo-random stream, the same for the same size on every run. */
public final class Payloads {
    private Payloads() {
    }

    public static byte[] stream(long size) {
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a payload of ours is held in memory: at most 2 GiB");
        }
        byte[] b = new byte[(int) size];
        new Random(0x5EED_7CB1L).nextBytes(b);
        return b;
    }
}
