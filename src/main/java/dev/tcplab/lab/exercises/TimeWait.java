package dev.tcplab.lab.exercises;

import dev.tcplab.text.Text;
import dev.tcplab.trace.TraceEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Seed claim 4: TIME_WAIT lasts 2MSL because the last ACK may be lost; a retransmitted FIN is ACKed again and 2MSL restarts. */
public final class TimeWait implements Exercise {
    static final Duration MSL = Duration.ofMillis(500);
    private static final Pattern TIMEWAIT_TIMER = Pattern.compile("timewait,(\\d+)(ms|sec|min)");

    @Override
    public String name() {
        return "time-wait";
    }

    @Override
    public Text title() {
        return Text.of("Why TIME_WAIT waits 2MSL", "为什么 TIME_WAIT 要等待 2MSL");
    }

    @Override
    public Text intro() {
        return Text.of("""
                The side that closes first ends in TIME_WAIT after sending the last ACK. If that ACK is lost,
                the other side retransmits its FIN; the side in TIME_WAIT must still be there to ACK it again,
                and it starts its 2MSL wait over. Only after 2MSL without a FIN does it go to CLOSED.
                Run 1: tcplab drops its own last ACK (MSL is 500 ms here; the RFC's is 2 minutes). Watch the
                kernel's FIN come again, our second ACK, and CLOSED 2MSL after that FIN. Run 2: tcplab listens,
                the kernel connects and closes first, and then sits in TIME_WAIT itself, for Linux's fixed 60 seconds.""", """
                先关闭的一方发出最后一个 ACK 之后进入 TIME_WAIT。如果这个 ACK 丢失，对方会重传它的 FIN；
                处于 TIME_WAIT 的一方必须还在，才能再次回 ACK，并且重新开始 2MSL 的等待。只有在 2MSL 内
                没有再收到 FIN，它才进入 CLOSED。第 1 次运行：tcplab 故意丢掉自己的最后一个 ACK（这里 MSL 为 500 毫秒，
                RFC 规定为 2 分钟）。请观察内核再次发来的 FIN、我们的第二个 ACK，以及在那个 FIN 之后 2MSL 才到来的 CLOSED。
                第 2 次运行：tcplab 监听，内核发起连接并先关闭，由它自己进入 TIME_WAIT，Linux 中这段时间固定为 60 秒。""");
    }

    @Override
    public List<LabRun> runs() {
        return List.of(
                LabRun.connect(Text.of("our last ACK is lost", "我们的最后一个 ACK 丢失"))
                        .withFaults("drop out:final-ack:1").withMsl(MSL),
                LabRun.listen(Text.of("the kernel (a client here) closes first", "内核（这里是客户端）先关闭")));
    }

