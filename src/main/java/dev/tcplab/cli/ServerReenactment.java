package dev.tcplab.cli;

import dev.tcplab.analysis.LiveComparison;
import dev.tcplab.analysis.RecordedConversation;
import dev.tcplab.analysis.SegmentShape;
import dev.tcplab.endpoint.TcpConfig;
import dev.tcplab.lab.InboundShapes;
import dev.tcplab.lab.ListenOptions;
import dev.tcplab.lab.ListenOutcome;
import dev.tcplab.lab.ListenRun;
import dev.tcplab.lab.PeerAgent;
import dev.tcplab.lab.PeerOptions;
import dev.tcplab.lab.PeerRequest;
import dev.tcplab.lab.ServerReplayScript;
import dev.tcplab.link.FaultRule;
import dev.tcplab.netns.KernelClient;
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
 * `replay --live --as server`: the mirror of the client's re-enactment. Our endpoint listens and plays the
 * recorded server (its replies in their turns, its close), while a kernel client in the lab's peer namespace
 * plays the recorded client (its data in its turns, its close first or second). What is compared is then the
 * live kernel client's segments with the recorded client's: how a Linux client carries the same conversation.
 * On --iface the kernel of the peer machine plays it, asked by its agent (`tcplab peer agent`, --agent).
 */
final class ServerReenactment {
    /** What shapes the lab's kernel server, which a re-enactment of the server has none of. */
    private static final List<String> SERVER_PEER_OPTIONS = List.of("--peer-close-delay", "--peer-closes-first",
            "--peer-keepalive", "--peer-discard", "--peer-rst-close", "--peer-read-rate", "--peer-answers");

    private final ReplayCommand cmd;
    /** The kernel that plays the recorded client: the lab's, or on --iface the peer machine's, through its agent. */
    private final Text kernel, kernelClient;

    ServerReenactment(ReplayCommand cmd) {
        this.cmd = cmd;
        this.kernel = cmd.agent == null ? Text.of("the lab's kernel", "实验网络的内核")
                : Text.of("the peer machine's kernel", "对端机器的内核");
        this.kernelClient = Text.of(kernel.en() + " client", kernel.zh() + "客户端");
    }

    /**
     * How each side ends the connection, from the recording.
     *
     * @param clientEnds    the client closed first or reset: it ends the connection after its writes and its idle
     *                      time, not after the server's FIN
     * @param neither       neither side closed nor reset: the capture ends with the connection open, and so does
     *                      the run, after the recorded quiet
     * @param clientResets  the client ended it with a RST
     * @param ours          how our endpoint, the server, ends it
     * @param crossed       the FINs crossed: each side closes on its own, and ours is held back on the wire until
     *                      the client's arrives
     */
    private record Closing(boolean clientEnds, boolean neither, boolean clientResets, ServerReplayScript.Ending ours,
                           boolean crossed) {
        static Closing of(RecordedConversation rec) {
            if (rec.mirror().finsCrossed()) {
                return new Closing(true, false, false, ServerReplayScript.Ending.FIRST, true);
            }
            boolean reset = rec.mirror().clientResetFrame() >= 0;
            boolean clientEnds = rec.clientClosedFirst() || reset;
            boolean neither = !clientEnds && !rec.serverClosedFirst() && rec.serverResetFrame() < 0;
            ServerReplayScript.Ending ours = rec.serverResetFrame() >= 0 ? ServerReplayScript.Ending.RESET
                    : rec.serverClosedFirst() ? ServerReplayScript.Ending.FIRST
                    : neither ? ServerReplayScript.Ending.NEVER : ServerReplayScript.Ending.AFTER_THE_CLIENT;
            return new Closing(clientEnds, neither, reset, ours, false);
        }
    }

    /**
     * With crossed FINs ours closes this much before the kernel client's idle time runs out, so that its FIN is
     * already held when the client's comes; far below our shortest retransmission timeout (200 ms), which would
     * send the FIN again past the hold.
     */
    private static final Duration CROSSING_LEAD = Duration.ofMillis(100);

