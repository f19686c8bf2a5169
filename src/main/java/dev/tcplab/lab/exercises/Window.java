package dev.tcplab.lab.exercises;

import static dev.tcplab.lab.exercises.Exercise.lengths;
import static dev.tcplab.lab.exercises.Exercise.rel;
import static dev.tcplab.lab.exercises.Exercise.seqs;

import dev.tcplab.lab.Payloads;
import dev.tcplab.lab.PeerOptions;
import dev.tcplab.text.Text;
import dev.tcplab.trace.Direction;
import dev.tcplab.trace.TraceEvent;
import dev.tcplab.wire.Segment;
import dev.tcplab.wire.SeqNum;
import dev.tcplab.wire.TcpOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Beyond the notes: flow control. A receiver whose application does not read shuts its window, and the
 * sender's persist timer probes it (RFC 9293 §3.8.6.1), because the ACK that reopens it may be lost.
 */
public final class Window implements Exercise {
    static final int SENT = 24 * 1024;
    /** Run 2: what the kernel sends while our application does not read; four times our 256 KB window. */
    static final int KERNEL_SENDS = 1_000_000;
    /**
     * Probes go ~245, ~645 and ~1445 ms in; the application reads between the second and the third, far from
     * both: at 1.5 s a third probe ~55 ms before the read could, on a slow machine, meet the window opening.
     */
    static final Duration READ_DELAY = Duration.ofMillis(1200);
    /** Run 3: how fast the kernel's application reads; the 24 KB then take about a second past its buffer's 8 KB. */
    static final long SLOW_RATE = 16_000;
    /** Run 4: what the kernel sends while ours reads slowly; our 256 KB window first, then ~18 KB more. */
    static final int KERNEL_SENDS_SLOWLY = 280_000;
    /** Run 4: how fast our application reads: 1,000 bytes a tick, less than a segment. */
    static final long OUR_RATE = 20_000;
    /** A segment (1,448 bytes) as a window field rounds it: 11 × 128 with the kernel's scale of 7. */
    private static final long SEGMENT_ROUNDED = 1408;
    /** The measured wait may fall a little short of 200 ms: the clock reads the ACK's arrival before the timer starts. */
    private static final long MIN_RTO_NANOS = 190_000_000L;

    @Override
    public String name() {
        return "window";
    }

    @Override
    public Text title() {
        return Text.of("Flow control: a shut window, the persist timer, a slow reader",
                "流量控制：关闭的窗口、持续计时器、读得慢的一方");
    }

    @Override
    public Text intro() {
        return Text.of("""
                Each segment's window field says how many more bytes its sender can take. When the kernel's
                application does not read, its buffer fills and its window falls to 0: tcplab must stop
                sending. What reopens the window is a bare ACK, and nobody retransmits a lost ACK: both sides
                would wait for ever. So the sender runs a persist timer and, while the window is 0, sends a
                probe that the receiver must answer with its window: after one RTO, then at doubling intervals
                (RFC 9293 §3.8.6.1). Run 1: the kernel's application reads nothing for 1.2 s from an 8 KB
                buffer while tcplab sends 24 KB. Run 2 turns the roles round: the kernel sends 1 MB and
                tcplab's application reads nothing for 1.2 s; watch how Linux probes. Run 3: the kernel's
                application reads, but slowly (16 KB/s): its window shuts, opens a little, shuts again, and
                tcplab never sends past it. Run 4: ours reads slowly (20 KB/s, 1,000 bytes every 50 ms): tcplab
                opens its window only by a full segment or more (RFC 1122's silly-window avoidance), else the
                kernel would send slivers. Watch the win column.""", """
                每个报文段的窗口字段表示发送它的一方还能接收多少字节。内核的应用程序不读时，它的缓冲区被填满，窗口降到 0：
                tcplab 必须停止发送。让窗口重新打开的只是一个不带数据的 ACK，而丢失的 ACK 没有人重传：双方就会永远等下去。
                所以发送方设有持续计时器：窗口为 0 时，它发送探测，接收方必须用自己的窗口回应；第一个探测在一个 RTO 之后，
                之后间隔逐次加倍（RFC 9293 §3.8.6.1）。第 1 次运行：内核的应用程序在 1.2 秒内什么也不读，缓冲区只有 8 KB，
                而 tcplab 发送 24 KB。第 2 次运行交换角色：内核发送 1 MB，tcplab 的应用程序在 1.2 秒内什么也不读；
                看看 Linux 怎样探测。第 3 次运行：内核的应用程序在读，但读得慢（每秒 16 KB）：它的窗口关闭，打开一点，
                又关闭，而 tcplab 从不越过它发送。第 4 次运行：我们的应用程序读得慢（每秒 20 KB，每 50 毫秒 1000 字节）：
                tcplab 每次至少打开一个完整报文段的窗口（RFC 1122 的糊涂窗口避免），否则内核会发送零碎的小报文段。
                请看 win 一列。""");
    }

