package dev.tcplab.cli;

import dev.tcplab.analysis.AnalysisJson;
import dev.tcplab.analysis.AnalysisLadder;
import dev.tcplab.analysis.AnalysisSink;
import dev.tcplab.analysis.AnalysisStats;
import dev.tcplab.analysis.Analyzer;
import dev.tcplab.analysis.FaultAnnotations;
import dev.tcplab.analysis.LiveComparison;
import dev.tcplab.analysis.Pacer;
import dev.tcplab.analysis.RecordedConversation;
import dev.tcplab.analysis.Selection;
import dev.tcplab.analysis.SummaryTable;
import dev.tcplab.capture.CaptureFormatException;
import dev.tcplab.capture.CaptureReader;
import dev.tcplab.lab.ConnectOptions;
import dev.tcplab.lab.ConnectOutcome;
import dev.tcplab.lab.ConnectRun;
import dev.tcplab.lab.InboundShapes;
import dev.tcplab.lab.PeerOptions;
import dev.tcplab.lab.ReplayScript;
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
                "%nLong idle gaps (a keepalive's hours) are cut to --max-gap, and the ladder says so.",
                "Exit codes: 0 played to the end (with --live: the kernel answered as recorded); 1 with --live, the",
                "kernel answered differently or no connection; 2 bad usage, or the file is damaged or not a capture;",
                "3 with --live, the environment (root, libpcap)."})