    int run() throws IOException {
        refuseWhatShapesAKernelServer();
        Text.Lang lang = cmd.lang;
        RecordedConversation rec = RecordedConversation.read(cmd.file, cmd.conns.isEmpty() ? 0 : cmd.conns.get(0));
        PrintWriter info = new PrintWriter(new OutputStreamWriter(cmd.err, StandardCharsets.UTF_8), true);
        Consumer<Text> say = t -> info.println("tcplab: " + t.in(lang));
        int replies = rec.serverReplies().size(), writes = rec.mirror().clientWrites().size();
        say.accept(Text.of("re-enacting the server of connection " + rec.conn() + " of " + cmd.file + ": ours answers as "
                + rec.server() + " did, " + rec.serverBytes() + " bytes in " + replies + " repl" + (replies == 1 ? "y" : "ies")
                + "; " + kernel.en() + " connects as " + rec.client() + " did and sends " + rec.clientBytes()
                + " bytes in " + writes + " write" + (writes == 1 ? "" : "s") + "; " + rec.closeOrder().en() + rec.zerosExplained().en(),
                "重演 " + cmd.file + " 的第 " + rec.conn() + " 个连接的服务器：我们像 " + rec.server() + " 那样回应，"
                + rec.serverBytes() + " 个字节，分 " + replies + " 段；" + kernel.zh() + "像 " + rec.client() + " 那样连接，发送 "
                + rec.clientBytes() + " 个字节，分 " + writes + " 次写入；" + rec.closeOrder().zh() + rec.zerosExplained().zh()));

        // Our SYN+ACK offers what the recorded server's did, so that the kernel client cuts its data as the recorded
        // client did.
        RecordedConversation.SynOffer synAck = rec.mirror().serverSynAck();
        TcpConfig tcp = synAck == null ? cmd.liveOptions.tcpConfig()
                : Reenactment.withTheRecordedOffer(cmd.liveOptions.tcpConfig(), synAck, false, say);
        List<KernelPeer.Answer> answers = Reenactment.answersOf(rec, Text.of("ours", "我们的"), say);
        Duration serverPauses = answers.stream().map(KernelPeer.Answer::pause).reduce(Duration.ZERO, Duration::plus);
        List<KernelClient.Turn> turns = turnsOf(rec, say);
        Duration clientPauses = turns.stream().map(KernelClient.Turn::pause).reduce(Duration.ZERO, Duration::plus);
        Closing closing = Closing.of(rec);
        Duration idle = closing.clientEnds() || closing.neither() ? Reenactment.idleToReenact(rec, say) : Duration.ZERO;
        sayWhatTheKernelClientDoesOtherwise(rec, say);
        // Crossed FINs: neither closed after the other's, so neither has a delay after it.
        Duration closeDelay = closing.crossed() ? Duration.ZERO : closeDelay(rec.serverCloseDelayNanos(),
                Text.of("server", "服务器"), Text.of("client", "客户端"), Text.of("ours too", "我们的也一样"), say);
        Duration clientCloseDelay = closing.crossed() ? Duration.ZERO : closeDelay(rec.mirror().clientCloseDelayNanos(),
                Text.of("client", "客户端"), Text.of("server", "服务器"),
                Text.of("so does " + kernelClient.en(), kernelClient.zh() + "也一样"), say);
        Duration readDelay = cmd.readDelay;
        long readRate = cmd.readRate == null ? 0 : cmd.readRate;
        Duration timeout = cmd.liveOptions.connectionTimeout(new LiveOptions.Wait("the recorded client's idle time", idle),
                new LiveOptions.Wait("the recorded server's pauses", serverPauses),
                new LiveOptions.Wait("the recorded client's pauses", clientPauses),
                new LiveOptions.Wait("the recorded server's close", closeDelay),
                new LiveOptions.Wait("the recorded client's close", clientCloseDelay),
                new LiveOptions.Wait("--read-delay " + DurationConverter.text(readDelay), readDelay),
                ConnectCommand.readingAtRate("--read-rate", cmd.readRate, rec.clientBytes()),
                cmd.liveOptions.timeWait());

        // Each side waits for the other's turn as long again as the recording paused, then goes on.
        Duration turnWait = cmd.responseWait.plus(serverPauses).plus(clientPauses);
        long clientBytesBeforeClose = rec.mirror().bytesBeforeServerFin() >= 0 ? rec.mirror().bytesBeforeServerFin()
                : rec.clientBytes();
        Duration oursWaits = closing.neither() ? idle : closing.crossed() ? minusTheLead(idle) : closeDelay;
        ServerReplayScript ours = new ServerReplayScript(answers, closing.ours(), clientBytesBeforeClose,
                oursWaits.toNanos(), turnWait.toNanos(), readDelay.toNanos(), readRate);
        List<FaultRule> faults = new ArrayList<>(cmd.liveOptions.faults());
        if (closing.crossed()) {
            faults.add(Reenactment.crossingFins(rec, Text.of("client", "客户端"), idle,
                    turnWait.plus(CROSSING_LEAD).plusSeconds(1), say));
        }
        KernelClient.Play play = kernelClientPlay(rec, closing, turns, idle, clientCloseDelay, turnWait.plus(readDelay),
                say);
        int port = Integer.parseInt(rec.server().substring(rec.server().lastIndexOf(':') + 1));
        Path capture = cmd.liveOptions.capturePath("replay");
        PeerOptions peer = PeerOptions.DEFAULT.withSysctls(cmd.liveOptions.peerSysctls);
        ListenOptions opt = new ListenOptions(cmd.liveOptions.iface, cmd.liveOptions.clientOrNull(),
                cmd.liveOptions.srcOrNull(), port, new byte[0], tcp, cmd.liveOptions.rstGuard, capture, timeout,
                Duration.ZERO, faults, peer).withReading(readDelay, readRate);
        InboundShapes client = new InboundShapes();
        TraceSink trace = TraceSink.both(cmd.liveOptions.trace(cmd.spec.commandLine().getOut(), lang), client);
        ListenRun run = new ListenRun(opt, trace, info).inLanguage(lang)
                .playing((ns, us) -> KernelClient.playing(ns, us.addr().toString(), us.port(), play, timeout), ours);
        if (cmd.agent != null) {
            run.withAgent(PeerAgent.addressOf(cmd.agent),
                    us -> PeerRequest.player(us.toString(), PeerRequest.Playing.of(play, timeout), peer));
        }
        ListenOutcome o = run.execute();
        if (!o.established()) {
            say.accept(Text.of("no connection: " + o.closeText().en() + ". Capture: " + capture,
                    "没有建立连接：" + o.closeText().zh() + "。抓包：" + capture));
            return ExitCodes.CHECK_FAILED;
        }
        return compare(rec, client.shapes(), capture, info, say);
    }