    @Override
    public List<LabRun> runs() {
        return List.of(LabRun.connect(Text.of("the kernel's application reads late", "内核的应用程序迟迟不读"))
                        .sending(Payloads.stream(SENT)).withPeer(PeerOptions.DEFAULT.withReadDelay(READ_DELAY)),
                LabRun.connect(Text.of("ours reads late, the kernel probes", "我们的应用程序迟迟不读，内核来探测"))
                        .sending(new byte[0]).withPeer(PeerOptions.DEFAULT.withSendBytes(KERNEL_SENDS))
                        .readingLate(READ_DELAY),
                LabRun.connect(Text.of("the kernel's application reads slowly", "内核的应用程序读得慢"))
                        .sending(Payloads.stream(SENT)).withPeer(PeerOptions.DEFAULT.withReadRate(SLOW_RATE)),
                LabRun.connect(Text.of("ours reads slowly", "我们的应用程序读得慢"))
                        .sending(new byte[0]).withPeer(PeerOptions.DEFAULT.withSendBytes(KERNEL_SENDS_SLOWLY))
                        .readingSlowly(OUR_RATE));
    }

    @Override
    public List<Check> checks(List<Timeline> runs) {
        List<Check> out = new ArrayList<>(weProbe(runs.get(0)));
        out.addAll(kernelProbing(runs.get(1)));
        out.addAll(slowReader(runs.get(2)));
        out.addAll(weReadSlowly(runs.get(3)));
        return out;
    }

