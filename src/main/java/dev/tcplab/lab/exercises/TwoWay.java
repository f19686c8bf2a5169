package dev.tcplab.lab.exercises;

import dev.tcplab.lab.PeerOptions;
import dev.tcplab.text.Text;
import dev.tcplab.trace.TraceEvent;
import dev.tcplab.wire.SeqNum;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Seed claim 5: why not a two-way handshake; the server is not connected until the third segment arrives. */
public final class TwoWay implements Exercise {

    @Override
    public String name() {
        return "two-way";
    }

    @Override
    public Text title() {
        return Text.of("Why not a two-way handshake", "为什么不能两次握手");
    }

    @Override
    public Text intro() {
        return Text.of("""
                Suppose the handshake had two segments: the server would count itself connected as soon as it
                sent SYN+ACK. If that SYN+ACK were lost, it would send data the client ignores: a deadlock.
                The third segment tells the server that its own ISN arrived. tcplab withholds the third segment
                (every ACK it sends is dropped before the wire) and stays idle for 4 s. Watch the kernel, in
                SYN_RECEIVED, retransmit its SYN+ACK with doubling gaps, never counting itself ESTABLISHED.
                (net.ipv4.tcp_synack_retries is 2 in the lab's kernel, so it gives up after about 7 s.)
                Run 2, RFC 9293's classic reason: an old duplicate SYN (a stale ISN) reaches the kernel first.
                It answers SYN+ACK; tcplab has no such connection and answers RST; only the real SYN opens.""", """
                假设握手只有两个报文段：服务器一发出 SYN+ACK 就认为连接已建立。如果这个 SYN+ACK 丢失，
                服务器就会发送客户端并不理会的数据：陷入僵局。第三个报文段让服务器知道自己的初始序号已被对方收到。
                tcplab 扣下第三个报文段（它发出的每个 ACK 都在发到线路上之前被丢弃），并空闲 4 秒。请观察处于 SYN_RECEIVED
                的内核如何以加倍的间隔重传 SYN+ACK，并且始终不认为自己已经 ESTABLISHED。
                （实验内核的 net.ipv4.tcp_synack_retries 设为 2，所以大约 7 秒后它会放弃。）
                第 2 次运行，RFC 9293 给出的经典理由：一个过时的重复 SYN（旧的初始序号）先到达内核。内核回 SYN+ACK；
                tcplab 并没有这个连接，于是回 RST；只有真正的 SYN 才会建立连接。""");
    }

    @Override
    public List<LabRun> runs() {
        return List.of(LabRun.connect(Text.of("the third segment never arrives", "第三个报文段始终没有到达"))
                        .sending("".getBytes(StandardCharsets.UTF_8)).holding(Duration.ofSeconds(4))
                        .withFaults("drop out:third-ack:all")
                        .withPeer(PeerOptions.DEFAULT.withSysctls(Map.of("net.ipv4.tcp_synack_retries", "2"))),
                LabRun.connect(Text.of("an old duplicate SYN arrives first", "一个过时的重复 SYN 先到达"))
                        .afterOldDuplicateSyn());
    }

    @Override
    public List<Check> checks(List<Timeline> runs) {
        Timeline t = runs.get(0);
        List<Check> out = new ArrayList<>();
        List<TraceEvent.SegmentEvent> synAcks = t.in(s -> s.flags().syn() && s.flags().ack());
        out.add(Check.of(Text.of("without the third segment, the server retransmits its SYN+ACK",
                "没有第三个报文段，服务器重传它的 SYN+ACK"), synAcks.size() >= 3,
                Text.of(synAcks.size() + " SYN+ACKs from the kernel", "内核发出 " + synAcks.size() + " 个 SYN+ACK")));
        double ratio = 0;
        Text gaps = Text.of("-", "-");
        if (synAcks.size() >= 3) {
            double g1 = (synAcks.get(1).timeNanos() - synAcks.get(0).timeNanos()) / 1e9;
            double g2 = (synAcks.get(2).timeNanos() - synAcks.get(1).timeNanos()) / 1e9;
            ratio = g2 / g1;
            gaps = Text.of(String.format("%.2f s, then %.2f s (× %.2f)", g1, g2, ratio),
                    String.format("%.2f 秒，然后 %.2f 秒（× %.2f）", g1, g2, ratio));
        }
        out.add(Check.of(Text.of("the gaps double (exponential backoff)", "重传间隔加倍（指数退避）"),
                ratio >= 1.6 && ratio <= 2.5, gaps));
        long finAt = t.out(s -> s.flags().fin()).stream().mapToLong(TraceEvent.SegmentEvent::timeNanos).min()
                .orElse(Long.MAX_VALUE);
        List<String> before = new ArrayList<>();
        t.kernelStates().stream().filter(k -> k.timeNanos() < finAt).forEach(k -> before.add(k.state()));
        out.add(Check.of(Text.of("meanwhile the server stays in SYN_RECEIVED, never ESTABLISHED",
                "在此期间服务器停留在 SYN_RECEIVED，从未 ESTABLISHED"),
                before.contains("SYN-RECV") && !before.contains("ESTAB"),
                Text.of("kernel states while we were idle: " + before, "我们不作声期间内核的状态：" + before)));
        out.addAll(oldDuplicate(runs.get(1)));
        return out;
    }

