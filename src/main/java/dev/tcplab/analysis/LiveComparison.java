package dev.tcplab.analysis;

import dev.tcplab.text.Text;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Lines up the recorded server's segments with the live kernel's, segment by segment in TCP's
 * terms, and lists every place they part: a segment only in the recording, only live, or the
 * same place with different numbers. It does not stop at the first difference (tcpliveplay does):
 * the alignment is a longest common subsequence, so one extra ACK shows as one line, not as
 * "everything after it differs".
 */
public final class LiveComparison {
    /** Beyond this many segments a side, only the counts are compared (the table would be too big). */
    static final int MAX_ALIGNED = 4000;

    private LiveComparison() {
    }

    /**
     * A side's segments with each run of its pure ACKs in the order of what they acknowledge, for the comparison. A
     * TCP's cumulative ACK never goes back, so an ACK that came after a higher one was reordered on its way: on the
     * lab's veth the two CPUs can hand a burst of the kernel's ACKs on out of order (seen: ack 7301 5 µs before ack
     * 5841, in one of eight live runs of a Windows client's upload). Left as they came, the two would count as two
     * places where the kernel answered otherwise.
     *
     * @param segments the side's segments, so ordered
     * @param late     the ACKs that had come after a higher one, in the order they came
     */
    public record AcksInOrder(List<SegmentShape> segments, List<SegmentShape> late) {
        public static AcksInOrder of(List<SegmentShape> side) {
            List<SegmentShape> segments = new ArrayList<>(side.size()), late = new ArrayList<>();
            List<SegmentShape> run = new ArrayList<>();
            long highest = Long.MIN_VALUE; // in the run so far
            for (SegmentShape s : side) {
                if (pureAck(s)) {
                    if (!run.isEmpty() && s.ack() < highest) {
                        late.add(s);
                    }
                    highest = run.isEmpty() ? s.ack() : Math.max(highest, s.ack());
                    run.add(s);
                    continue;
                }
                putInOrder(run, segments);
                segments.add(s);
            }
            putInOrder(run, segments);
            return new AcksInOrder(List.copyOf(segments), List.copyOf(late));
        }

        /** A run of pure ACKs by what they acknowledge (a stable sort: duplicates and window updates keep their order). */
        private static void putInOrder(List<SegmentShape> run, List<SegmentShape> to) {
            run.sort(Comparator.comparingLong(SegmentShape::ack));
            to.addAll(run);
            run.clear();
        }
    }

    /** Each place the recorded server and the live kernel part, in both languages. */
    public static List<Text> differences(List<SegmentShape> recorded, List<SegmentShape> live) {
        return differences(recorded, live, Text.of("server", "服务器"));
    }

