package dev.tcplab.lab.exercises;

import static dev.tcplab.lab.exercises.Exercise.rel;

import dev.tcplab.text.Text;
import dev.tcplab.trace.Direction;
import dev.tcplab.trace.TraceEvent;
import dev.tcplab.wire.SeqNum;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Seed claim 1: seq numbers the first byte, ack the next byte expected; ISNs are random; SYN and FIN consume one. */
public final class SeqAck implements Exercise {
    /** Three segments of 1448 bytes at most (MSS 1460 less 12 bytes of timestamps): 1448 + 1448 + 1104. */
    static final int BYTES = 4000;

    @Override
    public String name() {
        return "seq-ack";
    }

    @Override
    public Text title() {
        return Text.of("Sequence and acknowledgement numbers", "序号与确认号");
    }

    @Override
    public Text intro() {
        return Text.of("""
                Every byte a side sends has a number. A segment's seq is the number of its first byte; an
                ack is the number of the next byte expected: the last byte received + 1. Each side starts
                from a random initial sequence number (ISN), and SYN and FIN each use up one number of
                their own. tcplab sends 4000 bytes to the kernel's echo server, twice: three segments of at
                most 1448 bytes (the MSS, 1460, less the 12 bytes the timestamp option takes in every
                segment). Watch ack grow by each segment's length, and the first data byte carry number ISN+1.""", """
                每一端发送的每个字节都有编号。报文段的 seq 是其第一个字节的编号；ack 是期望收到的下一个字节的编号，
                即已收到的最后一个字节 + 1。两端各从一个随机的初始序号（ISN）开始，SYN 和 FIN 各自占用一个序号。
                tcplab 向内核的回显服务器发送 4000 字节，共做两次：分成三个报文段，每段最多 1448 字节
                （MSS 1460 减去每个报文段中时间戳选项占用的 12 字节）。
                请观察 ack 如何按每个报文段的长度增长，以及第一个数据字节的编号为什么是 ISN+1。""");
    }

    @Override
    public List<LabRun> runs() {
        byte[] data = new byte[BYTES];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) ('a' + i % 26);
        }
        return List.of(LabRun.connect(Text.of("4000 bytes, echoed", "发送 4000 字节并回显")).sending(data),
                LabRun.connect(Text.of("the same again: new ISNs?", "再做一次：初始序号变了吗？")).sending(data));
    }

    @Override
    public List<Check> checks(List<Timeline> runs) {
        List<Check> out = new ArrayList<>();
        Timeline a = runs.get(0), b = runs.get(1);
        SeqNum ourA = a.isn(Direction.OUT), ourB = b.isn(Direction.OUT);
        SeqNum theirA = a.isn(Direction.IN), theirB = b.isn(Direction.IN);
        boolean random = ourA != null && ourB != null && theirA != null && theirB != null && !ourA.equals(ourB)
                && !theirA.equals(theirB);
        out.add(Check.of(Text.of("each connection starts from a new ISN", "每个连接都从新的初始序号开始"), random,
                Text.of("tcplab's ISNs " + ourA + " then " + ourB + "; the kernel's " + theirA + " then " + theirB,
                        "tcplab 的初始序号先是 " + ourA + "，然后是 " + ourB + "；内核的先是 " + theirA + "，然后是 " + theirB)));
        if (ourA == null || theirA == null) {
            return out;
        }
        List<TraceEvent.SegmentEvent> ourData = a.out(s -> s.payloadLength() > 0);
        List<TraceEvent.SegmentEvent> theirData = a.in(s -> s.payloadLength() > 0);
        boolean synCounts = !ourData.isEmpty() && rel(ourData.get(0).segment().seq(), ourA) == 1
                && !theirData.isEmpty() && rel(theirData.get(0).segment().seq(), theirA) == 1;
        out.add(Check.of(Text.of("the SYN consumed one number: the first data byte is ISN+1",
                "SYN 占用一个序号：第一个数据字节的编号是 ISN+1"), synCounts,
                firstDataSeqs(ourData.isEmpty() ? "?" : "" + rel(ourData.get(0).segment().seq(), ourA),
                        theirData.isEmpty() ? "?" : "" + rel(theirData.get(0).segment().seq(), theirA))));

        Set<Long> ends = new TreeSet<>();
        ourData.forEach(s -> ends.add(rel(s.segment().seqEnd(), ourA)));
        Set<Long> acks = new TreeSet<>();
        a.in(s -> s.flags().ack() && !s.flags().syn() && !s.flags().fin())
                .forEach(s -> acks.add(rel(s.segment().ack(), ourA)));
        acks.remove(1L); // acknowledges only the SYN
        boolean lastPlusOne = ourData.size() >= 2 && !acks.isEmpty() && ends.containsAll(acks)
                && acks.contains(1L + BYTES);
        out.add(Check.of(Text.of("every ack is the last byte received + 1 (the end of one of our segments)",
                "每个 ack 都等于收到的最后一个字节 + 1（即我们某个报文段的末尾）"), lastPlusOne,
                Text.of(ourData.size() + " data segments ending at " + ends + "; the kernel acknowledged " + acks,
                        ourData.size() + " 个数据报文段，末尾分别是 " + ends + "；内核确认了 " + acks)));

        List<TraceEvent.SegmentEvent> ourFin = a.out(s -> s.flags().fin());
        List<TraceEvent.SegmentEvent> finAcks = ourFin.isEmpty() ? List.of()
                : a.in(s -> s.flags().ack() && s.ack().equals(ourFin.get(0).segment().seq().plus(1)));
        out.add(Check.of(Text.of("the FIN consumed one number: it is acknowledged with its seq + 1",
                "FIN 占用一个序号：对它的确认号是它的 seq + 1"), !finAcks.isEmpty(),
                ourFin.isEmpty() ? Text.of("we sent no FIN", "我们没有发送 FIN")
                        : finAcked(rel(ourFin.get(0).segment().seq(), ourA),
                                finAcks.isEmpty() ? null : rel(finAcks.get(0).segment().ack(), ourA))));
        return out;
    }

    private static Text firstDataSeqs(String ours, String theirs) {
        return Text.of("our first data seq = ISN+" + ours + ", the kernel's = ISN+" + theirs,
                "我们第一个数据字节的 seq = ISN+" + ours + "，内核的 = ISN+" + theirs);
    }

    private static Text finAcked(long finSeq, Long ack) {
        return ack == null ? Text.of("our FIN seq " + finSeq + ", never acknowledged with +1",
                "我们的 FIN seq " + finSeq + "，从未被 +1 确认")
                : Text.of("our FIN seq " + finSeq + ", acknowledged with ack " + ack,
                        "我们的 FIN seq " + finSeq + "，被 ack " + ack + " 确认");
    }
}
