package dev.tcplab.cli;

import dev.tcplab.analysis.AnalysisJson;
import dev.tcplab.analysis.AnalysisLadder;
import dev.tcplab.analysis.AnalysisSink;
import dev.tcplab.analysis.AnalysisStats;
import dev.tcplab.analysis.Analyzer;
import dev.tcplab.analysis.EventChoice;
import dev.tcplab.analysis.EventSelection;
import dev.tcplab.analysis.FaultAnnotations;
import dev.tcplab.analysis.Pictures;
import dev.tcplab.analysis.Selection;
import dev.tcplab.analysis.SummaryTable;
import dev.tcplab.capture.CaptureFormatException;
import dev.tcplab.capture.CaptureReader;
import dev.tcplab.text.Text;
import dev.tcplab.trace.HtmlLadder;
import dev.tcplab.trace.LadderPicture;
import dev.tcplab.trace.SvgLadder;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParseResult;

/** `tcplab analyze FILE`: a saved capture as a ladder, a summary table, JSON lines or a picture. */
public final class AnalyzeCommand implements Callable<Integer> {

    enum Format { text, json, svg, html }

    /** picocli's own calls Paths.get through reflection, which spins method handles at every start. */
    private static final ITypeConverter<Path> PATH = Path::of;

    private final CommandSpec spec = CommandSpec.wrapWithoutInspection(this);

    // What the user chose; call() fills these from picocli's parse result.
    private Path file;
    /** What messages call the input: the file's name, or "standard input". */
    private String name;
    private Format format = Format.text;
    private Path output;
    private List<Integer> conns = List.of();
    private List<Integer> ports = List.of();
    private List<String> events = List.of();
    /** {@link #events} once call() has checked them, or null when none were asked for. */
    private EventChoice eventChoice;
    private boolean absolute;
    private boolean summaryOnly;
    private Text.Lang lang = Text.Lang.en;

    /**
     * The options, built with picocli's programmatic API rather than its annotations. Reading an
     * annotation makes the JDK generate a proxy class for its type at run time (the start-up cache
     * keeps none), and the JIT then compiles that generator while the first packets wait: about
     * 70 ms of every `analyze` (docs/performance.md).
     */
    AnalyzeCommand() {
        spec.name("analyze");
        StandardHelpOptions.addTo(spec);
        spec.usageMessage()
                .description("Reads a saved capture and shows every TCP segment with both sides' states.",
                        "pcap or pcapng, also gzip-compressed; Ethernet, Linux cooked v1/v2, raw IP. Each segment with "
                        + "relative seq/ack, both sides' inferred states and Wireshark's analysis flags, then a summary "
                        + "per connection: handshake RTT, how it closed, who went into TIME_WAIT.")
                .footerHeading("%nExamples:%n")
                .footer("  tcplab analyze captures/handshake-echo-close.pcap",
                        "  tcplab analyze big.pcapng --summary           the table only",
                        "  tcplab analyze big.pcapng --port 80 --conn 3  one connection's ladder",
                        "  tcplab analyze big.pcapng --events bad-tcp    what Wireshark marks as Bad TCP",
                        "  tcplab analyze big.pcapng --summary --events fin_in_time_wait",
                        "                                                the connections where it happened",
                        "  tcplab analyze big.pcapng --format json | jq -c 'select(.events|length>0)'",
                        "  tcplab analyze big.pcapng --format json -o big.json",
                        "                                                with a progress bar on a terminal",
                        "  tcpdump -i lo -w - -c 500 tcp | tcplab analyze --summary -",
                        "                                                from a pipe",
                        "%nExit codes: 0 read to the end; 2 bad usage, or the file is damaged or not a capture (what could",
                        "be read is still reported, with a count of what was skipped).");
        spec.addPositional(PositionalParamSpec.builder().index("0").arity("1").required(true).paramLabel("FILE").type(Path.class)
                .converters(PATH).description("The capture to read; - reads it from standard input (a pipe).").build());
        spec.addOption(OptionSpec.builder("--format").paramLabel("FMT").type(Format.class)
                .description("Output. text: ladder and summary table (default); json: JSON lines, one object per segment and per"
                        + " connection; svg: a sequence diagram of one connection; html: one page, every connection, step by step.")
                .build());
        spec.addOption(OptionSpec.builder("-o", "--output").paramLabel("FILE").type(Path.class).converters(PATH)
                .description("Write the results there instead of standard output (any format).").build());
        spec.addOption(OptionSpec.builder("--conn").paramLabel("N").splitRegex(",").type(List.class)
                .auxiliaryTypes(Integer.class).description("Only connection N (numbered from 1 in order of appearance).").build());
        spec.addOption(OptionSpec.builder("--port").paramLabel("P").splitRegex(",").type(List.class)
                .auxiliaryTypes(Integer.class).description("Only connections with port P at either end.").build());
        spec.addOption(OptionSpec.builder("--events").paramLabel("E").splitRegex(",").type(List.class)
                .auxiliaryTypes(String.class).completionCandidates(EventChoice.names())
                .description("Only the segments that carry event E, and the connections that had one (a picture "
                        + "draws those connections whole). E is an event's name as in the JSON (retransmission, "
                        + "duplicate_ack, zero_window, rst, time_wait, fin_in_time_wait, ...), or " + EventChoice.BAD_TCP
                        + ": what Wireshark's colouring rule \"Bad TCP\" marks (segments with its analysis flags, but not "
                        + "window updates or keep-alives).").build());
        spec.addOption(OptionSpec.builder("--absolute").type(boolean.class)
                .description("The ladder with raw sequence numbers instead of relative to each ISN.").build());
        spec.addOption(OptionSpec.builder("--summary").type(boolean.class)
                .description("One summary per connection, no segments: the table (text) or the connection objects"
                        + " (json).").build());
        spec.addOption(OptionSpec.builder("--lang").paramLabel("en|zh").type(Text.Lang.class)
                .description("Language of the ladder's heads and remarks, the summary table and the pictures' "
                        + "words and explanations (default: zh where the locale is Chinese, such as LANG=zh_CN.UTF-8, "
                        + "else en); --format json and error messages stay English.").build());
        // Read by ExitCodes.Handler from the parse result.
        spec.addOption(OptionSpec.builder("--debug").type(boolean.class).description("Show stack traces of errors.").build());
    }

