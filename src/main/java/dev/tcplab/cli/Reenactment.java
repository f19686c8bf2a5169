package dev.tcplab.cli;

import dev.tcplab.analysis.RecordedConversation;
import dev.tcplab.analysis.SegmentShape;
import dev.tcplab.endpoint.TcpConfig;
import dev.tcplab.link.FaultRule;
import dev.tcplab.link.SegmentKind;
import dev.tcplab.netns.KernelPeer;
import dev.tcplab.text.Text;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * What a re-enactment, of either side ({@link ClientReenactment}, {@link ServerReenactment}), takes from the
 * recording: its applications' pauses and quiet, kept within bounds a class can wait for; the offer of its SYN or
 * SYN+ACK; the recorded server's replies; its crossed FINs. Each is said when it shapes the run.
 */
final class Reenactment {
    private Reenactment() {
    }

    /** The recorded client's quiet time before its FIN is re-enacted from this long (shorter is its own pace) ... */
    static final Duration MIN_IDLE_REENACTED = Duration.ofMillis(100);
    /** ... up to this long: a class waits a minute, not the two hours of a default keep-alive. */
    static final Duration MAX_IDLE_REENACTED = Duration.ofSeconds(60);

    /** Below this, a server's FIN after the client's is the kernel's own pace, not an application's delay. */
    static final long CLOSE_DELAY_WORTH_A_HINT_MS = 20;

    /** RFC 9293 §3.7.1: every host takes segments of 536 bytes; a recorded SYN offering less is not followed. */
    private static final int MIN_MSS = 536;

    /**
     * The recorded FINs crossed, which on the lab's veth (tens of microseconds) two closes would do only by chance.
     * Each side closes on its own after the recorded quiet, and our FIN waits on the wire until the {@code other}'s
     * has come (a path as long as it takes), at most {@code atMost}. Said.
     */
    static FaultRule crossingFins(RecordedConversation rec, Text other, Duration idle, Duration atMost,
                                  Consumer<Text> say) {
        long clientFin = rec.mirror().clientSegments().stream().filter(s -> s.flags().fin()).findFirst()
                .map(SegmentShape::frame).orElse(-1L);
        long serverFin = rec.serverSegments().stream().filter(s -> s.flags().fin()).findFirst()
                .map(SegmentShape::frame).orElse(-1L);
        long first = Math.min(clientFin, serverFin), second = Math.max(clientFin, serverFin);
        say.accept(Text.of("the recorded FINs crossed (frames " + first + " and " + second + ": neither acknowledges the "
                + "other), a simultaneous close: both sides close on their own" + (idle.isZero() ? "" : " after "
                + DurationConverter.text(idle) + " of quiet") + ", and our FIN is held back on the wire until the "
                + other.en() + "'s arrives, so that they cross live too", "录制中的两个 FIN 交错而过（第 " + first + " 帧和第 "
                + second + " 帧：谁也没有确认对方的），是同时关闭：双方各自关闭" + (idle.isZero() ? "" : "（安静 "
                + DurationConverter.text(idle) + " 之后）") + "，我们的 FIN 在线路上被扣留到" + other.zh() + "的 FIN 到达为止，"
                + "让它们在实际运行中也交错而过"));
        return FaultRule.heldUntil(SegmentKind.FIN, SegmentKind.FIN, atMost);
    }

    /**
     * How long the re-enactment stays idle, as the recorded client did: before its FIN, or, when it sent
     * none, on until the connection ended. From {@link #MIN_IDLE_REENACTED} to {@link #MAX_IDLE_REENACTED};
     * a longer quiet is said and not kept.
     */
    static Duration idleToReenact(RecordedConversation rec, Consumer<Text> say) {
        RecordedConversation.Quiet q = rec.quiet();
        boolean fin = q.clientBeforeFinNanos() >= 0;
        // Crossed FINs: the quiet before the first of them, which both sides kept before closing.
        long quiet = rec.mirror().finsCrossed() ? rec.mirror().finsCrossedAfterNanos()
                : fin ? q.clientBeforeFinNanos() : q.clientToEndNanos();
        Duration idle = Duration.ofNanos(Math.max(0, quiet));
        if (idle.compareTo(MIN_IDLE_REENACTED) < 0) {
            return Duration.ZERO;
        }
        long ms = idle.toMillis();
        if (idle.compareTo(MAX_IDLE_REENACTED) > 0) {
            boolean probed = q.client() != null || q.server() != null;
            say.accept(Text.of("the recorded client was idle " + ms + " ms " + (fin ? "before its FIN" : "without closing")
                    + (probed ? ", with keep-alive probes" : "") + "; a re-enactment stays idle "
                    + MAX_IDLE_REENACTED.toSeconds() + " s at most, so this one does not wait that long",
                    "录制中的客户端" + (fin ? "在发送 FIN 之前" : "没有关闭，") + "空闲了 " + ms + " 毫秒"
                    + (probed ? "，其间有保活探测" : "") + "；重演最多空闲 " + MAX_IDLE_REENACTED.toSeconds()
                    + " 秒，所以这次不等那么久"));
            return Duration.ZERO;
        }
        return Duration.ofMillis(ms);
    }

