package dev.tcplab.trace;

import dev.tcplab.text.Text;
import java.util.List;

/**
 * A ladder as a picture needs it, whatever it came from (a live run's timeline or a capture's
 * connection): two named lifelines and the segments between them in order.
 *
 * @param gist what happened in it in a few words (how it closed, its events), for a page's connection
 *             picker, where a title alone names only the addresses; empty when there is nothing to add
 */
public record LadderPicture(String title, String leftName, String rightName, List<Step> steps, List<Timer> timers,
                            String gist) {

    public LadderPicture(String title, String leftName, String rightName, List<Step> steps) {
        this(title, leftName, rightName, steps, List.of());
    }

    public LadderPicture(String title, String leftName, String rightName, List<Step> steps, List<Timer> timers) {
        this(title, leftName, rightName, steps, timers, "");
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