    /** Run 1: the kernel's window shut, and our probes in the RFC's form. */
    private static List<Check> weProbe(Timeline t) {
        SeqNum ourIsn = t.isn(Direction.OUT);
        if (ourIsn == null) {
            return List.of(Check.of(Text.of("the connection opened", "连接已打开"), false,
                    Text.of("no SYN of ours", "没有我们的 SYN")));
        }
        List<TraceEvent.SegmentEvent> in = t.onWire(Direction.IN, s -> !s.flags().syn());
        ShutWindow kernels = ShutWindow.of(in);
        TraceEvent.SegmentEvent shut = kernels.shut(), opened = kernels.opened();
        long shutAt = kernels.shutAt(), openedAt = kernels.openedAt();
        List<TraceEvent.SegmentEvent> whileShut = t.onWire(Direction.OUT, s -> s.payloadLength() > 0).stream()
                .filter(s -> s.timeNanos() > shutAt && s.timeNanos() < openedAt).toList();
        long edge = shut == null ? -1 : rel(shut.segment().ack(), ourIsn);
        List<Check> out = new ArrayList<>();

        out.add(Check.of(Text.of("the kernel's buffer filled and its window fell to 0",
                "内核的缓冲区满了，它的窗口降到 0"), shut != null,
                shut == null ? Text.of("no zero window", "没有零窗口")
                        : Text.of("window 0 at " + ms(shutAt) + ", " + (edge - 1) + " of our bytes taken",
                        ms(shutAt) + " 时窗口为 0，已收下我们的 " + (edge - 1) + " 个字节")));

        boolean onlyProbes = !whileShut.isEmpty() && whileShut.stream().allMatch(s -> s.segment().payloadLength() == 1
                && rel(s.segment().seq(), ourIsn) == edge);
        out.add(Check.of(Text.of("while it was 0, tcplab sent no data, only probes of one byte: the first byte it shut out",
                "窗口为 0 时，tcplab 不发送数据，只发送一个字节的探测：即被窗口挡住的第一个字节"), onlyProbes,
                Text.of(whileShut.size() + " segments with data while shut (length " + lengths(whileShut) + ")",
                        "窗口关闭期间有 " + whileShut.size() + " 个带数据的报文段（长度 " + lengths(whileShut) + "）")));

        List<Long> waits = new ArrayList<>();
        long from = shutAt;
        for (TraceEvent.SegmentEvent p : whileShut) {
            waits.add(p.timeNanos() - from);
            from = p.timeNanos();
        }
        // One RTO first: never below its floor of 200 ms (RFC 6298 asks 1 s; Linux and tcplab use 200 ms).
        boolean doubling = waits.size() >= 2 && waits.get(0) >= MIN_RTO_NANOS;
        for (int i = 1; i < waits.size(); i++) {
            double ratio = (double) waits.get(i) / waits.get(i - 1);
            doubling &= ratio >= 1.5 && ratio <= 2.5; // the timer's doubling, with room for scheduling
        }
        String gaps = waits.stream().map(Window::ms).reduce((a, b) -> a + ", " + b).orElse("-");
        out.add(Check.of(Text.of("the first probe came one RTO (at least 200 ms) after the window shut, each next one "
                + "twice as long after", "第一个探测在窗口关闭一个 RTO（至少 200 毫秒）之后，之后每个间隔加倍"), doubling,
                Text.of("waits " + gaps, "等待 " + gaps)));

        long answered = 0;
        for (int i = 0; i < whileShut.size(); i++) {
            long sent = whileShut.get(i).timeNanos();
            long next = i + 1 < whileShut.size() ? whileShut.get(i + 1).timeNanos() : openedAt;
            if (in.stream().anyMatch(s -> s.timeNanos() > sent && s.timeNanos() <= next && s.segment().window() == 0
                    && rel(s.segment().ack(), ourIsn) == edge)) {
                answered++;
            }
        }
        out.add(Check.of(Text.of("the kernel answered each probe: window still 0, the byte not taken",
                "内核回应了每个探测：窗口仍为 0，那个字节没有收下"), answered == whileShut.size() && answered > 0,
                Text.of(answered + " of " + whileShut.size() + " probes answered so",
                        whileShut.size() + " 个探测中 " + answered + " 个得到这样的回应")));

        long echoed = t.bytesSent(Direction.IN);
        out.add(Check.of(Text.of("when its application read, its window opened and all " + SENT + " bytes came back",
                "它的应用程序读取之后，窗口打开，全部 " + SENT + " 个字节都回来了"), opened != null && echoed == SENT,
                Text.of((opened == null ? "the window never opened" : "window " + opened.segment().window() + " at "
                        + ms(openedAt)) + "; " + echoed + " bytes echoed", (opened == null ? "窗口一直没有打开"
                        : ms(openedAt) + " 时窗口为 " + opened.segment().window()) + "；回显了 " + echoed + " 个字节")));
        return out;
    }

