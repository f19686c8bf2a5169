package dev.tcplab.analysis;

import java.util.ArrayList;
import java.util.List;

/**
 * The events a user asked for ({@code analyze --events}): names of {@link Event}s, or {@link #BAD_TCP}.
 * Which segments they match; {@link EventSelection} and {@link Pictures} choose by it.
 */
public final class EventChoice {

    /**
     * What Wireshark's default colouring rule "Bad TCP" marks: {@code tcp.analysis.flags &&
     * !tcp.analysis.window_update && !tcp.analysis.keep_alive && !tcp.analysis.keep_alive_ack}. As in
     * Wireshark, a segment that is also a window update or a keep-alive is left out, whatever else it is.
     */
    public static final String BAD_TCP = "bad-tcp";

    private static final int WIRESHARKS;
    private static final int HARMLESS = Event.WINDOW_UPDATE.bit | Event.KEEP_ALIVE.bit | Event.KEEP_ALIVE_ACK.bit;

    static {
        int mask = 0;
        for (Event e : Event.ALL) {
            if (e.fromWireshark()) {
                mask |= e.bit;
            }
        }
        WIRESHARKS = mask;
    }

    /** Whether Wireshark's "Bad TCP" rule marks a segment with these events. */
    static boolean badTcp(int events) {
        return (events & WIRESHARKS) != 0 && (events & HARMLESS) == 0;
    }

    /** A mask of {@link Event}s. */
    private final int events;
    private final boolean badTcp;
    private final List<String> names;

    /**
     * @param names {@link Event#jsonName}s and {@link #BAD_TCP}
     * @throws IllegalArgumentException see {@link #check}
     */
    public EventChoice(List<String> names) {
        check(names);
        int mask = 0;
        for (String name : names) {
            Event e = Event.named(name);
            mask |= e == null ? 0 : e.bit;
        }
        this.events = mask;
        this.badTcp = names.contains(BAD_TCP);
        this.names = List.copyOf(names);
    }

    /** @throws IllegalArgumentException naming the first unknown name and the names there are */
    public static void check(List<String> names) {
        for (String name : names) {
            if (Event.named(name) == null && !name.equals(BAD_TCP)) {
                throw new IllegalArgumentException("no event is called '" + name + "'; the events are "
                        + String.join(", ", names()));
            }
        }
    }

    /** Every name it takes: the events' and {@link #BAD_TCP}. */
    public static List<String> names() {
        List<String> known = new ArrayList<>();
        for (Event e : Event.ALL) {
            known.add(e.jsonName);
        }
        known.add(BAD_TCP);
        return known;
    }

    /** Whether a segment that carries these events (a mask) is one asked for. */
    public boolean matches(int segmentEvents) {
        return (segmentEvents & events) != 0 || badTcp && badTcp(segmentEvents);
    }

    /** A sentence for when no segment matched. A finding, not a mistake. */
    public String noneSeen() {
        return "no segment carries " + (names.size() == 1 ? "the event " : "any of the events ") + String.join(", ", names);
    }
}