    private static Duration minusTheLead(Duration idle) {
        return idle.compareTo(CROSSING_LEAD) > 0 ? idle.minus(CROSSING_LEAD) : Duration.ZERO;
    }

    /**
     * Options that shape the lab's kernel server have no place here, nor another network without an agent there to
     * play the client: refused.
     */
    private void refuseWhatShapesAKernelServer() {
        if (cmd.liveOptions.iface != null && cmd.agent == null) {
            throw new IllegalArgumentException("--as server on --iface needs --agent ADDR: the agent on the peer machine "
                    + "(tcplab peer agent) has its kernel play the recorded client; or re-enact the client (without --as "
                    + "server) against the server --peer names");
        }
        List<String> given = SERVER_PEER_OPTIONS.stream()
                .filter(cmd.spec.commandLine().getParseResult()::hasMatchedOption).toList();
        if (!given.isEmpty()) {
            throw new IllegalArgumentException(String.join(", ", given) + (given.size() == 1 ? " shapes" : " shape")
                    + " the kernel server of a re-enacted client; with --as server our endpoint is the server and the "
                    + "lab's kernel the client");
        }
    }

    /** What the kernel client cannot do as the recorded client did (open fast), or does by an option (abort). */
    private void sayWhatTheKernelClientDoesOtherwise(RecordedConversation rec, Consumer<Text> say) {
        if (rec.synDataBytes() > 0) {
            say.accept(Text.of("the recorded client sent " + rec.synDataBytes() + " bytes in its SYN (TCP Fast Open, RFC "
                    + "7413); Java's sockets do not open fast, so " + kernelClient.en() + " sends them after the handshake",
                    "录制中的客户端在 SYN 中发送了 " + rec.synDataBytes() + " 个字节（TCP Fast Open，RFC 7413）；Java 的套接字"
                    + "不做快速打开，所以" + kernelClient.zh() + "在握手之后才发送它们"));
        }
        long reset = rec.mirror().clientResetFrame();
        if (reset >= 0) {
            say.accept(Text.of("the recorded client ended the connection with a RST (frame " + reset + ", an abortive "
                    + "close): so does " + kernelClient.en() + " (SO_LINGER 0)", "录制中的客户端用 RST 结束了连接（第 " + reset
                    + " 帧，异常关闭）：" + kernelClient.zh() + "也这样（SO_LINGER 0）"));
        }
    }

