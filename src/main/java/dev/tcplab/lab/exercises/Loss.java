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
import java.util.ArrayList;
import java.util.List;

/**
 * Beyond the notes: what the numbering of bytes is for. A segment that is not acknowledged is sent again, by
 * the retransmission timer, which doubles each time it fires (RFC 6298), or at once after three duplicate
 * ACKs (fast retransmit, RFC 5681 §3.2); and the kernel does the same for its own.
 */
public final class Loss implements Exercise {
    /** Run 2: what tcplab sends at once: ten segments and more, so that several arrive after the lost second one. */
    static final int BURST = 20_000;
    /** The measured wait may fall a little short of 200 ms: the clock reads the send before the timer starts. */
    private static final long MIN_RTO_NANOS = 190_000_000L;

    @Override
    public String name() {
        return "loss";
    }

    @Override
    public Text title() {
        return Text.of("Loss: the retransmission timer, its doubling, fast retransmit", "丢失：重传计时器、它的加倍、快速重传");
    }

    @Override
    public Text intro() {
        return Text.of("""
                Every byte has a number, so that the receiver's ACK says exactly what has arrived: what the sender
                does not see acknowledged, it sends again. Run 1: tcplab's data segment is lost, and so is its
                first retransmission (tcplab's link drops them after the capture has seen them, marked ──✗).
                Without an ACK, tcplab's retransmission timer (RTO) fires: after 200 ms here, its floor (RFC 6298
                asks 1 s before an RTT has been measured), and it doubles each time it fires, so that a congested
                network is not flooded. Run 2: tcplab sends 20 KB at once and the second segment is lost. The
                kernel keeps the segments that arrive after the hole, but its ACK can only say "still byte 1449":
                once for each of them (duplicate ACKs), with SACK blocks that say what it holds beyond. After the
                third duplicate, tcplab sends the missing segment at once (fast retransmit) instead of waiting
                for its timer, and the kernel's next ACK jumps over all it had kept. Run 3: the kernel's echo is
                lost on its way to tcplab (marked ✗──); the kernel's own timer sends it again.""", """
                每个字节都有编号，所以接收方的 ACK 能准确说出收到了什么：发送方没有看到被确认的，就再发一次。第 1 次运行：
                tcplab 的数据报文段丢失，它的第一次重传也丢失（tcplab 的链路在抓包看到它们之后丢弃，标为 ──✗）。
                没有 ACK，tcplab 的重传计时器（RTO）超时：这里是 200 毫秒后，即它的下限（RFC 6298 要求在测得 RTT 之前用 1 秒），
                而且每超时一次就加倍，以免向拥塞的网络灌入更多数据。第 2 次运行：tcplab 一次发送 20 KB，第二个报文段丢失。
                内核留下空洞之后到达的报文段，但它的 ACK 只能说"仍然是第 1449 字节"：每到一个报文段就说一次（重复 ACK），
                并用 SACK 块说明空洞之后它已经有了什么。第三个重复 ACK 之后，tcplab 立即重发丢失的报文段（快速重传），
                不等计时器；内核的下一个 ACK 越过它已留下的全部数据。第 3 次运行：内核的回显在发往 tcplab 的路上丢失
                （标为 ✗──）；内核自己的计时器把它再发一次。""");
    }

    @Override
    public List<LabRun> runs() {
        return List.of(LabRun.connect(Text.of("tcplab's data lost twice", "tcplab 的数据丢失两次"))
                        .withFaults("drop out:data:1", "drop out:data:2"),
                LabRun.connect(Text.of("one segment of a burst lost", "一批报文段中丢失一个"))
                        .sending(Payloads.stream(BURST)).withPeer(PeerOptions.DEFAULT.withDiscard(true))
                        .withFaults("drop out:data:2"),
                LabRun.connect(Text.of("the kernel's echo lost", "内核的回显丢失")).withFaults("drop in:data:1"));
    }