    @Override
    public List<Check> checks(List<Timeline> runs) {
        List<Check> out = new ArrayList<>();
        Timeline lost = runs.get(0);
        List<TraceEvent.SegmentEvent> fins = lost.in(s -> s.flags().fin());
        boolean again = fins.size() >= 2 && fins.get(0).segment().seq().equals(fins.get(fins.size() - 1).segment().seq());
        out.add(Check.of(Text.of("our last ACK lost, the kernel retransmits its FIN (the same seq)",
                "我们的最后一个 ACK 丢失后，内核重传它的 FIN（seq 相同）"), again,
                fins.size() >= 2 ? Text.of(String.format("%d FINs from the kernel, %.0f ms apart", fins.size(),
                        (fins.get(1).timeNanos() - fins.get(0).timeNanos()) / 1e6), String.format("内核发出 %d 个 FIN，"
                        + "相隔 %.0f 毫秒", fins.size(), (fins.get(1).timeNanos() - fins.get(0).timeNanos()) / 1e6))
                        : Text.of(fins.size() + " FIN(s) from the kernel", "内核发出 " + fins.size() + " 个 FIN")));
        TraceEvent.SegmentEvent lastFin = fins.isEmpty() ? null : fins.get(fins.size() - 1);
        List<TraceEvent.SegmentEvent> reAcks = lastFin == null ? List.of()
                : lost.out(s -> s.flags().ack() && !s.flags().fin() && s.ack().equals(lastFin.segment().seqEnd()));
        boolean reAcked = fins.size() >= 2 && reAcks.stream().anyMatch(a -> a.timeNanos() >= lastFin.timeNanos()
                && "TIME_WAIT".equals(a.state()));
        out.add(Check.of(Text.of("from TIME_WAIT we ACK the retransmitted FIN again", "处于 TIME_WAIT 的我们再次确认重传的 FIN"),
                reAcked, reAcksSeen(reAcks.size(), reAcks.isEmpty() ? "-" : "" + reAcks.get(reAcks.size() - 1).state())));
        long entered = lost.entered("TIME_WAIT"), closed = lost.entered("CLOSED");
        long twoMsl = 2 * MSL.toNanos();
        boolean restarted = fins.size() >= 2 && closed >= 0 && closed - lastFin.timeNanos() >= twoMsl
                && closed - entered > twoMsl;
        out.add(Check.of(Text.of("2MSL starts over at the retransmitted FIN: CLOSED only 2MSL after it",
                "2MSL 从重传的 FIN 起重新计时：在它之后 2MSL 才进入 CLOSED"), restarted,
                closed < 0 ? Text.of("we never reached CLOSED", "我们从未进入 CLOSED")
                        : timeWaitLasted(twoMsl / 1_000_000, (closed - entered) / 1e6,
                                lastFin == null ? 0 : (closed - lastFin.timeNanos()) / 1e6)));

        Timeline kernelFirst = runs.get(1);
        long seconds = -1;
        for (Timeline.KernelState k : kernelFirst.kernelStates()) {
            Matcher m = TIMEWAIT_TIMER.matcher(k.detail());
            if (k.state().equals("TIME-WAIT") && m.find()) {
                long v = Long.parseLong(m.group(1));
                seconds = switch (m.group(2)) {
                    case "ms" -> v / 1000;
                    case "min" -> v * 60;
                    default -> v;
                };
            }
        }
        out.add(Check.of(Text.of("the kernel, having closed first, is in TIME_WAIT for about 60 s (Linux's fixed length)",
                "先关闭的内核进入 TIME_WAIT，约 60 秒（Linux 的固定时长）"), seconds >= 50 && seconds <= 60,
                seconds < 0 ? Text.of("kernel states " + Handshake.names(kernelFirst) + ", no TIME-WAIT timer seen",
                        "内核状态 " + Handshake.names(kernelFirst) + "，没有看到 TIME-WAIT 计时器")
                        : Text.of("kernel in TIME-WAIT with " + seconds + " s left on its timer",
                                "内核处于 TIME-WAIT，计时器还剩 " + seconds + " 秒")));
        return out;
    }

    @Override
    public Text afterword() {
        return Text.of("RFC 9293's MSL is 2 minutes, so 2MSL is 4 minutes; Linux does not follow it and waits a fixed 60 s"
                + " (TCP_TIMEWAIT_LEN). The lab network is gone when the run ends; its 'kernel peer's socket' line above"
                + " is what ss showed then (timer:(timewait,60000ms,0)). To watch the 60 s count down, sudo"
                + " lab-scripts/lab-up.sh leaves a lab network up and prints a kernel client to run and the ss command"
                + " that shows its TIME_WAIT.",
                "RFC 9293 规定 MSL 为 2 分钟，因此 2MSL 为 4 分钟；Linux 没有照此实现，而是固定等待 60 秒（TCP_TIMEWAIT_LEN）。"
                        + "运行结束后实验网络即被删除；上面“内核对端的套接字”那一行就是当时 ss 的结果"
                        + "（timer:(timewait,60000ms,0)）。若想看这 60 秒逐渐减少，可运行 sudo lab-scripts/lab-up.sh："
                        + "它会保留一个实验网络，并给出一个内核客户端命令和显示其 TIME_WAIT 的 ss 命令。");
    }

    private static Text reAcksSeen(int count, String lastState) {
        return Text.of(count + " ACK(s) of the FIN reached the wire, the last in state " + lastState,
                "对 FIN 的 ACK 共有 " + count + " 个发到了线路上，最后一个发出时我们处于 " + lastState);
    }

    private static Text timeWaitLasted(long twoMslMs, double lastedMs, double afterLastFinMs) {
        return Text.of(String.format("2MSL = %d ms; TIME_WAIT lasted %.0f ms, of which %.0f ms after the last FIN",
                twoMslMs, lastedMs, afterLastFinMs), String.format("2MSL = %d 毫秒；TIME_WAIT 持续了 %.0f 毫秒，"
                + "其中最后一个 FIN 之后 %.0f 毫秒", twoMslMs, lastedMs, afterLastFinMs));
    }
}