    /**
     * What the kernel client plays: the recorded client's writes, its close (first, with its idle time, or after
     * the server's FIN, with its delay) and its keep-alive, whose probes then count the idle time: as many as
     * recorded, then the recorded quiet, but at most half the time to a next probe.
     */
    private KernelClient.Play kernelClientPlay(RecordedConversation rec, Closing closing, List<KernelClient.Turn> turns,
                                               Duration idle, Duration closeDelay, Duration turnWait,
                                               Consumer<Text> say) {
        RecordedConversation.Keepalive probes = idle.isZero() ? null : rec.quiet().client();
        KernelPeer.Keepalive keepalive = probes == null ? null : clientKeepalive(probes, say);
        if (keepalive != null) {
            long interval = keepalive.intervalSeconds() * 1_000_000_000L;
            idle = Duration.ofNanos(keepalive.idleSeconds() * 1_000_000_000L + (probes.probes() - 1) * interval
                    + Math.min(probes.afterLastNanos(), interval / 2));
        }
        long finAfterServerBytes = closing.clientResets() ? rec.serverBytes() : rec.serverBytesBeforeClientFin();
        return new KernelClient.Play(turns, closing.clientEnds(), finAfterServerBytes, idle, closeDelay, turnWait,
                keepalive, closing.clientResets());
    }

    /**
     * The recorded client's keep-alive for the kernel client: its timers in whole seconds, as the kernel takes
     * them (at least 1 s).
     */
    private KernelPeer.Keepalive clientKeepalive(RecordedConversation.Keepalive k, Consumer<Text> say) {
        int idle = (int) Math.max(1, Math.round(k.idleNanos() / 1e9));
        int interval = (int) Math.max(1, Math.round(k.intervalNanos() / 1e9));
        say.accept(Text.of("the recorded client probed the quiet connection with keep-alives (" + k.probes() + " from frame "
                + k.firstFrame() + "): so does " + kernelClient.en() + ", the first after " + idle + " s, then every "
                + interval + " s", "录制中的客户端用保活探测检查安静的连接（从第 " + k.firstFrame() + " 帧起 " + k.probes()
                + " 个）：" + kernelClient.zh() + "也这样，" + idle + " 秒后第一个，之后每 " + interval + " 秒一个"));
        return new KernelPeer.Keepalive(idle, interval, k.probes() + 1);
    }