    @Override
    public List<Check> checks(List<Timeline> runs) {
        List<Check> out = new ArrayList<>(timer(runs.get(0)));
        out.addAll(fastRetransmit(runs.get(1)));
        out.addAll(kernelRetransmits(runs.get(2)));
        return out;
    }

    /** Run 1: the same bytes sent three times, the waits one RTO and then twice that, and the ACK at last. */
    private static List<Check> timer(Timeline t) {
        SeqNum ourIsn = t.isn(Direction.OUT);
        if (ourIsn == null) {
            return List.of(opened());
        }
        // Lost ones too: they left our TCP, and the timer counts from them.
        List<TraceEvent.SegmentEvent> data = t.segments().stream()
                .filter(s -> s.direction() == Direction.OUT && s.segment().payloadLength() > 0).toList();
        TraceEvent.SegmentEvent first = data.isEmpty() ? null : data.get(0);
        boolean same = data.size() >= 3 && data.stream().limit(3).allMatch(s -> s.segment().seq()
                .equals(first.segment().seq()) && s.segment().payloadLength() == first.segment().payloadLength());
        List<Check> out = new ArrayList<>();
        out.add(Check.of(Text.of("tcplab sent the lost segment again, twice, with the same seq and length: the same "
                + "bytes", "tcplab 把丢失的报文段又发了两次，seq 和长度都相同：是同样的字节"), same,
                Text.of(data.size() + " transmissions, seq " + seqs(data, ourIsn) + ", length " + lengths(data) + ", "
                        + data.stream().filter(TraceEvent.SegmentEvent::lost).count() + " lost", data.size()
                        + " 次发送，seq " + seqs(data, ourIsn) + "，长度 " + lengths(data) + "，丢失 "
                        + data.stream().filter(TraceEvent.SegmentEvent::lost).count() + " 次")));

        long wait1 = data.size() >= 2 ? data.get(1).timeNanos() - data.get(0).timeNanos() : -1;
        long wait2 = data.size() >= 3 ? data.get(2).timeNanos() - data.get(1).timeNanos() : -1;
        double ratio = wait1 > 0 ? (double) wait2 / wait1 : 0;
        out.add(Check.of(Text.of("the first retransmission came one RTO (at least 200 ms) after the segment, the second "
                + "twice as long after the first: the timer doubles", "第一次重传在原报文段之后一个 RTO（至少 200 毫秒），"
                + "第二次在第一次之后两倍的时间：计时器加倍"),
                wait1 >= MIN_RTO_NANOS && ratio >= 1.5 && ratio <= 2.5, // the doubling, with room for scheduling
                Text.of("waits " + ms(wait1) + " and " + ms(wait2), "等待 " + ms(wait1) + " 和 " + ms(wait2))));

        long end = first == null ? -1 : rel(first.segment().seq(), ourIsn) + first.segment().payloadLength();
        long lastSent = data.isEmpty() ? Long.MAX_VALUE : data.get(data.size() - 1).timeNanos();
        boolean acked = t.in(s -> !s.flags().syn() && rel(s.ack(), ourIsn) >= end).stream()
                .anyMatch(s -> s.timeNanos() >= lastSent);
        long echoed = t.bytesSent(Direction.IN);
        out.add(Check.of(Text.of("the third copy arrived: the kernel acknowledged it (ack = seq + length) and echoed "
                + "the bytes", "第三份到达了：内核确认了它（ack = seq + 长度），并回显了这些字节"),
                acked && first != null && echoed == first.segment().payloadLength(),
                Text.of((acked ? "acknowledged" : "never acknowledged") + "; " + echoed + " bytes echoed",
                        (acked ? "已确认" : "一直没有确认") + "；回显了 " + echoed + " 个字节")));
        return out;
    }