public final class ReplayCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", description = "the capture to play (pcap or pcapng, also gzip-compressed)")
    Path file;

    @Option(names = "--speed", paramLabel = "X|max", converter = SpeedConverter.class,
            description = "1 real time (default), 10 ten times faster, 0.1 slower, max no waiting")
    double speed = 1;

    @Option(names = "--max-gap", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "longest wait between two segments, in capture time (default 5s)")
    Duration maxGap = Duration.ofSeconds(5);

    @Option(names = "--conn", paramLabel = "N", split = ",", description = "only connection N")
    List<Integer> conns = new ArrayList<>();

    @Option(names = "--port", paramLabel = "P", split = ",", description = "only connections with port P at either end")
    List<Integer> ports = new ArrayList<>();

    @Option(names = "--live", description = {"Re-enact the recorded client of one connection (--conn N; default the "
            + "first whose SYN was captured) against a live kernel peer: the lab network's echo server, or --iface/--peer.",
            "Reports every place where the live kernel answered differently from the recorded server. Needs root."})
    boolean live;

    @Option(names = "--response-wait", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "with --live: how long to wait for the peer's turn before sending the next recorded piece (default 2s)")
    Duration responseWait = Duration.ofSeconds(2);

    @Option(names = "--peer-close-delay", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "with --live: the lab's kernel echo server closes this long after our FIN, as a server whose"
                    + " application closes late (default 0s)")
    Duration peerCloseDelay = Duration.ZERO;

    @Option(names = "--peer-discard", description = "with --live: the lab's kernel peer keeps what arrives and sends "
            + "nothing back, as a server that only reads (an upload's) instead of an echo server")
    boolean peerDiscard;

    @Mixin
    LiveOptions liveOptions;

    @Spec
    CommandSpec spec;

    OutputStream rawOut = new FileOutputStream(FileDescriptor.out);
    PrintStream err = System.err;

    /** What the paced replay takes: the rest sets up or shapes a live run, and without --live is refused. */
    private static final Set<String> PACED_OPTIONS = Set.of("--speed", "--max-gap", "--conn", "--port", "--format",
            "--output", "--absolute", "--debug");

    @Override
    public Integer call() throws IOException {
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
            case ladder -> Selection.tee(new AnalysisLadder(text, liveOptions.absolute).flushingEachLine(),
                    new SummaryTable(text));
            case quiet -> new SummaryTable(text);
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
        List<String> args = new ArrayList<>(List.of("--format", liveOptions.format.name(), file.toString()));
        if (liveOptions.output != null) {
            args.addAll(List.of("-o", liveOptions.output.toString()));
        }
        conns.forEach(c -> args.addAll(List.of("--conn", c.toString())));
        ports.forEach(p -> args.addAll(List.of("--port", p.toString())));
        return new CommandLine(analyze.spec()).execute(args.toArray(String[]::new));
    }

    /**
     * The difference a re-enactment meets most: the recorded server's application closed a while after the
     * client's FIN (four segments), the lab's echo server closes at once (three). Said with the option that
     * makes them match, when the run is on the lab network and the option was not given; else null.
     */
    private String closeDelayHint(RecordedConversation rec) {
        long delayMs = rec.serverCloseDelayNanos() / 1_000_000;
        if (liveOptions.iface != null || spec.commandLine().getParseResult().hasMatchedOption("--peer-close-delay")
                || delayMs < CLOSE_DELAY_WORTH_A_HINT_MS) {
            return null;
        }
        return "the recorded server's application closed " + delayMs + " ms after the client's FIN, the lab's echo "
                + "server closes at once: --peer-close-delay " + delayMs + "ms makes it wait as the recording's did";
    }

    /**
     * The difference a re-enactment of another program's capture meets first: its server answered with
     * data of its own (an HTTP response, say) where the lab's kernel peer echoes what it gets. Said on the
     * lab network when the recorded server's bytes are not as many as the client's; else null.
     */
    private String echoHint(RecordedConversation rec) {
        // The highest byte the server sent, not the sum of lengths: retransmissions would count twice.
        long served = rec.serverSegments().stream().filter(s -> s.length() > 0)
                .mapToLong(s -> s.seq() + s.length() - 1).max().orElse(0);
        if (liveOptions.iface != null || peerDiscard || served == rec.clientBytes()) {
            return null;
        }
        if (served == 0) {
            return "the recorded server sent nothing back for the client's " + rec.clientBytes() + " bytes, the lab's "
                    + "kernel peer echoes them: --peer-discard makes it keep what arrives, as the recorded server did";
        }
        return "the recorded server sent " + served + " bytes for the client's " + rec.clientBytes() + ": it was not an "
                + "echo server, and the lab's kernel peer echoes what it gets. To compare with a server like the "
                + "recorded one, start it on another machine and re-enact against it with --iface and --peer";
    }

    /** Differences listed on the terminal; beyond them, all go to a file beside the live run's capture. */
    static final int DIFFERENCES_SHOWN = 20;

    /** Below this, a server's FIN after the client's is the kernel's own pace, not an application's delay. */
    private static final long CLOSE_DELAY_WORTH_A_HINT_MS = 20;

    /** Plays the recorded client live and compares the live kernel's answers with the recorded server's. */
    private int reenact() throws IOException {
        liveOptions.checkInterfaceOptions("");
        // What the paced replay takes but a re-enactment has no use for is refused, not ignored.
        if (!ports.isEmpty() || conns.size() > 1) {
            throw new IllegalArgumentException("--live re-enacts one connection: choose it with --conn N (--summary of "
                    + "tcplab analyze lists them)");
        }
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        if (liveOptions.iface != null && parsed.hasMatchedOption("--peer-discard")) {
            throw new IllegalArgumentException("--peer-discard shapes the lab network's kernel peer; with --iface the peer "
                    + "is the socket --peer names");
        }
        if (parsed.hasMatchedOption("--speed") || parsed.hasMatchedOption("--max-gap")) {
            throw new IllegalArgumentException("--live goes at the live kernel's pace; "
                    + (parsed.hasMatchedOption("--speed") ? "--speed" : "--max-gap") + " is for the replay without --live");
        }
        RecordedConversation rec = RecordedConversation.read(file, conns.isEmpty() ? 0 : conns.get(0));
        PrintWriter info = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        info.printf("tcplab: re-enacting connection %d of %s: client %s → server %s, %d bytes in %d piece%s; the client"
                + " closed %s%s%n", rec.conn(), file, rec.client(), rec.server(), rec.clientBytes(), rec.chunks().size(),
                rec.chunks().size() == 1 ? "" : "s", rec.clientClosedFirst() ? "first" : "second",
                rec.zerosExplained());
        Duration timeout = liveOptions.connectionTimeout(new LiveOptions.Wait("--peer-close-delay "
                + DurationConverter.text(peerCloseDelay), peerCloseDelay), liveOptions.timeWait());
        ConnectOptions opt = new ConnectOptions(liveOptions.iface, liveOptions.peerOrNull(), liveOptions.srcOrNull(), 0,
                7, new byte[0], liveOptions.tcpConfig(), liveOptions.rstGuard, liveOptions.capturePath("replay"),
                timeout, responseWait, 1, Duration.ZERO, liveOptions.faults(),
                PeerOptions.DEFAULT.withSysctls(liveOptions.peerSysctls).withCloseDelay(peerCloseDelay)
                        .withDiscard(peerDiscard));
        InboundShapes answers = new InboundShapes();
        ConnectOutcome o = new ConnectRun(opt, TraceSink.both(liveOptions.trace(spec.commandLine().getOut()), answers),
                info, () -> new ReplayScript(rec, responseWait.toNanos())).execute();
        List<String> differences = LiveComparison.differences(rec.serverSegments(), answers.shapes());
        if (!o.established()) {
            info.println("tcplab: no connection: " + o.closeReason() + ". Capture: " + o.capture());
            return ExitCodes.CHECK_FAILED;
        }
        if (differences.isEmpty()) {
            info.printf("tcplab: the live kernel answered as the recorded server did: %d segments, the same flags,"
                    + " relative seq/ack and lengths. Capture: %s%n", rec.serverSegments().size(), o.capture());
            return ExitCodes.OK;
        }
        info.printf("tcplab: the live kernel answered differently in %d place%s (recorded %d server segments, live %d):%n",
                differences.size(), differences.size() == 1 ? "" : "s", rec.serverSegments().size(), answers.shapes().size());
        differences.stream().limit(DIFFERENCES_SHOWN).forEach(d -> info.println("  " + d));
        if (differences.size() > DIFFERENCES_SHOWN) {
            // A bulk transfer can part in thousands of places: the first ones here, all of them beside the capture.
            Path all = o.capture().resolveSibling(o.capture().getFileName().toString().replaceFirst("\\.pcap$", "")
                    + ".differences.txt");
            Files.write(all, differences);
            info.println("  … and " + (differences.size() - DIFFERENCES_SHOWN) + " more: all " + differences.size()
                    + " in " + all);
        }
        if (LiveComparison.onlyAcksDiffer(rec.serverSegments(), answers.shapes())) {
            info.println("tcplab: every SYN, FIN and data segment came as recorded; only the kernel's pure ACKs differ, "
                    + "which follow when the data arrived, and a re-enactment keeps its own pace");
        }
        for (String hint : new String[] {echoHint(rec), closeDelayHint(rec)}) {
            if (hint != null) {
                info.println("tcplab: " + hint);
            }
        }
        info.println("tcplab: capture of the live run: " + o.capture());
        return ExitCodes.CHECK_FAILED;
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
