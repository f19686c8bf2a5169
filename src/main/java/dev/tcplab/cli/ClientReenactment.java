package dev.tcplab.cli;

import dev.tcplab.analysis.LiveComparison;
import dev.tcplab.analysis.ReadingPace;
import dev.tcplab.analysis.RecordedConversation;
import dev.tcplab.analysis.SegmentShape;
import dev.tcplab.endpoint.TcpConfig;
import dev.tcplab.lab.ConnectOptions;
import dev.tcplab.lab.ConnectOutcome;
import dev.tcplab.lab.ConnectRun;
import dev.tcplab.lab.InboundShapes;
import dev.tcplab.lab.PeerAgent;
import dev.tcplab.lab.PeerOptions;
import dev.tcplab.lab.ReplayScript;
import dev.tcplab.link.FaultRule;
import dev.tcplab.netns.KernelPeer;
import dev.tcplab.text.Text;
import dev.tcplab.trace.TraceSink;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * `replay --live` (as the client, the default): our endpoint plays the recorded client of one connection, its
 * data in its turns, its quiet, its keep-alive and its close, against a kernel server (the lab's echo server, shaped
 * by the --peer-… options; on --iface the socket --peer names, or one the peer machine's agent starts). What is
 * compared is then the live kernel's segments with the recorded server's. The mirror is {@link ServerReenactment}.
 */
final class ClientReenactment {
    private final ReplayCommand cmd;
    /** --peer-keepalive, read when the command line was checked. */
    private final KernelPeer.Keepalive peerProbes;

    ClientReenactment(ReplayCommand cmd, KernelPeer.Keepalive peerProbes) {
        this.cmd = cmd;
        this.peerProbes = peerProbes;
    }

    /** Plays the recorded client live and compares the live kernel's answers with the recorded server's. */
    int run() throws IOException {
        RecordedConversation rec = RecordedConversation.read(cmd.file, cmd.conns.isEmpty() ? 0 : cmd.conns.get(0));
        PrintWriter info = new PrintWriter(new OutputStreamWriter(cmd.err, StandardCharsets.UTF_8), true);
        Consumer<Text> say = t -> info.println("tcplab: " + t.in(cmd.lang));
        int pieces = rec.chunks().size();
        say.accept(Text.of("re-enacting connection " + rec.conn() + " of " + cmd.file + ": client " + rec.client()
                + " → server " + rec.server() + ", " + rec.clientBytes() + " bytes in " + pieces + " piece"
                + (pieces == 1 ? "" : "s") + "; " + rec.closeOrder().en() + rec.zerosExplained().en(),
                "重演 " + cmd.file + " 的第 " + rec.conn() + " 个连接：客户端 " + rec.client() + " → 服务器 " + rec.server()
                + "，" + rec.clientBytes() + " 个字节，分 " + pieces + " 段发送；" + rec.closeOrder().zh()
                + rec.zerosExplained().zh()));
        LiveOptions live = cmd.liveOptions;
        Duration idle = Reenactment.idleToReenact(rec, say);
        // Our SYN as the recorded client's: its MSS (up to the lab link's 1460) and timestamps or none decide how many
        // bytes each of the server's segments carries, so the live kernel's must be asked the same.
        TcpConfig tcp = Reenactment.withTheRecordedOffer(live.tcpConfig(), rec.clientSyn(), true, say);
        RecordedConversation.Keepalive probes = rec.quiet().client();
        boolean probesReenacted = !idle.isZero() && probes != null && live.keepalive == null;
        if (probesReenacted) {
            tcp = tcp.withKeepalive(recordedKeepalive(probes, say));
        }
        // After the last probe, the recorded quiet, but at most half the time to a next probe of ours.
        long afterProbes = probesReenacted ? Math.min(probes.afterLastNanos(), tcp.keepalive().idle().toNanos() / 2) : 0;
        Text peer = cmd.agent == null ? Text.of("the lab's kernel peer", "实验网络的内核对端")
                : Text.of("the peer machine's kernel", "对端机器的内核");
        List<KernelPeer.Answer> replies = cmd.peerAnswers ? Reenactment.answersOf(rec, peer, say) : List.of();
        Duration serverPauses = replies.stream().map(KernelPeer.Answer::pause).reduce(Duration.ZERO, Duration::plus);
        Duration timeout = live.connectionTimeout(new LiveOptions.Wait("--peer-close-delay "
                + DurationConverter.text(cmd.peerCloseDelay), cmd.peerCloseDelay),
                new LiveOptions.Wait("the recorded client's idle time", idle),
                ConnectCommand.readingAtRate("--peer-read-rate", cmd.peerReadRate, rec.clientBytes()),
                new LiveOptions.Wait("the recorded server's pauses", serverPauses),
                new LiveOptions.Wait("--read-delay " + DurationConverter.text(cmd.readDelay), cmd.readDelay),
                ConnectCommand.readingAtRate("--read-rate", cmd.readRate, rec.serverBytes()), live.timeWait());
        List<FaultRule> faults = new ArrayList<>(live.faults());
        if (rec.mirror().finsCrossed() && cmd.peerClosesFirst) {
            faults.add(Reenactment.crossingFins(rec, Text.of("server", "服务器"), idle,
                    cmd.responseWait.plus(serverPauses).plusSeconds(1), say));
        }
        PeerOptions shaped = kernelServer(replies);
        // On another machine the agent's kernel server is shaped so; on the lab network, the lab's.
        ConnectOptions opt = new ConnectOptions(live.iface, live.peerOrNull(), live.srcOrNull(), 0, 7, new byte[0], tcp,
                live.rstGuard, live.capturePath("replay"), timeout, cmd.responseWait, 1, Duration.ZERO, faults,
                cmd.agent == null ? shaped : PeerOptions.DEFAULT);
        InboundShapes answers = new InboundShapes();
        ConnectRun run = new ConnectRun(opt, TraceSink.both(live.trace(cmd.spec.commandLine().getOut(), cmd.lang),
                answers),
                // Our client waits for the peer's turn as long again as the recorded server paused.
                info, () -> new ReplayScript(rec, cmd.responseWait.plus(serverPauses).toNanos(), idle.toNanos(),
                        probesReenacted ? probes.probes() : 0, afterProbes)
                        .reading(cmd.readDelay.toNanos(), cmd.readRate == null ? 0 : cmd.readRate)).inLanguage(cmd.lang);
        if (cmd.agent != null) {
            run.withAgent(PeerAgent.addressOf(cmd.agent), shaped);
        }
        ConnectOutcome o = run.execute();
        if (!o.established()) {
            say.accept(Text.of("no connection: " + o.closeText().en() + ". Capture: " + o.capture(),
                    "没有建立连接：" + o.closeText().zh() + "。抓包：" + o.capture()));
            return ExitCodes.CHECK_FAILED;
        }
        return compare(rec, answers.shapes(), o.capture(), info, say);
    }

    /** The kernel server the recorded client meets, as the --peer-… options shape it. */
    private PeerOptions kernelServer(List<KernelPeer.Answer> replies) {
        // A recorded server that sent nothing is answered so: by a peer that only reads.
        boolean onlyReads = cmd.peerDiscard || cmd.peerAnswers && replies.isEmpty();
        return PeerOptions.DEFAULT.withSysctls(cmd.liveOptions.peerSysctls).withCloseDelay(cmd.peerCloseDelay)
                .withDiscard(onlyReads).withCloseFirst(cmd.peerClosesFirst).withResetOnClose(cmd.peerRstClose)
                .withKeepalive(peerProbes).withReadRate(cmd.peerReadRate == null ? 0 : cmd.peerReadRate)
                .withAnswers(replies);
    }

    /** Prints where the live kernel parted from the recorded server; OK when nowhere. */
    private int compare(RecordedConversation rec, List<SegmentShape> liveAsCame, Path capture, PrintWriter info,
                        Consumer<Text> say) throws IOException {
        List<SegmentShape> recordedSegments = ReenactmentReport.inOrder(rec.serverSegments(),
                Text.of("the recorded server", "录制中的服务器"), say);
        List<SegmentShape> liveSegments = ReenactmentReport.inOrder(liveAsCame, Text.of("the live kernel", "实际的内核"),
                say);
        List<Text> differences = LiveComparison.differences(recordedSegments, liveSegments);
        int recorded = recordedSegments.size(), live = liveSegments.size();
        if (differences.isEmpty()) {
            say.accept(Text.of("the live kernel answered as the recorded server did: " + recorded + " segments, the same "
                    + "flags, relative seq/ack and lengths. Capture: " + capture, "实际的内核与录制中的服务器回应得一样："
                    + recorded + " 个报文段，flags、相对 seq/ack 和长度都相同。抓包：" + capture));
            return ExitCodes.OK;
        }
        int n = differences.size();
        say.accept(Text.of("the live kernel answered differently in " + n + " place" + (n == 1 ? "" : "s") + " (recorded "
                + recorded + " server segments, live " + live + "):", "实际的内核在 " + n + " 处回应得与录制中不同（录制中服务器 "
                + recorded + " 个报文段，实际 " + live + " 个）："));
        ReenactmentReport.sayTheDifferences(differences, recordedSegments, liveSegments,
                Text.of("the live kernel", "实际的内核"), capture, info, cmd.lang, say);
        sayTheWindowsSideBySide(rec, capture, say);
        ReenactmentReport.sayTheHints(ReenactmentHints.of(rec, cmd.spec.commandLine().getParseResult()), false, say);
        say.accept(Text.of("capture of the live run: " + capture, "这次实际运行的抓包：" + capture));
        return ExitCodes.CHECK_FAILED;
    }

    /** Where a recorded window shut, how often the live one did, read again from the live run's capture. */
    private static void sayTheWindowsSideBySide(RecordedConversation rec, Path capture, Consumer<Text> say) {
        boolean someShut = !rec.serverZeroWindowFrames().isEmpty() || !rec.clientReading().zeroWindowFrames().isEmpty();
        RecordedConversation again = someShut ? readAgain(capture) : null;
        Text serverWindows = windowsSideBySide(Text.of("the live kernel", "实际的内核"), rec.serverZeroWindowFrames(),
                rec.serverReadRate(), again == null ? null : again.serverZeroWindowFrames(),
                again == null ? 0 : again.serverReadRate());
        Text clientWindows = windowsSideBySide(Text.of("live, our client", "实际运行中，我们的客户端"),
                rec.clientReading().zeroWindowFrames(), rec.clientReading().readRate(),
                again == null ? null : again.clientReading().zeroWindowFrames(),
                again == null ? 0 : again.clientReading().readRate());
        for (Text sideBySide : new Text[] {serverWindows, clientWindows}) {
            if (sideBySide != null) {
                say.accept(sideBySide);
            }
        }
    }

    /** The recorded client's keep-alive, to the millisecond, for our endpoint (when --keepalive gave none). */
    private static TcpConfig.Keepalive recordedKeepalive(RecordedConversation.Keepalive k, Consumer<Text> say) {
        long idleMs = Math.max(1, k.idleNanos() / 1_000_000), intervalMs = Math.max(1, k.intervalNanos() / 1_000_000);
        say.accept(Text.of("the recorded client probed the quiet connection with keep-alives (" + k.probes() + " from frame "
                + k.firstFrame() + "): ours too, the first after " + idleMs + " ms, then every " + intervalMs + " ms ("
                + "--keepalive sets others)", "录制中的客户端用保活探测检查安静的连接（从第 " + k.firstFrame() + " 帧起 "
                + k.probes() + " 个）：我们也这样，" + idleMs + " 毫秒后第一个，之后每 " + intervalMs + " 毫秒一个（"
                + "--keepalive 可以另设）"));
        return new TcpConfig.Keepalive(Duration.ofMillis(idleMs), Duration.ofMillis(intervalMs), k.probes());
    }

    /**
     * A recording in which one side's window shut: how often the live one's did, and both paces, so that a read
     * rate can be judged by what it re-created. Null without zero windows on that side, or when the live capture
     * could not be read again.
     *
     * @param who        the live side, as the sentence starts ("the live kernel", "live, our client")
     * @param liveFrames the live side's zero windows, or null when the live capture could not be read again
     */
    private static Text windowsSideBySide(Text who, List<Long> recordedFrames, long recordedRate, List<Long> liveFrames,
                                          long liveRate) {
        if (recordedFrames.isEmpty() || liveFrames == null) {
            return null;
        }
        String paces = recordedRate > 0 && liveRate > 0 ? ", and read about " + ReadingPace.text(liveRate)
                + " once it had (recorded about " + ReadingPace.text(recordedRate) + ")" : "";
        String pacesZh = recordedRate > 0 && liveRate > 0 ? "，此后每秒大约读取 " + ReadingPace.text(liveRate)
                .replace("/s", "") + "（录制中大约 " + ReadingPace.text(recordedRate).replace("/s", "") + "）" : "";
        int shut = liveFrames.size(), recorded = recordedFrames.size();
        return Text.of(who.en() + " advertised a zero window " + shut + " time" + (shut == 1 ? "" : "s")
                + " (recorded " + recorded + ")" + paces, who.zh() + "通告了 " + shut + " 次零窗口（录制中 " + recorded
                + " 次）" + pacesZh);
    }

    /** The live run's capture read as a recording, to set beside the recorded one; null when it cannot be. */
    private static RecordedConversation readAgain(Path liveCapture) {
        try {
            return RecordedConversation.read(liveCapture, 0);
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }
}
