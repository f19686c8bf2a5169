package dev.tcplab.endpoint;

import dev.tcplab.wire.SeqNum;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Segments that arrived ahead of RCV.NXT, kept until the gap before them fills (RFC 9293
 * §3.10.7.4, step 7: "segments with higher beginning sequence numbers SHOULD be held").
 */
final class Reassembly {
    /** Held pieces by starting sequence number; each carries its payload and whether a FIN ends it. */
    private final Map<SeqNum, Piece> held = new HashMap<>();

    record Piece(SeqNum seq, byte[] data, boolean fin) {
        SeqNum end() {
            return seq.plus(data.length + (fin ? 1 : 0));
        }
    }

    void hold(SeqNum seq, byte[] data, boolean fin) {
        held.merge(seq, new Piece(seq, data, fin), (a, b) -> a.end().ge(b.end()) ? a : b);
    }

    boolean isEmpty() {
        return held.isEmpty();
    }

    int count() {
        return held.size();
    }

    /**
     * Removes and returns the piece that continues at {@code rcvNxt}, trimmed of what was already
     * received, or null when the gap is still open. Pieces wholly before rcvNxt are discarded.
     */
    Piece next(SeqNum rcvNxt) {
        while (!held.isEmpty()) {
            Map.Entry<SeqNum, Piece> first = firstByModularOrder(rcvNxt);
            Piece p = first.getValue();
            if (p.seq().gt(rcvNxt)) {
                return null;
            }
            held.remove(first.getKey());
            if (p.end().le(rcvNxt)) {
                continue; // a duplicate of bytes already delivered
            }
            int skip = rcvNxt.minus(p.seq());
            byte[] rest = Arrays.copyOfRange(p.data(), Math.min(skip, p.data().length), p.data().length);
            return new Piece(rcvNxt, rest, p.fin());
        }
        return null;
    }

    /**
     * The held data as SACK blocks (RFC 2018 §4): contiguous [left, right) ranges, the one holding
     * {@code mostRecent} first, then the others in sequence order; at most {@code max}.
     */
    List<SeqNum[]> blocks(SeqNum rcvNxt, SeqNum mostRecent, int max) {
        List<Piece> sorted = new ArrayList<>(held.values());
        sorted.sort((a, b) -> a.seq().compareTo(b.seq()));
        List<SeqNum[]> ranges = new ArrayList<>();
        for (Piece p : sorted) {
            if (p.end().le(rcvNxt)) {
                continue;
            }
            SeqNum[] last = ranges.isEmpty() ? null : ranges.get(ranges.size() - 1);
            if (last != null && p.seq().le(last[1])) {
                if (p.end().gt(last[1])) {
                    last[1] = p.end();
                }
            } else {
                ranges.add(new SeqNum[] {p.seq(), p.end()});
            }
        }
        for (int i = 0; i < ranges.size(); i++) {
            SeqNum[] r = ranges.get(i);
            if (mostRecent != null && mostRecent.inRange(r[0], r[1])) {
                ranges.add(0, ranges.remove(i));
                break;
            }
        }
        return ranges.subList(0, Math.min(max, ranges.size()));
    }

    /** The held piece nearest after rcvNxt − 2^31, i.e. the earliest in modular order around rcvNxt. */
    private Map.Entry<SeqNum, Piece> firstByModularOrder(SeqNum rcvNxt) {
        Map.Entry<SeqNum, Piece> best = null;
        for (Map.Entry<SeqNum, Piece> e : held.entrySet()) {
            if (best == null || e.getKey().lt(best.getKey())) {
                best = e;
            }
        }
        return best;
    }
}
