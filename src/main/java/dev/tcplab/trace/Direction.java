package dev.tcplab.trace;

/** Which way a segment went, seen from the userspace endpoint (or from the client, in a capture). */
public enum Direction {
    OUT("──▶"), IN("◀──");

    public final String arrow;

    Direction(String arrow) {
        this.arrow = arrow;
    }
}