    /** A recorded application's pause, as a re-enactment keeps it: none below {@link #MIN_IDLE_REENACTED}, capped. */
    static Duration pauseToReenact(long nanos) {
        Duration pause = Duration.ofNanos(nanos);
        return pause.compareTo(MIN_IDLE_REENACTED) < 0 ? Duration.ZERO
                : pause.compareTo(MAX_IDLE_REENACTED) > 0 ? MAX_IDLE_REENACTED : pause;
    }

    /**
     * The recorded server's replies for --peer-answers, each with the pause before it that an application took
     * (from {@link #MIN_IDLE_REENACTED}: shorter is the path's delay or the kernel's pace; at most
     * {@link #MAX_IDLE_REENACTED}), said when there are any.
     */
    static List<KernelPeer.Answer> answersOf(RecordedConversation rec, Text whoPauses, Consumer<Text> say) {
        List<KernelPeer.Answer> answers = new ArrayList<>();
        int paused = 0;
        Duration total = Duration.ZERO;
        for (RecordedConversation.Write r : rec.serverReplies()) {
            Duration pause = pauseToReenact(r.pauseNanos());
            if (!pause.isZero()) {
                paused++;
                total = total.plus(pause);
            }
            answers.add(new KernelPeer.Answer(r.receivedBefore(), r.data(), pause));
        }
        if (paused > 0) {
            say.accept(Text.of("the recorded server paused before " + paused + " of its " + answers.size() + " replies ("
                    + DurationConverter.text(total) + " in all): " + whoPauses.en() + " pauses as long",
                    "录制中的服务器在它的 " + answers.size() + " 段回应中有 " + paused + " 段之前停顿过（共 "
                    + DurationConverter.text(total) + "）：" + whoPauses.zh() + "也停顿同样长"));
        }
        return answers;
    }

    /**
     * Ours offers what the recorded side's SYN ({@code ofTheClient}) or SYN+ACK did, so that the live kernel, on
     * the other side, cuts its data as the recording's did; said when it is not tcplab's default.
     */
    static TcpConfig withTheRecordedOffer(TcpConfig tcp, RecordedConversation.SynOffer syn, boolean ofTheClient,
                                          Consumer<Text> say) {
        int mss = syn.mss() >= MIN_MSS && syn.mss() < tcp.mss() ? syn.mss() : tcp.mss();
        if (mss != tcp.mss() || !syn.timestamps()) {
            String what = (mss != tcp.mss() ? "MSS " + mss : "") + (mss != tcp.mss() && !syn.timestamps() ? " and " : "")
                    + (syn.timestamps() ? "" : "no timestamps");
            String whatZh = (mss != tcp.mss() ? "MSS " + mss : "") + (mss != tcp.mss() && !syn.timestamps() ? "，" : "")
                    + (syn.timestamps() ? "" : "不带时间戳");
            say.accept(ofTheClient
                    ? Text.of("the recorded client's SYN offered " + what + "; so does ours, so that the server cuts its "
                    + "data as it did", "录制中的客户端的 SYN 提供的是 " + whatZh + "；我们的也一样，这样服务器切分数据的方式与录制中相同")
                    : Text.of("the recorded server's SYN+ACK offered " + what + "; so does ours, so that the client cuts "
                    + "its data as it did", "录制中的服务器的 SYN+ACK 提供的是 " + whatZh + "；我们的也一样，这样客户端切分"
                    + "数据的方式与录制中相同"));
        }
        return tcp.withMss(mss).withTimestamps(syn.timestamps());
    }
}
