package dev.tcplab.lab.exercises;

import dev.tcplab.lab.PeerOptions;
import dev.tcplab.text.Text;
import dev.tcplab.trace.Direction;
import dev.tcplab.trace.TraceEvent;
import dev.tcplab.wire.SeqNum;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Seed claim 3: four segments to close, because the ACK of a FIN cannot wait for the application's own close. */
public final class Close implements Exercise {
    static final Duration LATE = Duration.ofSeconds(1);

    @Override
    public String name() {
        return "close";
    }

    @Override
    public Text title() {
        return Text.of("Why four segments to close", "为什么关闭要四次挥手");
    }

    @Override
    public Text intro() {
        return Text.of("""
                tcplab closes first: FIN (FIN_WAIT_1). The kernel ACKs the FIN at once, but it can send its
                own FIN only when its application closes the socket; until then it sits in CLOSE_WAIT and we
                in FIN_WAIT_2. So in general the ACK and the FIN are two segments: four in all. Run 1: the
                kernel's application closes 1 s late, and you see CLOSE_WAIT in the kernel's own state. Run 2:
                it closes at once, and Linux merges its ACK into its FIN: three segments.""", """
                tcplab 先关闭：发送 FIN（进入 FIN_WAIT_1）。内核立即对这个 FIN 回 ACK，但它自己的 FIN 要等到它的
                应用程序关闭套接字时才能发出；在此之前它处于 CLOSE_WAIT，我们处于 FIN_WAIT_2。所以一般来说，
                ACK 和 FIN 是两个报文段，一共四个。第 1 次运行：内核一侧的应用程序晚 1 秒关闭，
                你能在内核自己的状态里看到 CLOSE_WAIT。第 2 次运行：它立即关闭，Linux 把 ACK 合并进 FIN：只有三个报文段。""");
    }

    @Override
    public List<LabRun> runs() {
        return List.of(
                LabRun.connect(Text.of("the kernel's application closes 1 s late", "内核一侧的应用程序晚 1 秒关闭"))
                        .withPeer(PeerOptions.DEFAULT.withCloseDelay(LATE)),
                LabRun.connect(Text.of("it closes at once", "它立即关闭")));
    }

    @Override
    public List<Check> checks(List<Timeline> runs) {
        List<Check> out = new ArrayList<>();
        Timeline late = runs.get(0);
        List<String> closing = closingSegments(late);
        boolean four = closing.equals(List.of("──▶ FIN", "◀── ACK", "◀── FIN", "──▶ ACK"));
        out.add(Check.of(Text.of("an application that closes late: four segments (FIN, ACK, FIN, ACK)",
                "应用程序晚关闭：四个报文段（FIN、ACK、FIN、ACK）"), four, fromOurFin(closing)));
        boolean closeWait = late.kernelStates().stream().anyMatch(k -> k.state().equals("CLOSE-WAIT"));
        long fw2 = late.entered("FIN_WAIT_2"), tw = late.entered("TIME_WAIT");
        out.add(Check.of(Text.of("between them the kernel is in CLOSE_WAIT and we in FIN_WAIT_2",
                "在这期间内核处于 CLOSE_WAIT，我们处于 FIN_WAIT_2"), closeWait && fw2 >= 0,
                fw2 >= 0 && tw >= 0
                        ? Text.of("kernel states " + Handshake.names(late) + "; our FIN_WAIT_2 lasted "
                                + String.format("%.0f ms", (tw - fw2) / 1e6), "内核状态 " + Handshake.names(late)
                                + "；我们的 FIN_WAIT_2 持续了 " + String.format("%.0f 毫秒", (tw - fw2) / 1e6))
                        : Text.of("kernel states " + Handshake.names(late) + "; we were never in FIN_WAIT_2",
                                "内核状态 " + Handshake.names(late) + "；我们从未处于 FIN_WAIT_2")));
        Timeline prompt = runs.get(1);
        List<String> merged = closingSegments(prompt);
        out.add(Check.of(Text.of("an application that closes at once: Linux merges ACK and FIN (three segments)",
                "应用程序立即关闭：Linux 把 ACK 与 FIN 合并（三个报文段）"),
                merged.equals(List.of("──▶ FIN", "◀── FIN", "──▶ ACK")), fromOurFin(merged)));
        return out;
    }

    /** From our first FIN to the end: the arrow and whether each segment carries a FIN or only an ACK. */
    static List<String> closingSegments(Timeline t) {
        List<String> out = new ArrayList<>();
        boolean started = false;
        SeqNum ourIsn = t.isn(Direction.OUT);
        for (TraceEvent.SegmentEvent s : t.segments()) {
            if (s.lost() && s.direction() == Direction.OUT) {
                continue;
            }
            started |= s.direction() == Direction.OUT && s.segment().flags().fin();
            if (started && s.segment().payloadLength() == 0) {
                out.add(s.direction().arrow + " " + (s.segment().flags().fin() ? "FIN" : s.segment().flags().rst() ? "RST" : "ACK"));
            }
        }
        return ourIsn == null ? List.of() : out;
    }

    @Override
    public Text afterword() {
        return Text.of("The notes say four segments; Linux sends three whenever the application closes before its delayed"
                + " ACK would leave. Four is the rule because nothing obliges the application to close at once.",
                "笔记说是四个报文段；只要应用程序在延迟 ACK 发出之前就关闭，Linux 就只发三个。"
                        + "之所以说四次是常规，是因为没有什么能强迫应用程序立即关闭。");
    }

    private static Text fromOurFin(List<String> segments) {
        return Text.of("seen from our FIN on: " + segments, "从我们的 FIN 起看到：" + segments);
    }
}
