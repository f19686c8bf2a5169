package dev.tcplab.lab.exercises;

import static dev.tcplab.lab.exercises.Exercise.rel;

import dev.tcplab.lab.PeerOptions;
import dev.tcplab.netns.KernelPeer;
import dev.tcplab.text.Text;
import dev.tcplab.trace.Direction;
import dev.tcplab.trace.TraceEvent;
import dev.tcplab.wire.SeqNum;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Seed claim 6: keepalive probes an idle connection, and declares a silent peer dead after COUNT probes. */
public final class Keepalive implements Exercise {
    static final KernelPeer.Keepalive SHORT = new KernelPeer.Keepalive(1, 1, 3);

    @Override
    public String name() {
        return "keepalive";
    }

    @Override
    public Text title() {
        return Text.of("Keepalive: probing an idle connection", "保活：探测空闲连接");
    }

    @Override
    public Text intro() {
        return Text.of("""
                After a connection has been idle for a while (the notes: 2 hours), the server sends a probe:
                a segment with seq = its next sequence number − 1, which the other side must answer with an
                ACK. Then one every interval (75 s; the notes say 75 minutes, a slip); after COUNT
                unanswered probes (10) it declares the peer dead and closes. Here the kernel uses 1 s idle,
                1 s interval, 3 probes. Run 1: tcplab answers and the connection lives. Run 2: tcplab stays
                silent, like a crashed client, and the kernel resets the connection after its third probe.""", """
                连接空闲一段时间后（笔记中为 2 小时），服务器发送一个探测报文：其 seq = 自己的下一个序号 − 1，
                对方必须用 ACK 回应。之后每隔一个间隔（75 秒；笔记写作 75 分钟，是笔误）发一次；
                连续 COUNT 个探测（10 个）都没有回应，就认为对方已经失效并关闭连接。这里内核使用 1 秒空闲、1 秒间隔、3 个探测。第 1 次运行：tcplab 回应，
                连接保持。第 2 次运行：tcplab 不作回应，就像一个崩溃的客户端，内核在第三个探测之后重置连接。""");
    }

    @Override
    public List<LabRun> runs() {
        PeerOptions probing = PeerOptions.DEFAULT.withKeepalive(SHORT);
        return List.of(
                LabRun.connect(Text.of("tcplab answers the probes", "tcplab 回应探测")).withPeer(probing)
                        .holding(Duration.ofMillis(3500)),
                LabRun.connect(Text.of("tcplab stays silent (a crashed client)", "tcplab 保持沉默（崩溃的客户端）"))
                        .withPeer(probing).holding(Duration.ofSeconds(8)).withFaults("drop in:keepalive:all"));
    }

    @Override
    public List<Check> checks(List<Timeline> runs) {
        List<Check> out = new ArrayList<>();
        Timeline answered = runs.get(0);
        List<TraceEvent.SegmentEvent> probes = probes(answered);
        SeqNum theirIsn = answered.isn(Direction.IN);
        long next = theirNext(answered);
        boolean shape = probes.size() >= 2 && theirIsn != null
                && probes.stream().allMatch(p -> rel(p.segment().seq(), theirIsn) == next - 1);
        out.add(Check.of(Text.of("the idle connection is probed with seq = the kernel's next seq − 1",
                "空闲连接收到探测：seq = 内核的下一个序号 − 1"), shape,
                probeSeq(probes.size(), probes.isEmpty() || theirIsn == null ? "-"
                        : "" + rel(probes.get(0).segment().seq(), theirIsn), next)));
        // An answer is our plain ACK of the kernel's next byte, after the probe and before the next one.
        List<TraceEvent.SegmentEvent> ourAcks = answered.out(s -> s.flags().ack() && !s.flags().fin()
                && s.payloadLength() == 0 && theirIsn != null && rel(s.ack(), theirIsn) == next);
        long answers = 0;
        for (int i = 0; i < probes.size(); i++) {
            long from = probes.get(i).timeNanos();
            long until = i + 1 < probes.size() ? probes.get(i + 1).timeNanos() : Long.MAX_VALUE;
            if (ourAcks.stream().anyMatch(a -> a.timeNanos() >= from && a.timeNanos() < until)) {
                answers++;
            }
        }
        boolean lived = answered.in(s -> s.flags().rst()).isEmpty() && answered.out(s -> s.flags().fin()).size() >= 1;
        out.add(Check.of(Text.of("answered with ACKs, the connection lives on and closes normally",
                "得到 ACK 回应后，连接继续存在并正常关闭"), answers == probes.size() && !probes.isEmpty() && lived,
                Text.of(answers + " of " + probes.size() + " probes answered; " + (lived ? "closed with FIN"
                        : "reset or never closed"), probes.size() + " 个探测中 " + answers + " 个得到回应；"
                        + (lived ? "以 FIN 关闭" : "被重置或从未关闭"))));

        Timeline silent = runs.get(1);
        List<TraceEvent.SegmentEvent> unanswered = probes(silent);
        List<TraceEvent.SegmentEvent> rst = silent.in(s -> s.flags().rst());
        String gaps = "";
        for (int i = 1; i < unanswered.size(); i++) {
            gaps += String.format(" %.2f s", (unanswered.get(i).timeNanos() - unanswered.get(i - 1).timeNanos()) / 1e9);
        }
        boolean dead = unanswered.size() == SHORT.count() && !rst.isEmpty()
                && rst.get(0).timeNanos() > unanswered.get(unanswered.size() - 1).timeNanos();
        out.add(Check.of(Text.of("unanswered, the kernel probes COUNT (3) times, an interval apart, then resets",
                "没有回应时，内核按间隔探测 COUNT（3）次，然后重置连接"), dead,
                Text.of(unanswered.size() + " probes, gaps" + (gaps.isEmpty() ? " -" : gaps) + "; "
                        + (rst.isEmpty() ? "no RST" : "RST after the last"), unanswered.size() + " 个探测，间隔"
                        + (gaps.isEmpty() ? " -" : gaps) + "；" + (rst.isEmpty() ? "没有 RST" : "最后一个之后是 RST"))));
        return out;
    }