    /** Run 2: duplicate ACKs with SACK blocks, our retransmission after the third, and the ACK that jumps. */
    private static List<Check> fastRetransmit(Timeline t) {
        SeqNum ourIsn = t.isn(Direction.OUT);
        TraceEvent.SegmentEvent lost = t.segments().stream().filter(s -> s.direction() == Direction.OUT && s.lost()
                && s.segment().payloadLength() > 0).findFirst().orElse(null);
        if (ourIsn == null || lost == null) {
            return List.of(opened());
        }
        SeqNum hole = lost.segment().seq();
        TraceEvent.SegmentEvent again = t.out(s -> s.seq().equals(hole) && s.payloadLength() > 0).stream()
                .filter(s -> s.timeNanos() > lost.timeNanos()).findFirst().orElse(null);
        long againAt = again == null ? Long.MAX_VALUE : again.timeNanos();
        List<TraceEvent.SegmentEvent> duplicates = t.in(s -> s.payloadLength() == 0 && s.ack().equals(hole)
                && !s.flags().syn() && !s.flags().fin()).stream()
                .filter(s -> s.timeNanos() > lost.timeNanos() && s.timeNanos() < againAt).toList();
        long withSack = duplicates.stream().filter(s -> s.segment().option(TcpOption.Sack.class).isPresent()).count();
        long at = rel(hole, ourIsn);
        List<Check> out = new ArrayList<>();
        out.add(Check.of(Text.of("the kernel answered the segments after the hole with duplicate ACKs (ack = the lost "
                + "segment's seq), with SACK blocks for what it held beyond", "内核用重复 ACK 回应空洞之后的报文段"
                + "（ack = 丢失报文段的 seq），并用 SACK 块说明它在空洞之后已有的数据"),
                duplicates.size() >= 3 && withSack >= 3,
                Text.of(duplicates.size() + " ACKs of " + at + " before our retransmission, " + withSack + " with SACK",
                        "我们重传之前有 " + duplicates.size() + " 个 ack 为 " + at + " 的 ACK，其中 " + withSack
                        + " 个带 SACK")));

        long after = again == null ? -1 : again.timeNanos() - lost.timeNanos();
        out.add(Check.of(Text.of("tcplab sent the lost segment again after the third duplicate ACK, long before its "
                + "timer (200 ms) would have", "tcplab 在第三个重复 ACK 之后重发了丢失的报文段，远早于它的计时器"
                + "（200 毫秒）"), again != null && duplicates.size() >= 3 && after < MIN_RTO_NANOS,
                again == null ? Text.of("never sent again", "没有重发")
                        : Text.of("sent again " + ms(after) + " after the loss, after " + duplicates.size()
                        + " duplicate ACKs", "丢失之后 " + ms(after) + " 重发，此前有 " + duplicates.size() + " 个重复 ACK")));

        // What tcplab had sent before the retransmission: the kernel held all of it but the hole.
        long sentBefore = t.out(s -> s.payloadLength() > 0).stream().filter(s -> s.timeNanos() < againAt)
                .mapToLong(s -> rel(s.segment().seq(), ourIsn) + s.segment().payloadLength()).max().orElse(-1);
        long jumped = t.in(s -> !s.flags().syn()).stream().filter(s -> s.timeNanos() > againAt)
                .mapToLong(s -> rel(s.segment().ack(), ourIsn)).filter(a -> a > at).findFirst().orElse(-1);
        out.add(Check.of(Text.of("the kernel's next ACK jumped over everything it had kept: past all tcplab sent before "
                + "the retransmission", "内核的下一个 ACK 越过了它留下的全部数据：超过了 tcplab 在重传之前发出的一切"),
                again != null && jumped >= sentBefore && jumped > at + lost.segment().payloadLength(),
                Text.of("ack " + jumped + " after it; tcplab had sent up to " + sentBefore, "之后的 ack 为 " + jumped
                        + "；tcplab 已发送到 " + sentBefore)));
        return out;
    }

