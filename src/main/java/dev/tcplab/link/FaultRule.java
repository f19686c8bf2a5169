package dev.tcplab.link;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One injected fault: drop, delay or duplicate the Nth segment of a kind going one way.
 * Written WAY:KIND[:N|all][:DELAY], for example {@code out:final-ack} (our first final ACK),
 * {@code in:syn-ack:2}, {@code out:third-ack:all}, {@code in:data:3:200ms}.
 *
 * @param occurrence 1-based; 0 means every matching segment
 */
public record FaultRule(Action action, boolean outbound, SegmentKind kind, int occurrence, Duration delay) {

    public enum Action { DROP, DELAY, DUP }

    private static final Pattern SYNTAX = Pattern.compile("(in|out):([a-z-]+)(?::(\\d+|all))?(?::(\\d+)(ms|s))?");

    public static FaultRule parse(Action action, String text) {
        Matcher m = SYNTAX.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("fault rule '" + text + "' is not WAY:KIND[:N|all]"
                    + (action == Action.DELAY ? ":DELAY (e.g. in:data:3:200ms)" : " (e.g. out:final-ack)"));
        }
        SegmentKind kind = SegmentKind.parse(m.group(2));
        int n = m.group(3) == null ? 1 : m.group(3).equals("all") ? 0 : Integer.parseInt(m.group(3));
        if (m.group(3) != null && n == 0 && !m.group(3).equals("all")) {
            throw new IllegalArgumentException("occurrences count from 1: " + text);
        }
        Duration d = Duration.ZERO;
        if (action == Action.DELAY) {
            if (m.group(4) == null) {
                throw new IllegalArgumentException("--delay needs a time at the end, e.g. " + text + ":200ms");
            }
            long v = Long.parseLong(m.group(4));
            d = m.group(5).equals("ms") ? Duration.ofMillis(v) : Duration.ofSeconds(v);
        } else if (m.group(4) != null) {
            throw new IllegalArgumentException("only --delay takes a time: " + text);
        }
        return new FaultRule(action, m.group(1).equals("out"), kind, n, d);
    }

    @Override
    public String toString() {
        return "--" + action.name().toLowerCase() + " " + (outbound ? "out" : "in") + ":" + kind.word + ":"
                + (occurrence == 0 ? "all" : occurrence)
                + (action == Action.DELAY ? ":" + delay.toMillis() + "ms" : "");
    }
}