    /** Run 2: our window shut, and the kernel's probes in Linux's form. */
    private static List<Check> kernelProbing(Timeline t) {
        SeqNum theirIsn = t.isn(Direction.IN);
        if (theirIsn == null) {
            return List.of(Check.of(Text.of("the connection opened", "连接已打开"), false,
                    Text.of("no SYN+ACK from the kernel", "没有内核的 SYN+ACK")));
        }
        List<TraceEvent.SegmentEvent> ours = t.onWire(Direction.OUT, s -> !s.flags().syn());
        ShutWindow our = ShutWindow.of(ours);
        TraceEvent.SegmentEvent shut = our.shut(), update = our.opened();
        long shutAt = our.shutAt(), updateAt = our.openedAt();
        long ourAck = shut == null ? -1 : rel(shut.segment().ack(), theirIsn);
        List<TraceEvent.SegmentEvent> probes = t.onWire(Direction.IN, s -> s.payloadLength() <= 1 && !s.flags().syn()
                && !s.flags().fin() && !s.flags().rst()).stream()
                .filter(s -> s.timeNanos() > shutAt && s.timeNanos() < updateAt).toList();
        // RCV.NXT when the probe came: the ack of our last segment before it (the kernel may have sent a few
        // bytes more after our first zero: what it had seen of our window then allowed them).
        boolean linuxForm = !probes.isEmpty() && probes.stream().allMatch(p -> p.segment().payloadLength() == 0
                && ours.stream().filter(o -> o.timeNanos() <= p.timeNanos()).reduce((a, b) -> b)
                .map(o -> o.segment().ack().equals(p.segment().seq().plus(1))).orElse(false));
        List<Check> out = new ArrayList<>();
        out.add(Check.of(Text.of("roles turned round: our window fell to 0, and the kernel probed it with a byte we "
                        + "already had (seq = our RCV.NXT − 1, no data: Linux's form)",
                "角色交换：我们的窗口降到 0，内核用我们已经收到的字节探测（seq = 我们的 RCV.NXT − 1，不带数据：Linux 的形式）"),
                shut != null && linuxForm, shut == null ? Text.of("our window never fell to 0", "我们的窗口从未降到 0")
                        : Text.of("our window 0 at " + ms(shutAt) + " (ack " + ourAck + "); " + probes.size()
                        + " probes, seq " + seqs(probes, theirIsn), ms(shutAt) + " 时我们的窗口为 0（ack " + ourAck + "）；"
                        + probes.size() + " 个探测，seq " + seqs(probes, theirIsn))));

        long answered = 0;
        for (TraceEvent.SegmentEvent p : probes) {
            TraceEvent.SegmentEvent next = ours.stream().filter(s -> s.timeNanos() >= p.timeNanos()).findFirst()
                    .orElse(null);
            if (next != null && next.segment().window() == 0) {
                answered++;
            }
        }
        long arrived = t.bytesSent(Direction.IN);
        out.add(Check.of(Text.of("we answered each probe with window 0; when our application read, our window update "
                        + "reopened it and all " + KERNEL_SENDS + " bytes arrived",
                "我们用窗口 0 回应每个探测；我们的应用程序读取之后，窗口更新让它重新打开，全部 " + KERNEL_SENDS + " 个字节都到了"),
                !probes.isEmpty() && answered == probes.size() && update != null && arrived == KERNEL_SENDS,
                Text.of(answered + " of " + probes.size() + " answered with 0; " + (update == null ? "no window update"
                        : "window update at " + ms(updateAt)) + "; " + arrived + " bytes", probes.size() + " 个中 "
                        + answered + " 个以 0 回应；" + (update == null ? "没有窗口更新" : ms(updateAt) + " 时窗口更新")
                        + "；" + arrived + " 个字节")));
        return out;
    }

