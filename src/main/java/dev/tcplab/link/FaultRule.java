package dev.tcplab.link;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One injected fault: drop, delay or duplicate the Nth segment of a kind going one way, every one,
 * or each one with a chance. Written WAY:KIND[:N|all|P%][:DELAY], for example {@code out:final-ack}
 * (our first final ACK), {@code in:syn-ack:2}, {@code out:third-ack:all}, {@code in:data:3:200ms},
 * {@code in:any:5%} (each arriving segment with a 5 % chance), {@code out:fin:1:until-fin} (our FIN
 * held until the peer's has come: the two cross).
 *
 * @param occurrence 1-based; 0 means every matching segment (or a random choice, with a percent)
 * @param percent    the chance each matching segment is hit, 0 &lt; percent ≤ 100; 0 when the rule
 *                   counts occurrences instead
 * @param until      for an outbound delay: a kind of arriving segment that ends the hold sooner (the held
 *                   segment goes out just before the arriving one is handed up), {@code delay} then being the
 *                   longest hold; null for a hold of exactly {@code delay}. Written {@code until-KIND}; a
 *                   re-enactment makes such a rule too, to have two FINs cross as they crossed in a recording.
 */
public record FaultRule(Action action, boolean outbound, SegmentKind kind, int occurrence, double percent,
                        Duration delay, SegmentKind until) {

    public enum Action { DROP, DELAY, DUP }

    private static final Pattern SYNTAX = Pattern.compile(
            "(in|out):([a-z-]+)(?::(\\d+|all|\\d+(?:\\.\\d+)?%))?(?::(\\d+)(ms|s)|:until-([a-z-]+))?");

    /** How long an {@code until-KIND} hold written on the command line lasts at most. */
    public static final Duration LONGEST_HOLD = Duration.ofSeconds(10);

    public FaultRule {
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("a chance is a percent from 0 to 100, not " + percent);
        }
        if (until != null && (action != Action.DELAY || !outbound)) {
            throw new IllegalArgumentException("only a delay of our own segments can end when one arrives");
        }
    }

    public FaultRule(Action action, boolean outbound, SegmentKind kind, int occurrence, double percent, Duration delay) {
        this(action, outbound, kind, occurrence, percent, delay, null);
    }

    /**
     * Our first segment of {@code kind} held back until the peer's first of {@code arriving} comes in, at most
     * {@code atMost}: so that the two are in flight at once, as when both sides send a FIN before either has
     * the other's (a simultaneous close).
     */
    public static FaultRule heldUntil(SegmentKind kind, SegmentKind arriving, Duration atMost) {
        return new FaultRule(Action.DELAY, true, kind, 1, 0, atMost, arriving);
    }

    /** Each segment of the kind, one way, dropped with the given chance. */
    public static FaultRule randomDrop(boolean outbound, SegmentKind kind, double percent) {
        if (percent <= 0) {
            throw new IllegalArgumentException("a random drop needs a chance above 0 %");
        }
        return new FaultRule(Action.DROP, outbound, kind, 0, percent, Duration.ZERO);
    }

    public static FaultRule parse(Action action, String text) {
        Matcher m = SYNTAX.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("fault rule '" + text + "' is not WAY:KIND[:N|all|P%]"
                    + (action == Action.DELAY ? ":DELAY (e.g. in:data:3:200ms, or out:fin:1:until-fin)"
                    : " (e.g. out:final-ack)"));
        }
        SegmentKind kind = SegmentKind.parse(m.group(2));
        String which = m.group(3);
        int n = 1;
        double percent = 0;
        if (which != null && which.endsWith("%")) {
            n = 0;
            percent = Double.parseDouble(which.substring(0, which.length() - 1));
            if (percent <= 0 || percent > 100) {
                throw new IllegalArgumentException("a chance is above 0 % and at most 100 %: " + text);
            }
        } else if (which != null) {
            n = which.equals("all") ? 0 : Integer.parseInt(which);
            if (n == 0 && !which.equals("all")) {
                throw new IllegalArgumentException("occurrences count from 1: " + text);
            }
        }
        Duration d = Duration.ZERO;
        if (m.group(6) != null) {
            if (action != Action.DELAY || !m.group(1).equals("out") || n != 1) {
                throw new IllegalArgumentException("until-KIND holds one segment of ours, e.g. --delay "
                        + "out:fin:1:until-fin, not " + text);
            }
            return heldUntil(kind, SegmentKind.parse(m.group(6)), LONGEST_HOLD);
        }
        if (action == Action.DELAY) {
            if (m.group(4) == null) {
                throw new IllegalArgumentException("--delay needs a time at the end, e.g. " + text + ":200ms");
            }
            long v = Long.parseLong(m.group(4));
            d = m.group(5).equals("ms") ? Duration.ofMillis(v) : Duration.ofSeconds(v);
        } else if (m.group(4) != null) {
            throw new IllegalArgumentException("only --delay takes a time: " + text);
        }
        return new FaultRule(action, m.group(1).equals("out"), kind, n, percent, d);
    }

    /** True when the rule hits each matching segment by chance rather than by count. */
    public boolean random() {
        return percent > 0;
    }

    @Override
    public String toString() {
        String which = random() ? chanceText(percent) + "%" : occurrence == 0 ? "all" : Integer.toString(occurrence);
        String way = (outbound ? "out" : "in") + ":" + kind.word + ":" + which;
        if (until != null) {
            return "--delay " + way + ":until-" + until.word;
        }
        return "--" + action.name().toLowerCase(Locale.ROOT) + " " + way + (action == Action.DELAY ? ":"
                + delay.toMillis() + "ms" : "");
    }

    /** A chance as a person writes it: 5, not 5.0; 2.5, not 2.50. */
    public static String chanceText(double percent) {
        return java.math.BigDecimal.valueOf(percent).stripTrailingZeros().toPlainString();
    }
}
