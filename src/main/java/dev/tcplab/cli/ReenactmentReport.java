package dev.tcplab.cli;

import dev.tcplab.analysis.LiveComparison;
import dev.tcplab.analysis.SegmentShape;
import dev.tcplab.text.Text;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * How a re-enactment says where the live run parted from the recording, for either side: the differences (the
 * first on the terminal, all in a file), what they come down to (only ACKs, data cut elsewhere, ACKs reordered on
 * the way) and the hints that would bring the run closer.
 */
final class ReenactmentReport {
    private ReenactmentReport() {
    }

    /** Differences listed on the terminal; beyond them, all go to a file beside the live run's capture. */
    private static final int DIFFERENCES_SHOWN = 20;

    /** The hints of a run that differed, and how to follow them all at once when they name options. */
    static void sayTheHints(ReenactmentHints hints, boolean asServer, Consumer<Text> say) {
        hints.all(asServer).forEach(h -> say.accept(h.said()));
        List<String> arguments = hints.arguments(asServer);
        if (!arguments.isEmpty()) {
            String options = String.join(" ", arguments);
            say.accept(Text.of("--follow-hints re-enacts it with them all (" + options + ")",
                    "--follow-hints 带着这些选项重演（" + options + "）"));
        }
    }

    /**
     * The places where the live run parted from the recording, and what they come down to: only acknowledgements, or
     * the same data cut into segments elsewhere.
     *
     * @param who the live side, as the sentence starts ("the live kernel")
     */
    static void sayTheDifferences(List<Text> differences, List<SegmentShape> recorded, List<SegmentShape> live, Text who,
                                  Path capture, PrintWriter info, Text.Lang lang, Consumer<Text> say) throws IOException {
        listDifferences(differences, capture, info, lang);
        if (LiveComparison.onlyAcksDiffer(recorded, live)) {
            say.accept(ONLY_ACKS_DIFFER);
        }
        LiveComparison.CutsPart cuts = LiveComparison.whereTheCutsPart(recorded, live);
        if (cuts != null) {
            say.accept(cutsPart(cuts, who));
        }
    }

    /**
     * The first {@link #DIFFERENCES_SHOWN} places where a re-enactment parted from the recording, and all of them in
     * a file beside the live capture when there are more (a bulk transfer can part in thousands of places).
     */
    private static void listDifferences(List<Text> differences, Path capture, PrintWriter info, Text.Lang lang)
            throws IOException {
        int n = differences.size();
        differences.stream().limit(DIFFERENCES_SHOWN).forEach(d -> info.println("  " + d.in(lang)));
        if (n > DIFFERENCES_SHOWN) {
            Path all = capture.resolveSibling(capture.getFileName().toString().replaceFirst("\\.pcap$", "")
                    + ".differences.txt");
            Files.write(all, differences.stream().map(d -> d.in(lang)).toList());
            info.println("  " + Text.of("… and " + (n - DIFFERENCES_SHOWN) + " more: all " + n + " in " + all,
                    "…… 还有 " + (n - DIFFERENCES_SHOWN) + " 处：全部 " + n + " 处在 " + all).in(lang));
        }
    }

    /**
     * A side's segments for the comparison, its ACKs that came out of order put back ({@link LiveComparison.AcksInOrder}),
     * which is said when there were any.
     *
     * @param who the side, as the sentence starts ("the live kernel")
     */
    static List<SegmentShape> inOrder(List<SegmentShape> side, Text who, Consumer<Text> say) {
        LiveComparison.AcksInOrder ordered = LiveComparison.AcksInOrder.of(side);
        if (!ordered.late().isEmpty()) {
            int n = ordered.late().size();
            long first = ordered.late().get(0).ack();
            say.accept(Text.of(who.en() + "'s ACKs came out of order " + (n == 1 ? "once" : n + " times") + " (ack " + first
                    + " after a higher one): a cumulative ACK never goes back, so they were reordered on their way (on the "
                    + "lab's veth, two CPUs can hand a burst of them on out of order); they are compared in the order sent",
                    who.zh() + "的 ACK 有 " + n + " 次乱序到达（ack " + first + " 在一个更大的之后）：累计确认号不会倒退，"
                    + "所以它们是在路上被重排的（在实验网络的 veth 上，两个 CPU 可能把一串 ACK 乱序递交）；比较时按发出的顺序"));
        }
        return ordered.segments();
    }

    /**
     * Said when the same data went in other segments ({@link LiveComparison#whereTheCutsPart}), which a positional
     * list shows as nearly every data segment after the first: the sentence says where and how many.
     *
     * @param who the live side, as the sentence starts ("the live kernel client")
     */
    static Text cutsPart(LiveComparison.CutsPart c, Text who) {
        SegmentShape s = c.recordedFrom();
        return Text.of(who.en() + " sent the same " + c.bytes() + " bytes of data, but cut them into segments elsewhere "
                + "from recorded frame " + s.frame() + " (seq " + s.seq() + ", " + s.length() + " bytes) on: from there, "
                + c.liveAfter() + " data segments live, " + c.recordedAfter() + " recorded, which the list above shows one "
                + "by one. Where a sender cuts follows where its application's writes ended and when the receiver's ACKs "
                + "and window let it send", who.zh() + "发送了同样的 " + c.bytes() + " 个字节的数据，但从录制的第 "
                + s.frame() + " 帧（seq " + s.seq() + "，" + s.length() + " 个字节）起，分段的位置不同：从那里起，实际 "
                + c.liveAfter() + " 个数据报文段，录制中 " + c.recordedAfter() + " 个，上面的列表逐个列出了它们。发送方在哪里"
                + "分段，取决于它的应用程序的写入在哪里结束，以及接收方的 ACK 和窗口何时让它发送");
    }

    /** Said when only acknowledgements differ ({@link LiveComparison#onlyAcksDiffer}). */
    private static final Text ONLY_ACKS_DIFFER = Text.of("every SYN and FIN came as recorded, and every data segment with the "
            + "same seq and length; only acknowledgements differ, which follow when the data arrived, and a re-enactment "
            + "keeps its own pace", "每个 SYN 和 FIN 都与录制的一样，每个数据报文段的 seq 和长度也相同；只有确认不同：它们取决于"
            + "数据何时到达，而重演有它自己的节奏");
}