    /** Run 3: a reader that keeps its window nearly shut, and a sender that keeps within it. */
    private static List<Check> slowReader(Timeline t) {
        SeqNum ourIsn = t.isn(Direction.OUT);
        if (ourIsn == null) {
            return List.of(Check.of(Text.of("the connection opened", "连接已打开"), false,
                    Text.of("no SYN of ours", "没有我们的 SYN")));
        }
        List<TraceEvent.SegmentEvent> in = t.onWire(Direction.IN, s -> true);
        List<Long> shuts = new ArrayList<>();
        int reopened = 0;
        for (int i = 1; i < in.size(); i++) {
            int before = in.get(i - 1).segment().window(), now = in.get(i).segment().window();
            if (now == 0 && before > 0) {
                shuts.add(in.get(i).timeNanos());
            } else if (now > 0 && before == 0) {
                reopened++;
            }
        }
        List<Check> out = new ArrayList<>();
        // The first few and the last: a slow reader's window shuts a dozen times a second.
        List<String> shown = new ArrayList<>(shuts.stream().limit(4).map(Window::ms).toList());
        if (shuts.size() > 5) {
            shown.add("…");
        }
        if (shuts.size() > 4) {
            shown.add(ms(shuts.get(shuts.size() - 1)));
        }
        String times = shown.isEmpty() ? "-" : String.join(", ", shown);
        String timesZh = shown.isEmpty() ? "-" : String.join("，", shown);
        out.add(Check.of(Text.of("a slow reader: the kernel's window shut again and again, and opened each time its "
                + "application read", "读得慢的一方：内核的窗口一再关闭，每当它的应用程序读取时又打开"),
                shuts.size() >= 3 && reopened >= shuts.size(), Text.of("window 0 " + shuts.size() + " times (at "
                + times + "), opened " + reopened + " times", "窗口 " + shuts.size() + " 次为 0（" + timesZh + "），"
                + reopened + " 次打开")));

        // The kernel's window in bytes: scaled when both SYNs offered scaling, except in the SYN+ACK itself.
        int shift = shift(t, Direction.IN, Direction.OUT);
        long edge = -1, sent = 0;
        boolean win0 = false;
        Text past = null;
        for (TraceEvent.SegmentEvent e : t.segments()) {
            if (e.direction() == Direction.IN && e.segment().flags().ack()) {
                long window = (long) e.segment().window() << (e.segment().flags().syn() ? 0 : shift);
                edge = rel(e.segment().ack(), ourIsn) + window;
                win0 = window == 0;
            } else if (e.direction() == Direction.OUT && !e.lost() && e.segment().payloadLength() > 0) {
                long end = rel(e.segment().seq(), ourIsn) + e.segment().payloadLength();
                boolean probe = win0 && e.segment().payloadLength() == 1; // the persist timer's byte, RFC 9293 §3.8.6.1
                sent++;
                if (!probe && end > edge && past == null) {
                    past = Text.of("at " + ms(e.timeNanos()) + " our bytes up to " + (end - 1) + ", the window's edge at "
                            + (edge - 1), ms(e.timeNanos()) + " 时我们发到第 " + (end - 1) + " 个字节，窗口的边在第 "
                            + (edge - 1) + " 个");
                }
            }
        }
        out.add(Check.of(Text.of("tcplab never sent past the window the kernel offered (ACK + window), one-byte probes "
                + "of a shut window aside", "tcplab 从不越过内核提供的窗口（ACK + 窗口）发送，关闭窗口时一个字节的探测除外"),
                sent > 0 && past == null, past != null ? past : Text.of(sent + " data segments, each within the window",
                sent + " 个数据报文段，每个都在窗口之内")));

        long echoed = t.bytesSent(Direction.IN);
        out.add(Check.of(Text.of("all " + SENT + " bytes came back", "全部 " + SENT + " 个字节都回来了"), echoed == SENT,
                Text.of(echoed + " bytes echoed", "回显了 " + echoed + " 个字节")));
        return out;
    }

