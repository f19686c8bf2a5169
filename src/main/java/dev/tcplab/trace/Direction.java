package dev.tcplab.trace;

/** Which way a segment went, seen from the userspace endpoint (or from the client, in a capture). */
public enum Direction {
    OUT("──▶", "──✗"), IN("◀──", "✗──");

    public final String arrow;
    /** The arrow of a segment an injected fault dropped. */
    public final String lostArrow;

    Direction(String arrow, String lostArrow) {
        this.arrow = arrow;
        this.lostArrow = lostArrow;
    }
}
