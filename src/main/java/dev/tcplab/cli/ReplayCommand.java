package dev.tcplab.cli;

import dev.tcplab.analysis.AnalysisJson;
import dev.tcplab.analysis.AnalysisLadder;
import dev.tcplab.analysis.AnalysisSink;
import dev.tcplab.analysis.AnalysisStats;
import dev.tcplab.analysis.Analyzer;
import dev.tcplab.analysis.FaultAnnotations;
import dev.tcplab.analysis.LiveComparison;
import dev.tcplab.analysis.Pacer;
import dev.tcplab.analysis.ReadingPace;
import dev.tcplab.analysis.RecordedConversation;
import dev.tcplab.analysis.SegmentShape;
import dev.tcplab.analysis.Selection;
import dev.tcplab.analysis.SummaryTable;
import dev.tcplab.capture.CaptureFormatException;
import dev.tcplab.capture.CaptureReader;
import dev.tcplab.endpoint.TcpConfig;
import dev.tcplab.lab.ConnectOptions;
import dev.tcplab.lab.ConnectOutcome;
import dev.tcplab.lab.ConnectRun;
import dev.tcplab.lab.InboundShapes;
import dev.tcplab.lab.PeerAgent;
import dev.tcplab.lab.PeerOptions;
import dev.tcplab.lab.ReplayScript;
import dev.tcplab.link.FaultRule;
import dev.tcplab.link.SegmentKind;
import dev.tcplab.netns.KernelPeer;
import dev.tcplab.text.Text;
import dev.tcplab.trace.TraceSink;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Plays a saved capture's ladder back at the pace it was recorded, or faster.",
                "For a class to watch: each segment appears when it happened, with both sides' states and the "
                + "analysis flags."},
        footerHeading = "%nExamples:%n",
        footer = {"  tcplab replay captures/time-wait-reack.pcap   real time",
                "  tcplab replay captures/kernel-mix.pcap --conn 3 --speed 0.1",
                "                                                ten times slower",
                "  tcplab replay big.pcapng --speed max --port 443",
                "  sudo tcplab replay --live captures/handshake-echo-close.pcap",
                "                                                the recorded client, live against a kernel",
                "  sudo tcplab replay --live --follow-hints captures/four-way-close-wait.pcap",
                "                                                with the options the recording calls for",
                "  sudo tcplab replay --live --as server captures/passive-open-listen.pcap",
                "                                                the recorded server; a kernel client the other side",
                "  sudo tcplab replay --live --iface eth1 --peer PEER:7 --src FREE_ADDR --agent PEER FILE",
                "                                                on two machines ('tcplab peer agent' on PEER)",
                "%nLong idle gaps (a keepalive's hours) are cut to --max-gap, and the ladder says so.",
                "Exit codes: 0 played to the end (with --live: the kernel answered as recorded); 1 with --live, the",
                "kernel answered differently or no connection; 2 bad usage, or the file is damaged or not a capture;",
                "3 with --live, the environment (root, libpcap)."})