    static List<TraceEvent.SegmentEvent> probes(Timeline t) {
        SeqNum isn = t.isn(Direction.IN);
        long next = theirNext(t);
        return t.in(s -> isn != null && s.payloadLength() <= 1 && !s.flags().syn() && !s.flags().fin()
                && !s.flags().rst() && rel(s.seq(), isn) == next - 1);
    }

    /** The kernel's next sequence number once its echo is sent: 1 + the bytes it sent. */
    static long theirNext(Timeline t) {
        SeqNum isn = t.isn(Direction.IN);
        long next = 1;
        for (TraceEvent.SegmentEvent s : t.in(x -> x.payloadLength() > 1)) {
            next = Math.max(next, rel(s.segment().seqEnd(), isn));
        }
        return next;
    }

    private static Text probeSeq(int probes, String seq, Object next) {
        return Text.of(probes + " probes, seq " + seq + " where the next byte is " + next,
                probes + " 个探测，seq " + seq + "，而下一个字节是 " + next);
    }

    @Override
    public Text afterword() {
        Text linux = linuxDefaults();
        return Text.of("The notes: 2 h idle, then a probe every 75 minutes, 10 probes. The interval is a slip: the"
                + " textbooks' is 75 s, BSD's timer (RFC 1122 asks only that the idle time be configurable and by default"
                + " no less than two hours). Linux's defaults: 7200 s, 75 s and 9 probes, not 10 (net.ipv4.tcp_keepalive_time,"
                + " _intvl, _probes; this machine has " + linux.en() + "). Either way,"
                + " keepalive is off unless the application asks for it (SO_KEEPALIVE).",
                "笔记：空闲 2 小时，之后每 75 分钟一个探测，共 10 个。间隔是笔误：教科书中是 75 秒，即 BSD 的计时器（RFC 1122 只要求空闲时间可配置，且默认不少于两小时）。Linux 的默认值：7200 秒、75 秒、9 个探测，不是 10 个"
                        + "（net.ipv4.tcp_keepalive_time、_intvl、_probes；本机为 " + linux.zh() + "）。"
                        + "无论哪种，保活默认都是关闭的，除非应用程序自己开启（SO_KEEPALIVE）。");
    }

    /** This machine's values (a new network namespace starts from Linux's defaults instead). */
    static Text linuxDefaults() {
        try {
            String time = sysctl("tcp_keepalive_time");
            String intvl = sysctl("tcp_keepalive_intvl");
            String probes = sysctl("tcp_keepalive_probes");
            return Text.of(time + " s, " + intvl + " s, " + probes, time + " 秒、" + intvl + " 秒、" + probes + " 个探测");
        } catch (IOException | RuntimeException e) {
            return Text.of("unknown values", "未知");
        }
    }

    /**
     * One of net.ipv4's settings, read in a single call: a /proc/sys file answers only a read from its
     * start. Files.readString reads a file of size 0, as /proc shows them, one byte first, and the lab
     * then told students "this machine has 7 s, 7 s, 9" for 7200 s, 75 s and 9.
     */
    private static String sysctl(String name) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(Path.of("/proc/sys/net/ipv4", name))) {
            return in.readLine().trim();
        }
    }
}