    /** The command as picocli runs it: {@code new CommandLine(analyze.spec())}. */
    CommandSpec spec() {
        return spec;
    }

    /** FILE "-": the capture comes through a pipe, as `tcpdump -w -` writes it. */
    private boolean fromStdin() {
        return file.toString().equals("-");
    }

    private void readArguments(ParseResult parsed) {
        file = parsed.matchedPositionalValue(0, null);
        name = fromStdin() ? "standard input" : file.toString();
        format = parsed.matchedOptionValue("--format", Format.text);
        output = parsed.matchedOptionValue("--output", null);
        conns = parsed.matchedOptionValue("--conn", List.of());
        ports = parsed.matchedOptionValue("--port", List.of());
        events = parsed.matchedOptionValue("--events", List.of());
        absolute = parsed.hasMatchedOption("--absolute");
        summaryOnly = parsed.hasMatchedOption("--summary");
        lang = parsed.hasMatchedOption("--lang") ? parsed.matchedOptionValue("--lang", Text.Lang.en)
                : Text.Lang.ofEnvironment(System.getenv());
    }

    private int draw(Pictures pictures, OutputStream out) throws IOException {
        List<LadderPicture> all = pictures.pictures();
        if (all.isEmpty()) {
            err.println("tcplab: " + name + " holds no TCP segment to draw");
            return ExitCodes.USAGE;
        }
        if (format == Format.svg && all.size() > 1) {
            err.println("tcplab: an SVG draws one connection and " + name + " has " + all.size()
                    + " here: choose one with --conn N (tcplab analyze --summary lists them), or use --format html");
            return ExitCodes.USAGE;
        }
        String doc = format == Format.svg ? SvgLadder.render(all.get(0), lang)
                : HtmlLadder.render(fromStdin() ? name : file.getFileName().toString(), all, lang);
        String leftOut = leftOut(pictures);
        if (output == null) {
            out.write(doc.getBytes(StandardCharsets.UTF_8));
            out.flush();
            if (!leftOut.isEmpty()) {
                err.println("tcplab: the picture leaves out" + leftOut);
            }
        } else {
            try {
                Files.writeString(output, doc, StandardCharsets.UTF_8);
            } catch (IOException e) {
                err.println("tcplab: cannot write " + output + ": " + reason(e));
                return ExitCodes.USAGE;
            }
            err.println("tcplab: wrote " + output + (leftOut.isEmpty() ? "" : "; it leaves out" + leftOut));
        }
        return ExitCodes.OK;
    }