    /** Run 3: the kernel sends its lost echo again, and tcplab acknowledges only the copy that arrived. */
    private static List<Check> kernelRetransmits(Timeline t) {
        SeqNum ourIsn = t.isn(Direction.OUT), theirIsn = t.isn(Direction.IN);
        TraceEvent.SegmentEvent lost = t.segments().stream().filter(s -> s.direction() == Direction.IN && s.lost()
                && s.segment().payloadLength() > 0).findFirst().orElse(null);
        if (ourIsn == null || theirIsn == null || lost == null) {
            return List.of(opened());
        }
        Segment l = lost.segment();
        TraceEvent.SegmentEvent again = t.in(s -> s.seq().equals(l.seq()) && s.payloadLength() == l.payloadLength())
                .stream().filter(s -> s.timeNanos() > lost.timeNanos() && !s.lost()).findFirst().orElse(null);
        long after = again == null ? -1 : again.timeNanos() - lost.timeNanos();
        List<Check> out = new ArrayList<>();
        out.add(Check.of(Text.of("the kernel sent its lost echo again, with the same seq and length",
                "内核重发了丢失的回显，seq 和长度都相同"), again != null,
                again == null ? Text.of("never sent again", "没有重发")
                        : Text.of("sent again " + ms(after) + " after the loss, seq " + rel(l.seq(), theirIsn) + ", "
                        + l.payloadLength() + " bytes", "丢失之后 " + ms(after) + " 重发，seq " + rel(l.seq(), theirIsn)
                        + "，" + l.payloadLength() + " 个字节")));

        long end = rel(l.seq(), theirIsn) + l.payloadLength();
        TraceEvent.SegmentEvent ack = t.out(s -> !s.flags().syn() && rel(s.ack(), theirIsn) >= end).stream()
                .findFirst().orElse(null);
        boolean onlyTheCopy = again != null && ack != null && ack.timeNanos() >= again.timeNanos();
        out.add(Check.of(Text.of("tcplab acknowledged the echo only after the copy arrived: the lost one never reached "
                + "its TCP", "tcplab 只在副本到达之后才确认回显：丢失的那一份从未到达它的 TCP"), onlyTheCopy,
                ack == null ? Text.of("never acknowledged", "一直没有确认")
                        : Text.of("acknowledged " + ms(ack.timeNanos() - lost.timeNanos()) + " after the loss",
                        "丢失之后 " + ms(ack.timeNanos() - lost.timeNanos()) + " 确认")));
        return out;
    }

    private static Check opened() {
        return Check.of(Text.of("the connection opened and a segment was lost", "连接已打开，且有报文段丢失"), false,
                Text.of("no handshake, or nothing lost", "没有握手，或者没有丢失"));
    }

    private static String ms(long nanos) {
        return nanos < 0 ? "-" : nanos / 1_000_000 + " ms";
    }

    @Override
    public Text afterword() {
        return Text.of("Linux's timer has the same floor, 200 ms (its RTO is the smoothed RTT plus four times its "
                + "variation, as RFC 6298 asks, but never below 200 ms), so run 3's copy came about 200 ms late. With "
                + "more in flight it may send a tail loss probe sooner (RFC 8985). A timer that fires means the "
                + "network may be congested: both sides then also shrink their congestion window to a segment and "
                + "start again slowly (RFC 5681 §3.1); after a fast retransmit only to half, since the duplicate ACKs "
                + "showed that segments still get through.",
                "Linux 的计时器下限相同，200 毫秒（它的 RTO 是平滑 RTT 加四倍的偏差，正如 RFC 6298 的要求，但不低于 200 毫秒），"
                + "所以第 3 次运行的副本大约晚了 200 毫秒。在途数据更多时，它可能更早地发送尾部丢失探测（RFC 8985）。"
                + "计时器超时意味着网络可能拥塞：双方还会把拥塞窗口缩小到一个报文段，重新慢慢开始（RFC 5681 §3.1）；"
                + "快速重传之后只缩小一半，因为重复 ACK 表明报文段仍然能够通过。");
    }
}
