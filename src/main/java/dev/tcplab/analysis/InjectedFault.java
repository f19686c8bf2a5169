package dev.tcplab.analysis;

import dev.tcplab.text.Text;

/**
 * A fault a live run injected, as the {@code .faults.jsonl} beside its capture records it: which rule,
 * what it did (drop, delay, dup), which way, and the segment it hit.
 *
 * @param epochNanos when it acted, on the capture's clock
 * @param flags      the segment's flag names joined by commas, as the record and tshark write them
 */
public record InjectedFault(long epochNanos, String rule, String action, boolean outbound, String src, String dst,
                            long seqAbs, long ackAbs, String flags) {

    /** An outbound segment dropped: it never reached the wire, so the capture does not hold it. */
    public boolean neverOnTheWire() {
        return action.equals("drop") && outbound;
    }

    /** What was done to a segment that reached the wire, after "the segment above was" or "is on the wire, but". */
    Text whatItDid() {
        return switch (action) {
            case "drop" -> Text.of("tcplab's endpoint was made not to see it", "tcplab 的端点被设定为看不到它");
            case "delay" -> Text.of("held back before it went on the wire", "在发到线路上之前被扣留");
            default -> Text.of("sent twice", "被发送了两次");
        };
    }

    /** The start of every remark on it: which rule did it. */
    Text injectedBy() {
        return Text.of("injected by " + rule + ": ", "由 " + rule + " 注入：");
    }

    /** Whether {@code s} is the segment this fault hit. */
    boolean hit(AnalyzedSegment s) {
        return s.src().toString().equals(src) && s.dst().toString().equals(dst) && s.seqAbs() == seqAbs
                && s.ackAbs() == ackAbs && String.join(",", s.segment().flags().names()).equals(flags);
    }
}