    /** What a picture could not hold, for a sentence on stderr (its title says it too); empty if nothing. */
    private static String leftOut(Pictures pictures) {
        String text = "";
        if (pictures.connectionsLeftOut() > 0) {
            text += " " + pictures.connectionsLeftOut() + " connections";
        }
        if (pictures.segmentsLeftOut() > 0) {
            text += (text.isEmpty() ? " " : " and ") + pictures.segmentsLeftOut() + " segments";
        }
        return text.isEmpty() ? text : text + ", beyond what a picture holds (" + Pictures.MAX_CONNECTIONS
                + " connections, " + Pictures.MAX_STEPS + " segments of one, " + Pictures.MAX_TOTAL_STEPS + " in all)";
    }

    /** Where results and complaints go; tests replace them. Results bypass System.out's per-line flushing. */
    OutputStream rawOut = new FileOutputStream(FileDescriptor.out);
    InputStream rawIn = System.in;
    BooleanSupplier stdinIsTerminal = () -> Terminals.isTerminal(0);
    PrintStream err = System.err;

    @Override
    public Integer call() throws IOException {
        readArguments(spec.commandLine().getParseResult());
        if (fromStdin() && stdinIsTerminal.getAsBoolean()) {
            err.println("tcplab: FILE - reads a capture from a pipe, and standard input is this terminal: for example "
                    + "tcpdump -w - -c 100 -i lo tcp | tcplab analyze -");
            return ExitCodes.USAGE;
        }
        if (absolute && (format != Format.text || summaryOnly)) {
            err.println("tcplab: --absolute is for the ladder (--format text without --summary)"
                    + (format == Format.json ? "; the JSON has both: seq and ack relative, seq_abs and ack_abs raw" : ""));
            return ExitCodes.USAGE;
        }
        if (summaryOnly && (format == Format.svg || format == Format.html)) {
            err.println("tcplab: --summary goes with --format text or json; a picture is made of segments (choose one "
                    + "connection with --conn N)");
            return ExitCodes.USAGE;
        }
        try {
            eventChoice = events.isEmpty() ? null : new EventChoice(events); // before the file is read
        } catch (IllegalArgumentException e) {
            err.println("tcplab: --events: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        try {
            Selection.check(conns, ports);
        } catch (IllegalArgumentException e) {
            err.println("tcplab: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        String refused = output == null ? null : refusedOutput();
        if (refused != null) {
            err.println("tcplab: " + refused);
            return ExitCodes.USAGE;
        }
        if (output == null || format == Format.svg || format == Format.html) {
            // A picture is written whole once the capture is read (draw): a refused one leaves no empty file.
            return analyze(rawOut);
        }
        OutputStream resultsFile;
        try {
            resultsFile = Files.newOutputStream(output);
        } catch (IOException e) {
            err.println("tcplab: cannot write " + output + ": " + reason(e));
            return ExitCodes.USAGE;
        }
        int code;
        try (resultsFile) {
            code = analyze(resultsFile);
        }
        err.println("tcplab: wrote " + output);
        return code;
    }

    /** Why -o FILE cannot take the results (it is the capture being read, or a directory), or null. */
    private String refusedOutput() throws IOException {
        if (!fromStdin() && Files.exists(output) && Files.exists(file) && Files.isSameFile(output, file)) {
            return "-o " + output + " is the capture being read; name another file for the results";
        }
        if (Files.isDirectory(output)) {
            return "-o " + output + " is a directory; name a file for the results";
        }
        return null;
    }

    private static String reason(IOException e) {
        return e instanceof NoSuchFileException ? "its directory does not exist"
                : e instanceof AccessDeniedException ? "permission denied" : String.valueOf(e.getMessage());
    }

    /** How long a signal waits for the summary of a capture read from a pipe. */
    private static final long SUMMARY_AFTER_SIGNAL_MS = 3000;

    /**
     * Ctrl-C on `tcpdump -w - | tcplab analyze -` reaches tcpdump too, which exits and closes the pipe: the
     * analysis then reads to that end and prints the summary of what came, as tcpdump prints its counts.
     * The JVM would exit at once on the signal; this hook holds it until then (at most 3 s).
     */
    private static Thread waitForTheSummaryOnSignal(CountDownLatch reported) {
        Thread hook = new Thread(() -> {
            try {
                reported.await(SUMMARY_AFTER_SIGNAL_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "tcplab-summary-on-signal");
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    private int analyze(OutputStream results) throws IOException {
        CountDownLatch reported = new CountDownLatch(1);
        Thread summaryOnSignal = fromStdin() ? waitForTheSummaryOnSignal(reported) : null;
        try {
            return readAndReport(results);
        } finally {
            reported.countDown();
            if (summaryOnSignal != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(summaryOnSignal);
                } catch (IllegalStateException shuttingDown) {
                    // a signal came: the hook is running, and lets the JVM end now that all is said
                }
            }
        }
    }

    private int readAndReport(OutputStream results) throws IOException {
        OutputStream out = new BufferedOutputStream(results, 1 << 16);
        PrintWriter text = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), false);
        Pictures pictures = new Pictures(lang, eventChoice);
        AnalysisJson json = format != Format.json ? null : fromStdin() ? new AnalysisJson(out).endingEachLine()
                : new AnalysisJson(out);
        AnalysisSink sink = switch (format) {
            case json -> summaryOnly ? AnalysisSink.withoutSegments(json) : json;
            case text -> summaryOnly ? new SummaryTable(text, lang)
                    : Selection.tee(new AnalysisLadder(text, absolute, lang), new SummaryTable(text, lang));
            case svg, html -> pictures;
        };
        AnalysisStats stats;
        boolean drawing = format == Format.svg || format == Format.html;
        // Only when asked for (it would be one more call for every segment); pictures choose for themselves.
        EventSelection eventSelection = eventChoice == null || drawing ? null : new EventSelection(sink, eventChoice);
        AnalysisSink shown = eventSelection == null ? sink : eventSelection;
        // A live run's faults sit beside its capture; a capture from a pipe has nothing beside it.
        Selection selection = new Selection(fromStdin() ? shown : FaultAnnotations.around(shown, file), conns, ports);
        Runnable flushSoFar = () -> {
            if (json != null) {
                json.flush();
            }
            text.flush();
            try {
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        try (CaptureReader reader = fromStdin()
                ? CaptureReader.of(Channels.newChannel(new FlushBeforeWaiting(rawIn, flushSoFar)), name)
                : CaptureReader.open(file)) {
            long size = fromStdin() ? 0 : Files.size(file);
            ProgressBar bar = new ProgressBar(err, size, ProgressBar.stderrIsTerminal() && size > (64L << 20));
            stats = new Analyzer(selection).run(reader,
                    position -> {
                        bar.accept(position);
                        ClosedOutput.check(text);
                    });
            bar.done();
            text.flush();
            out.flush();
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
        String missing = stats.problem == null ? selection.missing(stats) : null;
        if (missing != null) {
            err.println("tcplab: " + name + ": " + missing);
            return ExitCodes.USAGE;
        }
        String noneSeen = null;
        if (eventSelection != null) {
            noneSeen = eventSelection.noneSeen();
        } else if (eventChoice != null && drawing && pictures.pictures().isEmpty() && stats.tcpSegments > 0) {
            noneSeen = eventChoice.noneSeen(); // no connection had one, so none was kept to draw
        }
        if (noneSeen != null) {
            err.println("tcplab: " + name + ": " + noneSeen + (conns.isEmpty() && ports.isEmpty() ? ""
                    : " in the connections chosen") + (drawing ? ": nothing to draw" : ""));
        }
        if (drawing && noneSeen == null) {
            int code = draw(pictures, out);
            if (code != ExitCodes.OK) {
                return code;
            }
        }
        if (stats.problem != null) {
            err.println("tcplab: " + name + ": " + stats.problem + (stats.packets == 0 ? "; no packet came before it"
                    : stats.packets == 1 ? "; the packet before that point is reported above"
                    : "; the " + stats.packets + " packets before that point are reported above"));
            return ExitCodes.USAGE;
        }
        if (stats.skipped() > 0) {
            err.println("tcplab: " + name + ": " + stats.skipped() + " of " + stats.packets
                    + " packets could not be analysed (see the summary); the rest are reported");
            return ExitCodes.USAGE;
        }
        return ExitCodes.OK;
    }
}
