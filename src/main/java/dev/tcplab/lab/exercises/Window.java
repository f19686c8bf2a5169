package dev.tcplab.lab.exercises;

import static dev.tcplab.lab.exercises.Exercise.rel;

import dev.tcplab.lab.Payloads;
import dev.tcplab.lab.PeerOptions;
import dev.tcplab.text.Text;
import dev.tcplab.trace.Direction;
import dev.tcplab.trace.TraceEvent;
import dev.tcplab.wire.SeqNum;
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
    /**
     * Probes go ~245, ~645 and ~1445 ms in; the application reads between the second and the third, far from
     * both: at 1.5 s a third probe ~55 ms before the read could, on a slow machine, meet the window opening.
     */
    static final Duration READ_DELAY = Duration.ofMillis(1200);
    /** The measured wait may fall a little short of 200 ms: the clock reads the ACK's arrival before the timer starts. */
    private static final long MIN_RTO_NANOS = 190_000_000L;

    @Override
    public String name() {
        return "window";
    }

    @Override
    public Text title() {
        return Text.of("Flow control: a shut window and the persist timer", "流量控制：关闭的窗口与持续计时器");
    }

    @Override
    public Text intro() {
        return Text.of("""
                Each segment's window field says how many more bytes its sender can take. When the kernel's
                application does not read, its buffer fills and its window falls to 0: tcplab must stop
                sending. What reopens the window is a bare ACK, and nobody retransmits a lost ACK: both sides
                would wait for ever. So the sender runs a persist timer and, while the window is 0, sends a
                probe that the receiver must answer with its window: after one RTO, then at doubling intervals
                (RFC 9293 §3.8.6.1). Here the kernel's application reads nothing for 1.2 s from an 8 KB buffer
                while tcplab sends 24 KB. Watch the win column.""", """
                每个报文段的窗口字段表示发送它的一方还能接收多少字节。内核的应用程序不读时，它的缓冲区被填满，窗口降到 0：
                tcplab 必须停止发送。让窗口重新打开的只是一个不带数据的 ACK，而丢失的 ACK 没有人重传：双方就会永远等下去。
                所以发送方设有持续计时器：窗口为 0 时，它发送探测，接收方必须用自己的窗口回应；第一个探测在一个 RTO 之后，
                之后间隔逐次加倍（RFC 9293 §3.8.6.1）。这里内核的应用程序在 1.2 秒内什么也不读，缓冲区只有 8 KB，
                而 tcplab 发送 24 KB。请看 win 一列。""");
    }

    @Override
    public List<LabRun> runs() {
        return List.of(LabRun.connect(Text.of("the kernel's application reads late", "内核的应用程序迟迟不读"))
                .sending(Payloads.stream(SENT)).withPeer(PeerOptions.DEFAULT.withReadDelay(READ_DELAY)));
    }

    @Override
    public List<Check> checks(List<Timeline> runs) {
        Timeline t = runs.get(0);
        SeqNum ourIsn = t.isn(Direction.OUT);
        List<TraceEvent.SegmentEvent> in = t.onWire(Direction.IN, s -> !s.flags().syn());
        TraceEvent.SegmentEvent shut = in.stream().filter(s -> s.segment().window() == 0).findFirst().orElse(null);
        long shutAt = shut == null ? Long.MAX_VALUE : shut.timeNanos();
        TraceEvent.SegmentEvent opened = in.stream().filter(s -> s.timeNanos() > shutAt && s.segment().window() > 0)
                .findFirst().orElse(null);
        long openedAt = opened == null ? Long.MAX_VALUE : opened.timeNanos();
        List<TraceEvent.SegmentEvent> whileShut = t.onWire(Direction.OUT, s -> s.payloadLength() > 0).stream()
                .filter(s -> s.timeNanos() > shutAt && s.timeNanos() < openedAt).toList();
        long edge = shut == null || ourIsn == null ? -1 : rel(shut.segment().ack(), ourIsn);
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

        long echoed = theirBytes(t);
        out.add(Check.of(Text.of("when its application read, its window opened and all " + SENT + " bytes came back",
                "它的应用程序读取之后，窗口打开，全部 " + SENT + " 个字节都回来了"), opened != null && echoed == SENT,
                Text.of((opened == null ? "the window never opened" : "window " + opened.segment().window() + " at "
                        + ms(openedAt)) + "; " + echoed + " bytes echoed", (opened == null ? "窗口一直没有打开"
                        : ms(openedAt) + " 时窗口为 " + opened.segment().window()) + "；回显了 " + echoed + " 个字节")));
        return out;
    }

    /** The kernel's data, as the highest byte it sent (its retransmissions counted once). */
    private static long theirBytes(Timeline t) {
        SeqNum isn = t.isn(Direction.IN);
        long end = 1;
        for (TraceEvent.SegmentEvent s : t.onWire(Direction.IN, x -> x.payloadLength() > 0)) {
            end = Math.max(end, rel(s.segment().seqEnd(), isn));
        }
        return end - 1;
    }

    private static String lengths(List<TraceEvent.SegmentEvent> segments) {
        return segments.stream().map(s -> "" + s.segment().payloadLength()).distinct().reduce((a, b) -> a + "/" + b)
                .orElse("-");
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%d ms", nanos / 1_000_000);
    }

    @Override
    public Text afterword() {
        return Text.of("tcplab probes as RFC 9293 says, with one byte of new data (Wireshark: \"TCP ZeroWindowProbe\"). "
                + "Linux probes with a byte the receiver already has (seq = SND.UNA − 1, no data), which Wireshark calls "
                + "a keep-alive (`tcplab analyze captures/kernel-mix.pcap --conn 8`). Either way the connection stays open "
                + "as long as the probes are answered, however long the window stays shut; Linux gives up only after "
                + "net.ipv4.tcp_retries2 probes that nobody answered.",
                "tcplab 按 RFC 9293 的说法探测：发送一个字节的新数据（Wireshark 称为 \"TCP ZeroWindowProbe\"）。Linux "
                + "发送的是接收方已有的字节（seq = SND.UNA − 1，不带数据），Wireshark 把它称为保活探测"
                + "（`tcplab analyze captures/kernel-mix.pcap --conn 8`）。无论哪种，只要探测得到回应，不管窗口关闭多久，"
                + "连接都保持打开；只有连续 net.ipv4.tcp_retries2 个探测都没有回应，Linux 才放弃。");
    }
}