    /** RFC 9293 §3.5, figure 8: the old SYN is acknowledged, the client resets it, the real open goes through. */
    static List<Check> oldDuplicate(Timeline t) {
        List<TraceEvent.SegmentEvent> syns = t.out(s -> s.flags().syn() && !s.flags().ack());
        if (syns.size() < 2) {
            return List.of(Check.of(Text.of("an old duplicate SYN, then the real one", "先是过时的重复 SYN，然后是真正的 SYN"),
                    false, Text.of(syns.size() + " SYN(s) from tcplab", "tcplab 发出 " + syns.size() + " 个 SYN")));
        }
        SeqNum old = syns.get(0).segment().seq();
        SeqNum real = syns.get(syns.size() - 1).segment().seq();
        List<TraceEvent.SegmentEvent> answer = t.in(s -> s.flags().syn() && s.flags().ack() && s.ack().equals(old.plus(1)));
        List<TraceEvent.SegmentEvent> rst = t.out(s -> s.flags().rst() && s.seq().equals(old.plus(1)));
        boolean resetFirst = !answer.isEmpty() && !rst.isEmpty() && rst.get(0).timeNanos() >= answer.get(0).timeNanos()
                && rst.get(0).timeNanos() < syns.get(syns.size() - 1).timeNanos();
        List<String> kernel = new ArrayList<>();
        t.kernelStates().forEach(k -> kernel.add(k.state()));
        boolean realOpened = t.entered("ESTABLISHED") >= 0 && !old.equals(real) && kernel.contains("ESTAB");
        return List.of(
                Check.of(Text.of("the server answers the old duplicate SYN with SYN+ACK (ack = its seq + 1)",
                        "服务器对过时的重复 SYN 回以 SYN+ACK（ack = 它的 seq + 1）"), !answer.isEmpty(),
                        answer.isEmpty() ? Text.of("old SYN seq " + old + "; no SYN+ACK acknowledging it",
                                "过时 SYN 的 seq " + old + "；没有确认它的 SYN+ACK")
                                : Text.of("old SYN seq " + old + "; SYN+ACK acknowledging " + answer.get(0).segment().ack(),
                                        "过时 SYN 的 seq " + old + "；SYN+ACK 确认 " + answer.get(0).segment().ack())),
                Check.of(Text.of("the client, which has no such connection, answers RST (seq = that ack)",
                        "客户端并没有这个连接，于是回以 RST（seq = 该 ack）"), resetFirst,
                        rst.isEmpty() ? Text.of("no RST with seq " + old.plus(1), "没有 seq 为 " + old.plus(1) + " 的 RST")
                                : Text.of("RST seq " + rst.get(0).segment().seq() + " before the real SYN",
                                        "真正的 SYN 之前有 RST，seq " + rst.get(0).segment().seq())),
                Check.of(Text.of("the stale connection never opens; the real SYN (a new ISN) does",
                        "过时的连接从未建立；带新初始序号的真正 SYN 建立了连接"), realOpened,
                        Text.of("real SYN seq " + real + "; kernel states " + kernel,
                                "真正 SYN 的 seq " + real + "；内核状态 " + kernel)));
    }

    @Override
    public Text afterword() {
        return Text.of("Linux does not send data from SYN_RECEIVED as the notes' thought experiment imagines; it keeps"
                + " retransmitting the SYN+ACK until the third segment comes or it gives up. RFC 9293 (§3.5) adds the"
                + " classic reason for three segments: an old duplicate SYN must not open a connection.",
                "Linux 并不会像笔记中的思想实验那样在 SYN_RECEIVED 状态发送数据；它会一直重传 SYN+ACK，"
                        + "直到第三个报文段到来或放弃为止。RFC 9293（§3.5）还给出了三次握手的经典理由：过时的重复 SYN 不能建立连接。");
    }
}
