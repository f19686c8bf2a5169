package dev.tcplab.analysis;

import java.util.ArrayList;
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

    public static List<String> differences(List<SegmentShape> recorded, List<SegmentShape> live) {
        List<String> out = new ArrayList<>();
        if (recorded.size() > MAX_ALIGNED || live.size() > MAX_ALIGNED) {
            if (recorded.size() != live.size()) {
                out.add("the recording has " + recorded.size() + " server segments, the live kernel sent " + live.size()
                        + " (too many to line up one by one)");
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
                out.add("recorded frame " + recorded.get(i).frame() + ": " + recorded.get(i) + "; live instead: "
                        + live.get(j));
                i++;
                j++;
            } else if (j >= m || i < n && lcs[i + 1][j] >= lcs[i][j + 1]) {
                out.add("recorded frame " + recorded.get(i).frame() + ": " + recorded.get(i) + "; live: no such segment");
                i++;
            } else {
                out.add("live only: " + live.get(j));
                j++;
            }
        }
        return out;
    }
}
