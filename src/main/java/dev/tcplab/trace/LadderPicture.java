package dev.tcplab.trace;

import dev.tcplab.text.Text;
import java.util.ArrayList;
import java.util.List;

/**
 * A ladder as a picture needs it, whatever it came from (a live run's timeline or a capture's
 * connection): two named lifelines and the segments between them in order.
 *
 * @param gist what happened in it in a few words (how it closed, its events), for a page's connection
 *             picker, where a title alone names only the addresses; empty when there is nothing to add
 * @param cut  where segments were left out of the middle ({@link #withMiddleLeftOut}), or null
 */
public record LadderPicture(String title, String leftName, String rightName, List<Step> steps, List<Timer> timers,
                            String gist, Cut cut) {

    /** Segments of a picture's ladder are this many at most: more is a wall of arrows no one reads. */
    public static final int MAX_STEPS = 2000;

    public LadderPicture(String title, String leftName, String rightName, List<Step> steps) {
        this(title, leftName, rightName, steps, List.of());
    }

    public LadderPicture(String title, String leftName, String rightName, List<Step> steps, List<Timer> timers) {
        this(title, leftName, rightName, steps, timers, "");
    }

    public LadderPicture(String title, String leftName, String rightName, List<Step> steps, List<Timer> timers,
                         String gist) {
        this(title, leftName, rightName, steps, timers, gist, null);
    }

    /** {@code segments} left out before step {@code beforeStep}: the picture draws a mark there. */
    public record Cut(int beforeStep, int segments) {
    }

    /**
     * The first {@code head} and the last {@code tail} steps, the rest left out and marked, under a new
     * title: a bulk transfer's picture keeps its handshake and start, and its close and TIME_WAIT. Timers
     * within the steps kept stay; one that spans the cut goes. Itself when it has no more than that.
     */
    public LadderPicture withMiddleLeftOut(int head, int tail, String newTitle) {
        int n = steps.size();
        if (n <= head + tail) {
            return this;
        }
        int leftOut = n - head - tail;
        List<Step> kept = new ArrayList<>(steps.subList(0, head));
        kept.addAll(steps.subList(n - tail, n));
        List<Timer> keptTimers = new ArrayList<>();
        for (Timer t : timers) {
            boolean bothBefore = t.toStep() < head;
            boolean bothAfter = t.fromStep() >= n - tail;
            if (bothBefore || bothAfter) {
                int shift = bothAfter ? leftOut : 0;
                keptTimers.add(new Timer(t.fromStep() - shift, t.toStep() - shift, t.leftSide(), t.label()));
            }
        }
        return new LadderPicture(newTitle, leftName, rightName, List.copyOf(kept), keptTimers, gist, new Cut(head, leftOut));
    }

    /** The title with the gist, as a connection picker lists it. */
    public String pickerLabel() {
        return gist.isEmpty() ? title : title + " — " + gist;
    }

    /**
     * A timer drawn as a bracket beside one lifeline, from one step to another: an RTO that ran out
     * before a retransmission, the 2MSL of TIME_WAIT, a keepalive's idle time.
     */
    public record Timer(int fromStep, int toStep, boolean leftSide, String label) {
        private static final Text CUT_SHORT = Text.of("cut short\nby RST", "被 RST\n提前结束");
        /** A FIN again in TIME_WAIT: the side ACKs it again and its 2MSL starts over. */
        public static final Text RESTARTED = Text.of("2MSL,\nrestarted", "2MSL，\n重新计时");

        /**
         * TIME_WAIT from the step that entered it: to the end of the picture with its 2MSL (which usually
         * outlasts what was seen), or to the RST that ended it early, which the bracket then says (two lines:
         * the left margin is narrow).
         */
        public static Timer timeWait(List<Step> steps, int fromStep, boolean leftSide, Text.Lang lang) {
            for (int i = fromStep + 1; i < steps.size(); i++) {
                Step s = steps.get(i);
                String state = leftSide ? s.leftState() : s.rightState();
                if (s.leftToRight() != leftSide && s.label().startsWith("RST") && "CLOSED".equals(state)) {
                    return new Timer(fromStep, i, leftSide, CUT_SHORT.in(lang));
                }
            }
            return new Timer(fromStep, steps.size() - 1, leftSide, "2MSL");
        }
    }

    /**
     * One segment.
     *
     * @param leftToRight sent by the left side (our endpoint, or the capture's client)
     * @param label       flags and relative numbers, as the ladder prints them
     * @param absolute    the raw numbers (the HTML page shows them on hover)
     * @param leftState   the left side's state after it, or null when unchanged or unknown
     * @param rightState  the right side's state after it, or null
     * @param lost        dropped on purpose (drawn ending in a cross)
     * @param retransmission a copy of an earlier segment (drawn dashed)
     * @param explanation what this step means, for the HTML step-through; may be empty
     */
    public record Step(long timeNanos, boolean leftToRight, String label, String absolute, String leftState,
                       String rightState, boolean lost, boolean retransmission, String explanation) {
    }
}
