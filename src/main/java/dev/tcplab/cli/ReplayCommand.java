package dev.tcplab.cli;

import dev.tcplab.analysis.AnalysisJson;
import dev.tcplab.analysis.AnalysisLadder;
import dev.tcplab.analysis.AnalysisSink;
import dev.tcplab.analysis.AnalysisStats;
import dev.tcplab.analysis.Analyzer;
import dev.tcplab.analysis.FaultAnnotations;
import dev.tcplab.analysis.Pacer;
import dev.tcplab.analysis.RecordedConversation;
import dev.tcplab.analysis.Selection;
import dev.tcplab.analysis.SummaryTable;
import dev.tcplab.capture.CaptureFormatException;
import dev.tcplab.capture.CaptureReader;
import dev.tcplab.lab.PeerAgent;
import dev.tcplab.netns.KernelPeer;
import dev.tcplab.text.Text;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
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

    /** The lab network's kernel peer is shaped by these; on --iface the peer is someone else's socket. */
    private static final List<String> LAB_PEER_OPTIONS = List.of("--peer-close-delay", "--peer-closes-first",
            "--peer-keepalive", "--peer-discard", "--peer-rst-close", "--peer-sysctl", "--peer-read-rate",
            "--peer-answers");

    /** --live: what a re-enactment is given is checked, then the side chosen is played against a live kernel. */
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
        return new ClientReenactment(this, peerProbes).run();
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