    /**
     * Each place they part, in both languages (the segments as {@link SegmentShape} writes them); {@code side}
     * names the recorded side the live kernel plays.
     */
    public static List<Text> differences(List<SegmentShape> recorded, List<SegmentShape> live, Text side) {
        List<Text> out = new ArrayList<>();
        if (recorded.size() > MAX_ALIGNED || live.size() > MAX_ALIGNED) {
            if (recorded.size() != live.size()) {
                out.add(Text.of("the recording has " + recorded.size() + " " + side.en() + " segments, the live kernel "
                        + "sent " + live.size() + " (too many to line up one by one)", "录制中" + side.zh() + "有 "
                        + recorded.size() + " 个报文段，实际的内核发送了 " + live.size() + " 个（太多，无法逐个对齐）"));
            }
            return out;
        }
        int n = recorded.size(), m = live.size();
        int[][] lcs = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                lcs[i][j] = recorded.get(i).sameAs(live.get(j)) ? lcs[i + 1][j + 1] + 1
                        : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        int i = 0, j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && recorded.get(i).sameAs(live.get(j))) {
                i++;
                j++;
            } else if (i < n && j < m && lcs[i + 1][j + 1] == lcs[i][j]) {
                out.add(Text.of("recorded frame " + recorded.get(i).frame() + ": " + recorded.get(i) + "; live instead: "
                        + live.get(j), "录制的第 " + recorded.get(i).frame() + " 帧：" + recorded.get(i) + "；实际却是："
                        + live.get(j)));
                i++;
                j++;
            } else if (j >= m || i < n && lcs[i + 1][j] >= lcs[i][j + 1]) {
                out.add(Text.of("recorded frame " + recorded.get(i).frame() + ": " + recorded.get(i) + "; live: no such segment",
                        "录制的第 " + recorded.get(i).frame() + " 帧：" + recorded.get(i) + "；实际：没有这个报文段"));
                i++;
            } else {
                out.add(Text.of("live only: " + live.get(j), "只在实际运行中：" + live.get(j)));
                j++;
            }
        }
        return out;
    }

    /**
     * Whether the two differ in their acknowledgements alone: every SYN, FIN, RST and data segment is
     * there on both sides, in order, with the same flags, seq and length, and every SYN and FIN with the
     * same ack. Where a kernel's ACK falls (and what it and its data acknowledge) follows when the data
     * arrived, which a re-enactment at its own pace does not repeat; a FIN's ack does not: it says whether
     * that side closed first or answered the other's FIN.
     */
    public static boolean onlyAcksDiffer(List<SegmentShape> recorded, List<SegmentShape> live) {
        List<SegmentShape> a = recorded.stream().filter(s -> !pureAck(s)).toList();
        List<SegmentShape> b = live.stream().filter(s -> !pureAck(s)).toList();
        if (a.size() != b.size()) {
            return false;
        }
        for (int k = 0; k < a.size(); k++) {
            SegmentShape x = a.get(k), y = b.get(k);
            boolean ackTells = x.flags().syn() || x.flags().fin();
            if (!x.flags().equals(y.flags()) || x.seq() != y.seq() || x.length() != y.length()
                    || ackTells && x.ack() != y.ack()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Where the same data went in other segments: both sides carried the same bytes (new data, retransmissions
     * left out), but from some segment on cut them elsewhere, so that the positional list above shows nearly
     * every data segment after it as different. Null when the cuts agree or the bytes do not.
     *
     * @param recordedFrom the recorded segment from which the cuts part
     * @param recordedAfter the recorded side's data segments from there on
     * @param liveAfter     the live side's, from the same byte on
     * @param bytes         the data bytes both carried
     */
    public record CutsPart(SegmentShape recordedFrom, int recordedAfter, int liveAfter, long bytes) {
    }

    public static CutsPart whereTheCutsPart(List<SegmentShape> recorded, List<SegmentShape> live) {
        List<SegmentShape> a = newData(recorded), b = newData(live);
        if (a.isEmpty() || b.isEmpty() || end(a) != end(b)) {
            return null;
        }
        int k = 0;
        while (k < a.size() && k < b.size() && a.get(k).seq() == b.get(k).seq()
                && a.get(k).length() == b.get(k).length()) {
            k++;
        }
        if (k == a.size() && k == b.size()) {
            return null;
        }
        return new CutsPart(a.get(Math.min(k, a.size() - 1)), a.size() - k, b.size() - k, end(a) - a.get(0).seq());
    }

    /** The segments that carry data not sent before, in order. */
    private static List<SegmentShape> newData(List<SegmentShape> side) {
        List<SegmentShape> out = new ArrayList<>();
        long next = Long.MIN_VALUE;
        for (SegmentShape s : side) {
            if (s.length() > 0 && s.seq() >= next) {
                out.add(s);
                next = s.seq() + s.length();
            }
        }
        return out;
    }

    private static long end(List<SegmentShape> data) {
        SegmentShape last = data.get(data.size() - 1);
        return last.seq() + last.length();
    }

    private static boolean pureAck(SegmentShape s) {
        return s.length() == 0 && s.flags().ack() && !s.flags().syn() && !s.flags().fin() && !s.flags().rst();
    }
}