    /** Run 4: our window opened by segments, announced at once, and the kernel kept within it. */
    private static List<Check> weReadSlowly(Timeline t) {
        SeqNum theirIsn = t.isn(Direction.IN);
        if (theirIsn == null) {
            return List.of(Check.of(Text.of("the connection opened", "连接已打开"), false,
                    Text.of("no SYN+ACK from the kernel", "没有内核的 SYN+ACK")));
        }
        int ourShift = shift(t, Direction.OUT, Direction.IN);
        List<TraceEvent.SegmentEvent> ours = t.onWire(Direction.OUT, sg -> !sg.flags().syn());
        int reopened = 0, slivers = 0, late = 0;
        List<Long> openings = new ArrayList<>();
        for (int i = 1; i < ours.size(); i++) {
            Segment before = ours.get(i - 1).segment(), now = ours.get(i).segment();
            if (before.window() == 0 && now.window() > 0 && now.ack().equals(before.ack())) {
                reopened++;
                long bytes = (long) now.window() << ourShift;
                openings.add(bytes);
                slivers += bytes < SEGMENT_ROUNDED ? 1 : 0;
            } else if (before.window() == 0 && now.window() > 0) {
                late++; // reopened only in an ACK of new data: the kernel had to probe to learn of it
            }
        }
        List<Check> out = new ArrayList<>();
        String sizes = openings.stream().distinct().limit(6).map(String::valueOf).reduce((a, b) -> a + ", " + b)
                .orElse("-");
        out.add(Check.of(Text.of("ours reading slowly: our window shut, and reopened only by a segment or more each "
                + "time (RFC 1122 §4.2.3.3), never by the 1,000 bytes a read frees", "我们的应用程序读得慢：我们的窗口关闭，"
                + "每次至少重新打开一个报文段（RFC 1122 §4.2.3.3），从不只打开一次读取腾出的 1000 字节"),
                reopened >= 3 && slivers == 0, Text.of("reopened " + reopened + " times, by " + sizes + " bytes"
                + (slivers > 0 ? "; " + slivers + " times by less than a segment" : ""), "重新打开 " + reopened
                + " 次，大小 " + sizes + " 字节" + (slivers > 0 ? "；" + slivers + " 次不足一个报文段" : ""))));
        out.add(Check.of(Text.of("each reopening went at once, in a window update (the same ACK, a new window): the "
                + "kernel did not have to probe to learn of it", "每次重新打开都立即通过窗口更新发出（ACK 不变，窗口更新）："
                + "内核不必探测就知道"), reopened > 0 && late == 0, Text.of(reopened + " window updates; " + late
                + " reopenings only in an ACK of new data", reopened + " 个窗口更新；" + late + " 次只在确认新数据的 ACK 中打开")));

        // The kernel's data against the right edge we offered last (ACK + window, scaled; the SYN's unscaled).
        long edge = -1, sent = 0;
        Text past = null;
        for (TraceEvent.SegmentEvent e : t.segments()) {
            if (e.direction() == Direction.OUT && e.segment().flags().ack()) {
                long window = (long) e.segment().window() << (e.segment().flags().syn() ? 0 : ourShift);
                edge = Math.max(edge, rel(e.segment().ack(), theirIsn) + window); // an edge moved back binds no one
            } else if (e.direction() == Direction.IN && e.segment().payloadLength() > 0 && !e.segment().flags().syn()) {
                long end = rel(e.segment().seq(), theirIsn) + e.segment().payloadLength();
                sent++;
                if (end > edge && past == null) {
                    past = Text.of("at " + ms(e.timeNanos()) + " its bytes up to " + (end - 1) + ", our window's edge at "
                            + (edge - 1), ms(e.timeNanos()) + " 时它发到第 " + (end - 1) + " 个字节，我们窗口的边在第 "
                            + (edge - 1) + " 个");
                }
            }
        }
        long arrived = t.bytesSent(Direction.IN);
        out.add(Check.of(Text.of("the kernel never sent past the window we offered, and all " + KERNEL_SENDS_SLOWLY
                + " bytes arrived", "内核从不越过我们提供的窗口发送，全部 " + KERNEL_SENDS_SLOWLY + " 个字节都到了"),
                past == null && sent > 0 && arrived == KERNEL_SENDS_SLOWLY, past != null ? past : Text.of(sent
                + " data segments within our window; " + arrived + " bytes", sent + " 个数据报文段都在我们的窗口之内；"
                + arrived + " 个字节")));
        return out;
    }