    /**
     * The recorded client's writes for the kernel client, each with the pause before it that its application
     * took (kept as the server's are), said when there are any.
     */
    private List<KernelClient.Turn> turnsOf(RecordedConversation rec, Consumer<Text> say) {
        List<KernelClient.Turn> turns = rec.mirror().clientWrites().stream().map(w -> new KernelClient.Turn(
                w.receivedBefore(), w.data(), Reenactment.pauseToReenact(w.pauseNanos()))).toList();
        List<Duration> pauses = turns.stream().map(KernelClient.Turn::pause).filter(p -> !p.isZero()).toList();
        if (!pauses.isEmpty()) {
            String total = DurationConverter.text(pauses.stream().reduce(Duration.ZERO, Duration::plus));
            say.accept(Text.of("the recorded client paused before " + pauses.size() + " of its " + turns.size()
                    + " writes (" + total + " in all): " + kernelClient.en() + " pauses as long", "录制中的客户端在它的 "
                    + turns.size() + " 次写入中有 " + pauses.size() + " 次之前停顿过（共 " + total + "）：" + kernelClient.zh()
                    + "也停顿同样长"));
        }
        return turns;
    }

    /** Prints where the live kernel client parted from the recorded client; OK when nowhere. */
    private int compare(RecordedConversation rec, List<SegmentShape> liveAsCame, Path capture,
                        PrintWriter info, Consumer<Text> say) throws IOException {
        List<SegmentShape> recordedSegments = ReenactmentReport.inOrder(rec.mirror().clientSegments(),
                Text.of("the recorded client", "录制中的客户端"), say);
        List<SegmentShape> live = ReenactmentReport.inOrder(liveAsCame,
                Text.of("the live kernel client", "实际的内核客户端"), say);
        List<Text> differences = LiveComparison.differences(recordedSegments, live, Text.of("client", "客户端"));
        int recorded = recordedSegments.size();
        if (differences.isEmpty()) {
            say.accept(Text.of("the live kernel client did as the recorded client did: " + recorded + " segments, the same "
                    + "flags, relative seq/ack and lengths. Capture: " + capture, "实际的内核客户端与录制中的客户端做得一样："
                    + recorded + " 个报文段，flags、相对 seq/ack 和长度都相同。抓包：" + capture));
            return ExitCodes.OK;
        }
        int n = differences.size();
        say.accept(Text.of("the live kernel client did differently in " + n + " place" + (n == 1 ? "" : "s")
                + " (recorded " + recorded + " client segments, live " + live.size() + "):", "实际的内核客户端在 " + n
                + " 处与录制中不同（录制中客户端 " + recorded + " 个报文段，实际 " + live.size() + " 个）："));
        ReenactmentReport.sayTheDifferences(differences, recordedSegments, live,
                Text.of("the live kernel client", "实际的内核客户端"), capture, info, cmd.lang, say);
        ReenactmentReport.sayTheHints(ReenactmentHints.of(rec, cmd.spec.commandLine().getParseResult()), true, say);
        say.accept(Text.of("capture of the live run: " + capture, "这次实际运行的抓包：" + capture));
        return ExitCodes.CHECK_FAILED;
    }

    /**
     * How long the side that closed second took to close after the other's FIN ({@code nanos}, -1 when it did
     * not close second), which its re-enactment takes too: from 20 ms (shorter is the kernel's own pace), at
     * most a minute. Said when kept.
     */
    private static Duration closeDelay(long nanos, Text closer, Text other, Text alsoHere, Consumer<Text> say) {
        if (nanos < Reenactment.CLOSE_DELAY_WORTH_A_HINT_MS * 1_000_000) {
            return Duration.ZERO;
        }
        Duration d = Duration.ofMillis(nanos / 1_000_000);
        d = d.compareTo(Reenactment.MAX_IDLE_REENACTED) > 0 ? Reenactment.MAX_IDLE_REENACTED : d;
        say.accept(Text.of("the recorded " + closer.en() + "'s application closed " + d.toMillis() + " ms after the "
                + other.en() + "'s FIN: " + alsoHere.en(), "录制中" + closer.zh() + "的应用程序在" + other.zh()
                + "的 FIN 之后 " + d.toMillis() + " 毫秒才关闭：" + alsoHere.zh()));
        return d;
    }
}
