package dev.tcplab.analysis;

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
    String whatItDid() {
        return switch (action) {
            case "drop" -> "tcplab's endpoint was made not to see it";
            case "delay" -> "held back before it went on the wire";
            default -> "sent twice";
        };
    }

    /** Whether {@code s} is the segment this fault hit. */
    boolean hit(AnalyzedSegment s) {
        return s.src().toString().equals(src) && s.dst().toString().equals(dst) && s.seqAbs() == seqAbs
                && s.ackAbs() == ackAbs && String.join(",", s.segment().flags().names()).equals(flags);
    }
}