    /** The window scale a side's SYN asked for, in force when the other's SYN offered scaling too; else 0. */
    private static int shift(Timeline t, Direction side, Direction other) {
        boolean both = t.onWire(other, sg -> sg.flags().syn()).stream().findFirst()
                .flatMap(sg -> sg.segment().option(TcpOption.WindowScale.class)).isPresent();
        return !both ? 0 : t.onWire(side, sg -> sg.flags().syn()).stream().findFirst()
                .flatMap(sg -> sg.segment().option(TcpOption.WindowScale.class)).map(TcpOption.WindowScale::shift)
                .orElse(0);
    }

    /** Where one side's window first fell to 0, and where it next opened; either may be null. */
    private record ShutWindow(TraceEvent.SegmentEvent shut, TraceEvent.SegmentEvent opened) {
        static ShutWindow of(List<TraceEvent.SegmentEvent> sideSent) {
            TraceEvent.SegmentEvent shut = sideSent.stream().filter(s -> s.segment().window() == 0).findFirst()
                    .orElse(null);
            TraceEvent.SegmentEvent opened = shut == null ? null : sideSent.stream()
                    .filter(s -> s.timeNanos() > shut.timeNanos() && s.segment().window() > 0).findFirst().orElse(null);
            return new ShutWindow(shut, opened);
        }

        long shutAt() {
            return shut == null ? Long.MAX_VALUE : shut.timeNanos();
        }

        long openedAt() {
            return opened == null ? Long.MAX_VALUE : opened.timeNanos();
        }
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%d ms", nanos / 1_000_000);
    }

    @Override
    public Text afterword() {
        return Text.of("tcplab probes as RFC 9293 says, with one byte of new data (Wireshark: \"TCP ZeroWindowProbe\"). "
                + "Linux probes with a byte the receiver already has (seq = SND.UNA − 1, no data, run 2), which Wireshark "
                + "calls a keep-alive; tcplab's ladder names it for what it is. Either way the connection stays open "
                + "as long as the probes are answered, however long the window stays shut; Linux gives up only after "
                + "net.ipv4.tcp_retries2 probes that nobody answered. Run 3 is the window's everyday work: a reader "
                + "that keeps up only slowly holds the sender to its pace, a segment each time its window opens. Run 4 is the "
                + "receiver's half of silly-window avoidance: offered each 1,000 bytes as they were read, the kernel "
                + "would send 1,000-byte segments, then smaller ones, for ever; waiting for a segment's worth keeps "
                + "the segments full.",
                "tcplab 按 RFC 9293 的说法探测：发送一个字节的新数据（Wireshark 称为 \"TCP ZeroWindowProbe\"）。Linux "
                + "发送的是接收方已有的字节（seq = SND.UNA − 1，不带数据，第 2 次运行），Wireshark 把它称为保活探测；"
                + "tcplab 的时序图按它的真实身份称呼它。无论哪种，只要探测得到回应，不管窗口关闭多久，"
                + "连接都保持打开；只有连续 net.ipv4.tcp_retries2 个探测都没有回应，Linux 才放弃。第 3 次运行是窗口的日常工作："
                + "读得慢的一方把发送方拖到自己的节奏上，窗口每打开一次，放进一个报文段。第 4 次运行是接收方这一半的糊涂窗口避免："
                + "如果每读 1000 字节就通告出去，内核就会发送 1000 字节的报文段，然后更小的，一直下去；等到够一个报文段再打开，"
                + "报文段就保持满载。");
    }
}