public final class ReplayCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", description = "The capture to play (pcap or pcapng, also gzip-compressed).")
    Path file;

    @Option(names = "--speed", paramLabel = "X|max", converter = SpeedConverter.class,
            description = "Pace: 1 real time (default), 10 ten times faster, 0.1 slower, max no waiting.")
    double speed = 1;

    @Option(names = "--max-gap", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Longest wait between two segments, in capture time (default 5s).")
    Duration maxGap = Duration.ofSeconds(5);

    @Option(names = "--conn", paramLabel = "N", split = ",", description = "Only connection N.")
    List<Integer> conns = new ArrayList<>();

    @Option(names = "--port", paramLabel = "P", split = ",", description = "Only connections with port P at either end.")
    List<Integer> ports = new ArrayList<>();

    @Option(names = "--live", description = {"Re-enact the recorded client of one connection (--conn N; default the "
            + "first whose SYN was captured) against a live kernel peer: the lab network's echo server, or --iface/--peer "
            + "(--as server: the recorded server, against a kernel client).",
            "Reports every place where the live kernel answered differently from the recorded side. Needs root."})
    boolean live;

    /** Which recorded side tcplab's endpoint plays; the lab's kernel plays the other. */
    enum Side { client, server }

    @Option(names = "--as", paramLabel = "client|server", description = {"With --live: which recorded side our endpoint "
            + "plays (default client). server: ours listens and answers as the recorded server did, while the lab's "
            + "kernel connects and sends as the recorded client did; the live kernel client is then compared with the "
            + "recorded one (on the lab network, or on --iface with --agent: the peer machine's kernel)."})
    Side as = Side.client;

    @Option(names = "--agent", paramLabel = "ADDR[:PORT]", description = "With --live on --iface: the peer machine's "
            + "agent (run 'tcplab peer agent' there; port " + PeerAgent.DEFAULT_PORT + " if not given). "
            + "Its kernel serves at --peer's port, shaped as the lab's kernel peer is (--peer-close-delay, "
            + "--peer-answers, ...); with --as server it connects and plays the recorded client.")
    String agent;

    @Option(names = "--follow-hints", description = {"With --live: take every option the recording calls for (those the "
            + "run would name after its differences: --peer-close-delay, --peer-closes-first, --peer-answers, "
            + "--read-rate, ...) as if given, so that the lab re-enacts it as closely as it can."})
    boolean followHints;

    @Option(names = "--response-wait", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "With --live: how long to wait for the peer's turn before sending the next recorded piece (default 2s).")
    Duration responseWait = Duration.ofSeconds(2);

    @Option(names = "--peer-close-delay", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "With --live: the lab's kernel echo server closes this long after our FIN, as a server whose"
                    + " application closes late (default 0s).")
    Duration peerCloseDelay = Duration.ZERO;

    @Option(names = "--peer-closes-first", description = "With --live: the lab's kernel echo server closes 20 ms after "
            + "its first echo (with --peer-discard: after the first data arrives), without waiting for our FIN, as a "
            + "server that closes first; we close after its FIN when the recorded client did.")
    boolean peerClosesFirst;

    @Option(names = "--peer-rst-close", description = "With --live: the lab's kernel peer's application closes with "
            + "SO_LINGER 0, so its kernel sends RST instead of FIN (an abortive close), as a server that reset.")
    boolean peerRstClose;

    @Option(names = "--peer-keepalive", paramLabel = "IDLE,INTERVAL,COUNT", description = "With --live: turn on the "
            + "lab's kernel peer's keep-alive (TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT, in seconds), e.g. 1,1,3.")
    String peerKeepalive;

    @Option(names = "--peer-discard", description = "With --live: the lab's kernel peer keeps what arrives and sends "
            + "nothing back, as a server that only reads (an upload's) instead of an echo server.")
    boolean peerDiscard;

    @Option(names = "--peer-answers", description = "With --live: the lab's kernel peer answers with the recorded "
            + "server's data instead of an echo, each reply once it has read as many of our bytes as the recorded server "
            + "had received when it sent it (an HTTP server's responses, say): the live kernel then carries the same "
            + "conversation.")
    boolean peerAnswers;

    @Option(names = "--peer-read-rate", paramLabel = "RATE", converter = RateConverter.class,
            description = "With --live: the lab's kernel peer's application reads at most RATE (e.g. 10KB/s) from an 8 KB "
                    + "receive buffer, as a server that read slowly: its window shuts and opens again and again.")
    Long peerReadRate;

    @Option(names = "--read-delay", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "With --live: our application, the re-enacted client's (with --as server, the server's), reads "
                    + "nothing for DURATION after the handshake, as one whose window shut did.")
    Duration readDelay = Duration.ZERO;

    @Option(names = "--read-rate", paramLabel = "RATE", converter = RateConverter.class,
            description = "With --live: our application reads at most RATE (e.g. 20KB/s), a little every 50 ms, as a "
                    + "client (with --as server, a server) that read slowly did (its window shut and opened again and "
                    + "again); --window sets its buffer.")
    Long readRate;

    @Option(names = "--lang", paramLabel = "en|zh", description = "Language of the ladder's heads, reasons and remarks, "
            + "the summary table and, with --live, of what tcplab says on the lab network and the comparison (default: "
            + "zh where the locale is Chinese, such as LANG=zh_CN.UTF-8, else en); --format json and error messages stay "
            + "English.")
    Text.Lang lang = Text.Lang.ofEnvironment(System.getenv());

    @Mixin
    LiveOptions liveOptions;

    @Spec
    CommandSpec spec;

    OutputStream rawOut = new FileOutputStream(FileDescriptor.out);
    PrintStream err = System.err;

    /** What the paced replay takes: the rest sets up or shapes a live run, and without --live is refused. */
    private static final Set<String> PACED_OPTIONS = Set.of("--speed", "--max-gap", "--conn", "--port", "--format",
            "--output", "--absolute", "--debug", "--lang");

    @Override
    public Integer call() throws IOException {
        Selection.check(conns, ports);
        if (live) {
            return reenact();
        }
        List<String> liveOnly = spec.commandLine().getParseResult().matchedOptions().stream()
                .map(o -> o.longestName()).filter(name -> !PACED_OPTIONS.contains(name)).distinct().toList();
        if (!liveOnly.isEmpty()) {
            throw new IllegalArgumentException(String.join(", ", liveOnly) + (liveOnly.size() == 1 ? " is" : " are")
                    + " for --live, the re-enactment against a live kernel; without it, replay plays the capture back");
        }
        if (liveOptions.format == LiveOptions.Format.svg || liveOptions.format == LiveOptions.Format.html) {
            return picture();
        }
        liveOptions.checkOutputOption();
        PrintWriter text = new PrintWriter(new OutputStreamWriter(rawOut, StandardCharsets.UTF_8), false);
        AnalysisSink sink = switch (liveOptions.format) {
            case json -> new AnalysisJson(rawOut).flushingEachObject();
            case ladder -> Selection.tee(new AnalysisLadder(text, liveOptions.absolute, lang).flushingEachLine(),
                    new SummaryTable(text, lang));
            case quiet -> new SummaryTable(text, lang);
            case svg, html -> throw new IllegalStateException("pictures are drawn by picture()");
        };
        Pacer pacer = new Pacer(sink, speed, maxGap.toNanos(), System::nanoTime, LockSupport::parkNanos);
        AnalysisStats stats;
        Selection selection = new Selection(FaultAnnotations.around(pacer, file), conns, ports);
        try (CaptureReader reader = CaptureReader.open(file)) {
            stats = new Analyzer(selection).run(reader, position -> ClosedOutput.check(text));
            text.flush();
            rawOut.flush();
        } catch (CaptureFormatException e) {
            text.flush();
            err.println("tcplab: " + e.getMessage());
            return ExitCodes.USAGE;
        } catch (IOException | RuntimeException e) {
            if (ClosedOutput.is(e)) {
                return ExitCodes.OK;
            }
            throw e;
        }
        if (stats.problem != null) {
            err.println("tcplab: " + file + ": " + stats.problem + "; what came before it was played");
            return ExitCodes.USAGE;
        }
        String missing = selection.missing(stats);
        if (missing != null) {
            err.println("tcplab: " + file + ": " + missing);
            return ExitCodes.USAGE;
        }
        return ExitCodes.OK;
    }

    /** A picture has no pace to keep: the capture is drawn at once, as `analyze --format svg|html` draws it. */
    private int picture() {
        AnalyzeCommand analyze = new AnalyzeCommand();
        analyze.rawOut = rawOut;
        analyze.err = err;
        List<String> args = new ArrayList<>(List.of("--format", liveOptions.format.name(), "--lang", lang.name(),
                file.toString()));
        if (liveOptions.output != null) {
            args.addAll(List.of("-o", liveOptions.output.toString()));
        }
        conns.forEach(c -> args.addAll(List.of("--conn", c.toString())));
        ports.forEach(p -> args.addAll(List.of("--port", p.toString())));
        return new CommandLine(analyze.spec()).execute(args.toArray(String[]::new));
    }

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

    /**
     * Our SYN as the recorded client's: its MSS (up to the lab link's 1460) and timestamps or none decide how
     * many bytes each of the server's segments carries, so the live kernel's must be asked the same. Said
     * when it is not what tcplab offers by default.
     */
    static TcpConfig withTheRecordedSyn(TcpConfig tcp, RecordedConversation.SynOffer syn, Consumer<Text> say) {
        return withTheRecordedOffer(tcp, syn, true, say);
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

    /** RFC 9293 §3.7.1: every host takes segments of 536 bytes; a recorded SYN offering less is not followed. */
    private static final int MIN_MSS = 536;

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
        List<KernelPeer.Answer> answers = new java.util.ArrayList<>();
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

    /** The lab network's kernel peer is shaped by these; on --iface the peer is someone else's socket. */
    private static final List<String> LAB_PEER_OPTIONS = List.of("--peer-close-delay", "--peer-closes-first",
            "--peer-keepalive", "--peer-discard", "--peer-rst-close", "--peer-sysctl", "--peer-read-rate",
            "--peer-answers");

    /** Differences listed on the terminal; beyond them, all go to a file beside the live run's capture. */
    static final int DIFFERENCES_SHOWN = 20;

    /** The recorded client's quiet time before its FIN is re-enacted from this long (shorter is its own pace) ... */
    static final Duration MIN_IDLE_REENACTED = Duration.ofMillis(100);
    /** ... up to this long: a class waits a minute, not the two hours of a default keep-alive. */
    static final Duration MAX_IDLE_REENACTED = Duration.ofSeconds(60);

    /** Below this, a server's FIN after the client's is the kernel's own pace, not an application's delay. */
    static final long CLOSE_DELAY_WORTH_A_HINT_MS = 20;

    /** Plays the recorded client live and compares the live kernel's answers with the recorded server's. */
    private int reenact() throws IOException {
        liveOptions.checkInterfaceOptions("");
        // What the paced replay takes but a re-enactment has no use for is refused, not ignored.
        if (!ports.isEmpty() || conns.size() > 1) {
            throw new IllegalArgumentException("--live re-enacts one connection: choose it with --conn N (--summary of "
                    + "tcplab analyze lists them), or re-enact each in turn with lab-scripts/reenact-all.sh");
        }
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        if (agent == null) {
            liveOptions.refuseLabOnlyOnIface(parsed, LAB_PEER_OPTIONS, "peer", "the peer is the socket --peer names (or "
                    + "a server the peer machine's agent starts: --agent)");
        }
        KernelPeer.Keepalive peerProbes = peerKeepalive == null ? null : ConnectCommand.parsePeerKeepalive(peerKeepalive);
        if (parsed.hasMatchedOption("--speed") || parsed.hasMatchedOption("--max-gap")) {
            throw new IllegalArgumentException("--live goes at the live kernel's pace; "
                    + (parsed.hasMatchedOption("--speed") ? "--speed" : "--max-gap") + " is for the replay without --live");
        }
        if (peerAnswers && peerDiscard) {
            throw new IllegalArgumentException("--peer-answers replies as the recorded server did; --peer-discard keeps "
                    + "what arrives and answers nothing: give one");
        }
        if (agent != null && liveOptions.iface == null) {
            throw new IllegalArgumentException("--agent is for a peer on another machine (with --iface and --peer); the "
                    + "lab network's peer needs none");
        }
        if (followHints) {
            return withTheHintsFollowed(parsed);
        }
        if (as == Side.server) {
            return new ServerReenactment(this).run();
        }
        RecordedConversation rec = RecordedConversation.read(file, conns.isEmpty() ? 0 : conns.get(0));
        PrintWriter info = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        Consumer<Text> say = t -> info.println("tcplab: " + t.in(lang));
        int pieces = rec.chunks().size();
        say.accept(Text.of("re-enacting connection " + rec.conn() + " of " + file + ": client " + rec.client() + " → server "
                + rec.server() + ", " + rec.clientBytes() + " bytes in " + pieces + " piece" + (pieces == 1 ? "" : "s")
                + "; " + rec.closeOrder().en() + rec.zerosExplained().en(),
                "重演 " + file + " 的第 " + rec.conn() + " 个连接：客户端 " + rec.client() + " → 服务器 " + rec.server()
                + "，" + rec.clientBytes() + " 个字节，分 " + pieces + " 段发送；" + rec.closeOrder().zh()
                + rec.zerosExplained().zh()));
        Duration idle = idleToReenact(rec, say);
        TcpConfig tcp = withTheRecordedSyn(liveOptions.tcpConfig(), rec.clientSyn(), say);
        RecordedConversation.Keepalive probes = rec.quiet().client();
        boolean probesReenacted = !idle.isZero() && probes != null && liveOptions.keepalive == null;
        if (probesReenacted) {
            tcp = tcp.withKeepalive(recordedKeepalive(probes, say));
        }
        // After the last probe, the recorded quiet, but at most half the time to a next probe of ours.
        long afterProbes = probesReenacted ? Math.min(probes.afterLastNanos(), tcp.keepalive().idle().toNanos() / 2) : 0;
        Text peer = agent == null ? Text.of("the lab's kernel peer", "实验网络的内核对端")
                : Text.of("the peer machine's kernel", "对端机器的内核");
        List<KernelPeer.Answer> replies = peerAnswers ? answersOf(rec, peer, say) : List.of();
        // A recorded server that sent nothing is answered so: by a peer that only reads.
        boolean onlyReads = peerDiscard || peerAnswers && replies.isEmpty();
        Duration serverPauses = replies.stream().map(KernelPeer.Answer::pause).reduce(Duration.ZERO, Duration::plus);
        Duration timeout = liveOptions.connectionTimeout(new LiveOptions.Wait("--peer-close-delay "
                + DurationConverter.text(peerCloseDelay), peerCloseDelay), new LiveOptions.Wait("the recorded client's "
                + "idle time", idle), ConnectCommand.readingAtRate("--peer-read-rate", peerReadRate,
                rec.clientBytes()), new LiveOptions.Wait("the recorded server's pauses", serverPauses),
                new LiveOptions.Wait("--read-delay " + DurationConverter.text(readDelay),
                readDelay), ConnectCommand.readingAtRate("--read-rate", readRate, rec.serverBytes()),
                liveOptions.timeWait());
        List<FaultRule> faults = new ArrayList<>(liveOptions.faults());
        if (rec.mirror().finsCrossed() && peerClosesFirst) {
            faults.add(crossingFins(rec, Text.of("server", "服务器"), idle, responseWait.plus(serverPauses)
                    .plusSeconds(1), say));
        }
        PeerOptions shaped = PeerOptions.DEFAULT.withSysctls(liveOptions.peerSysctls).withCloseDelay(peerCloseDelay)
                .withDiscard(onlyReads).withCloseFirst(peerClosesFirst).withResetOnClose(peerRstClose)
                .withKeepalive(peerProbes).withReadRate(peerReadRate == null ? 0 : peerReadRate).withAnswers(replies);
        // On another machine the agent's kernel server is shaped so; on the lab network, the lab's.
        ConnectOptions opt = new ConnectOptions(liveOptions.iface, liveOptions.peerOrNull(), liveOptions.srcOrNull(), 0,
                7, new byte[0], tcp, liveOptions.rstGuard, liveOptions.capturePath("replay"),
                timeout, responseWait, 1, Duration.ZERO, faults, agent == null ? shaped : PeerOptions.DEFAULT);
        InboundShapes answers = new InboundShapes();
        ConnectRun run = new ConnectRun(opt, TraceSink.both(liveOptions.trace(spec.commandLine().getOut(), lang), answers),
                // Our client waits for the peer's turn as long again as the recorded server paused.
                info, () -> new ReplayScript(rec, responseWait.plus(serverPauses).toNanos(), idle.toNanos(),
                        probesReenacted ? probes.probes() : 0, afterProbes)
                        .reading(readDelay.toNanos(), readRate == null ? 0 : readRate)).inLanguage(lang);
        if (agent != null) {
            run.withAgent(PeerAgent.addressOf(agent), shaped);
        }
        ConnectOutcome o = run.execute();
        if (!o.established()) {
            say.accept(Text.of("no connection: " + o.closeText().en() + ". Capture: " + o.capture(),
                    "没有建立连接：" + o.closeText().zh() + "。抓包：" + o.capture()));
            return ExitCodes.CHECK_FAILED;
        }
        List<SegmentShape> recordedSegments = inOrder(rec.serverSegments(), Text.of("the recorded server", "录制中的服务器"),
                say);
        List<SegmentShape> liveSegments = inOrder(answers.shapes(), Text.of("the live kernel", "实际的内核"), say);
        List<Text> differences = LiveComparison.differences(recordedSegments, liveSegments);
        int recorded = recordedSegments.size(), live = liveSegments.size();
        if (differences.isEmpty()) {
            say.accept(Text.of("the live kernel answered as the recorded server did: " + recorded + " segments, the same "
                    + "flags, relative seq/ack and lengths. Capture: " + o.capture(), "实际的内核与录制中的服务器回应得一样："
                    + recorded + " 个报文段，flags、相对 seq/ack 和长度都相同。抓包：" + o.capture()));
            return ExitCodes.OK;
        }
        int n = differences.size();
        say.accept(Text.of("the live kernel answered differently in " + n + " place" + (n == 1 ? "" : "s") + " (recorded "
                + recorded + " server segments, live " + live + "):", "实际的内核在 " + n + " 处回应得与录制中不同（录制中服务器 "
                + recorded + " 个报文段，实际 " + live + " 个）："));
        listDifferences(differences, o.capture(), info, lang);
        if (LiveComparison.onlyAcksDiffer(recordedSegments, liveSegments)) {
            say.accept(ONLY_ACKS_DIFFER);
        }
        LiveComparison.CutsPart cuts = LiveComparison.whereTheCutsPart(recordedSegments, liveSegments);
        if (cuts != null) {
            say.accept(cutsPart(cuts, Text.of("the live kernel", "实际的内核")));
        }
        boolean someShut = !rec.serverZeroWindowFrames().isEmpty() || !rec.clientReading().zeroWindowFrames().isEmpty();
        RecordedConversation again = someShut ? readAgain(o.capture()) : null;
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
        sayTheHints(ReenactmentHints.of(rec, parsed), false, say);
        say.accept(Text.of("capture of the live run: " + o.capture(), "这次实际运行的抓包：" + o.capture()));
        return ExitCodes.CHECK_FAILED;
    }

    /**
     * --follow-hints: the options the recording calls for, those not given, are added to the command line as if typed
     * (and said), and the re-enactment runs with them.
     */
    private int withTheHintsFollowed(CommandLine.ParseResult parsed) throws IOException {
        RecordedConversation rec = RecordedConversation.read(file, conns.isEmpty() ? 0 : conns.get(0));
        List<String> arguments = ReenactmentHints.of(rec, parsed).arguments(as == Side.server);
        PrintWriter info = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        String options = String.join(" ", arguments);
        info.println("tcplab: " + (arguments.isEmpty()
                ? Text.of("following the hints: the recording calls for no option beyond those given",
                "按提示运行：录制中的连接不需要已给出的选项之外的选项")
                : Text.of("following the hints: " + options, "按提示运行：" + options)).in(lang));
        List<String> args = new ArrayList<>(argumentsOf(parsed));
        args.removeIf("--follow-hints"::equals);
        args.addAll(arguments);
        ReplayCommand followed = new ReplayCommand();
        followed.rawOut = rawOut;
        followed.err = err;
        CommandLine line = new CommandLine(followed).setCaseInsensitiveEnumValuesAllowed(true);
        line.setOut(spec.commandLine().getOut());
        line.setErr(spec.commandLine().getErr());
        line.parseArgs(args.toArray(String[]::new));
        return followed.call();
    }

    /** This command's own arguments as given: after its name when it ran as a subcommand of tcplab. */
    private List<String> argumentsOf(CommandLine.ParseResult parsed) {
        List<String> all = parsed.originalArgs();
        return spec.commandLine().getParent() == null ? all : all.subList(all.indexOf(spec.name()) + 1, all.size());
    }

    /** The hints of a run that differed, and how to follow them all at once when they name options. */
    static void sayTheHints(ReenactmentHints hints, boolean asServer, Consumer<Text> say) {
        hints.all(asServer).forEach(h -> say.accept(h.said()));
        List<String> arguments = hints.arguments(asServer);
        if (!arguments.isEmpty()) {
            String options = String.join(" ", arguments);
            say.accept(Text.of("--follow-hints re-enacts it with them all (" + options + ")",
                    "--follow-hints 带着这些选项重演（" + options + "）"));
        }
    }

    /**
     * The first {@link #DIFFERENCES_SHOWN} places where a re-enactment parted from the recording, and all of them in
     * a file beside the live capture when there are more (a bulk transfer can part in thousands of places).
     */
    static void listDifferences(List<Text> differences, Path capture, PrintWriter info, Text.Lang lang)
            throws IOException {
        int n = differences.size();
        differences.stream().limit(DIFFERENCES_SHOWN).forEach(d -> info.println("  " + d.in(lang)));
        if (n > DIFFERENCES_SHOWN) {
            Path all = capture.resolveSibling(capture.getFileName().toString().replaceFirst("\\.pcap$", "")
                    + ".differences.txt");
            Files.write(all, differences.stream().map(d -> d.in(lang)).toList());
            info.println("  " + Text.of("… and " + (n - DIFFERENCES_SHOWN) + " more: all " + n + " in " + all,
                    "…… 还有 " + (n - DIFFERENCES_SHOWN) + " 处：全部 " + n + " 处在 " + all).in(lang));
        }
    }

    /**
     * A side's segments for the comparison, its ACKs that came out of order put back ({@link LiveComparison.AcksInOrder}),
     * which is said when there were any.
     *
     * @param who the side, as the sentence starts ("the live kernel")
     */
    static List<SegmentShape> inOrder(List<SegmentShape> side, Text who, Consumer<Text> say) {
        LiveComparison.AcksInOrder ordered = LiveComparison.AcksInOrder.of(side);
        if (!ordered.late().isEmpty()) {
            int n = ordered.late().size();
            long first = ordered.late().get(0).ack();
            say.accept(Text.of(who.en() + "'s ACKs came out of order " + (n == 1 ? "once" : n + " times") + " (ack " + first
                    + " after a higher one): a cumulative ACK never goes back, so they were reordered on their way (on the "
                    + "lab's veth, two CPUs can hand a burst of them on out of order); they are compared in the order sent",
                    who.zh() + "的 ACK 有 " + n + " 次乱序到达（ack " + first + " 在一个更大的之后）：累计确认号不会倒退，"
                    + "所以它们是在路上被重排的（在实验网络的 veth 上，两个 CPU 可能把一串 ACK 乱序递交）；比较时按发出的顺序"));
        }
        return ordered.segments();
    }

    /**
     * Said when the same data went in other segments ({@link LiveComparison#whereTheCutsPart}), which a positional
     * list shows as nearly every data segment after the first: the sentence says where and how many.
     *
     * @param who the live side, as the sentence starts ("the live kernel client")
     */
    static Text cutsPart(LiveComparison.CutsPart c, Text who) {
        SegmentShape s = c.recordedFrom();
        return Text.of(who.en() + " sent the same " + c.bytes() + " bytes of data, but cut them into segments elsewhere "
                + "from recorded frame " + s.frame() + " (seq " + s.seq() + ", " + s.length() + " bytes) on: from there, "
                + c.liveAfter() + " data segments live, " + c.recordedAfter() + " recorded, which the list above shows one "
                + "by one. Where a sender cuts follows where its application's writes ended and when the receiver's ACKs "
                + "and window let it send", who.zh() + "发送了同样的 " + c.bytes() + " 个字节的数据，但从录制的第 "
                + s.frame() + " 帧（seq " + s.seq() + "，" + s.length() + " 个字节）起，分段的位置不同：从那里起，实际 "
                + c.liveAfter() + " 个数据报文段，录制中 " + c.recordedAfter() + " 个，上面的列表逐个列出了它们。发送方在哪里"
                + "分段，取决于它的应用程序的写入在哪里结束，以及接收方的 ACK 和窗口何时让它发送");
    }

    /** Said when only acknowledgements differ ({@link LiveComparison#onlyAcksDiffer}). */
    static final Text ONLY_ACKS_DIFFER = Text.of("every SYN and FIN came as recorded, and every data segment with the "
            + "same seq and length; only acknowledgements differ, which follow when the data arrived, and a re-enactment "
            + "keeps its own pace", "每个 SYN 和 FIN 都与录制的一样，每个数据报文段的 seq 和长度也相同；只有确认不同：它们取决于"
            + "数据何时到达，而重演有它自己的节奏");

    /** A positive factor, or "max" for no pacing at all. */
    static final class SpeedConverter implements CommandLine.ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            if (value.equalsIgnoreCase("max")) {
                return Double.POSITIVE_INFINITY;
            }
            double v;
            try {
                v = Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a speed: give a factor such as 1, 10, 0.5, or max");
            }
            if (!(v > 0) || Double.isInfinite(v)) {
                throw new CommandLine.TypeConversionException("the speed must be above 0 (or max), got " + value);
            }
            return v;
        }
    }
}
