package dev.tcplab.cli;

import dev.tcplab.lab.RstGuard;
import dev.tcplab.lab.exercises.Exercise;
import dev.tcplab.lab.exercises.ExerciseRunner;
import dev.tcplab.lab.exercises.Exercises;
import dev.tcplab.text.Text;
import dev.tcplab.trace.AsyncTraceSink;
import dev.tcplab.trace.JsonLinesRenderer;
import dev.tcplab.trace.LadderRenderer;
import dev.tcplab.trace.PictureRecorder;
import dev.tcplab.trace.TraceSink;
import dev.tcplab.wire.HostPort;
import dev.tcplab.wire.Ipv4Address;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "lab", mixinStandardHelpOptions = true,
        description = {"Guided exercises, one per claim of the seed notes, and two beyond them (window: flow control; "
                + "loss: retransmission).",
                "An explanation, the live run with the ladder and the kernel's own state beside ours, then checks "
                + "printed as PASS/FAIL with the numbers seen."},
        footerHeading = "%nExamples:%n",
        footer = {"  tcplab lab list                      the exercises",
                "  sudo tcplab lab handshake            one exercise in the lab network",
                "  sudo tcplab lab time-wait --lang zh  in Chinese: the explanation, the ladder's reasons, the checks",
                "  sudo tcplab lab all                  every exercise in a row (a machine's readiness check)",
                "%nExit codes: 0 every check passed; 1 a check failed; 2 usage; 3 environment (root, libpcap)."})
public final class LabCommand implements Callable<Integer> {

    enum Format { ladder, json, quiet, svg, html }

    @Parameters(paramLabel = "NAME", completionCandidates = ExerciseNames.class,
            description = "An exercise (see 'list'), 'all', or 'list'.")
    String name;

    /** What NAME takes, for tab completion (tcplab completion). */
    static final class ExerciseNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            List<String> names = new java.util.ArrayList<>(List.of("list", "all"));
            Exercises.all().forEach(e -> names.add(e.name()));
            return names.iterator();
        }
    }

    @Option(names = "--lang", paramLabel = "en|zh", description = "Language of the explanations, the ladder's reasons and "
            + "remarks, and the checks (default: zh where the locale is Chinese, such as LANG=zh_CN.UTF-8, else en).")
    Text.Lang lang = Text.Lang.ofEnvironment(System.getenv());

    @Option(names = "--format", paramLabel = "FMT", description = "Output: ladder (default), json (JSON lines alone on standard output, a 'run' object before each run's "
            + "lines and a 'check' object per check; the explanation and the checks in words on standard error), quiet "
            + "(no segment lines), or svg / html: a picture beside each run's capture.")
    Format format = Format.ladder;

    @Option(names = "--iface", paramLabel = "IF", description = "A real interface instead of the lab network (with --peer).")
    String iface;

    @Option(names = "--peer", paramLabel = "ADDR:PORT", description = "The peer on --iface ('tcplab peer agent' or 'peer listen' there).")
    String peer;

    @Option(names = "--agent", paramLabel = "ADDR[:PORT]", description = "The peer machine's agent (run 'tcplab peer "
            + "agent' there): it gives each run the peer it needs and reports the peer's socket states; port "
            + dev.tcplab.lab.PeerAgent.DEFAULT_PORT + " if not given.")
    String agent;

    @Option(names = "--src", paramLabel = "ADDR", description = "Our address on --iface.")
    String src;

    @Option(names = "--rst-guard", paramLabel = "MODE", completionCandidates = LiveOptions.RstGuardModes.class,
            description = "How the host kernel is kept from sending RST: address (default), firewall or none; "
                    + "see connect --help.")
    RstGuard rstGuard = RstGuard.ADDRESS;

    @Option(names = "--debug", description = "Show stack traces of errors.")
    boolean debug;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (name.equals("list")) {
            for (Exercise e : Exercises.all()) {
                out.printf("  %-10s %s%n", e.name(), e.title().in(lang));
            }
            out.flush();
            return ExitCodes.OK;
        }
        if ((iface == null) != (peer == null)) {
            throw new IllegalArgumentException("--iface and --peer go together: name both, or neither for the lab network");
        }
        if (agent != null && iface == null) {
            throw new IllegalArgumentException("--agent is for a peer on another machine (with --iface and --peer); "
                    + "the lab network's peer needs none");
        }
        List<Exercise> chosen = new ArrayList<>();
        if (name.equals("all")) {
            chosen.addAll(Exercises.all());
        } else {
            chosen.add(Exercises.named(name).orElseThrow(() -> new IllegalArgumentException("no exercise named '"
                    + name + "'; tcplab lab list names them")));
        }
        // With JSON, standard output carries the JSON lines alone (for jq or a file), and the explanation,
        // the checks and the run's other lines go to standard error, which a terminal shows beside them.
        PrintWriter prose = format == Format.json ? spec.commandLine().getErr() : out;
        BiFunction<PrintWriter, Path, TraceSink> ladder = switch (format) {
            case ladder -> (w, capture) -> new AsyncTraceSink(new LadderRenderer(w, false, lang));
            case json -> (w, capture) -> new AsyncTraceSink(new JsonLinesRenderer(out));
            case quiet -> (w, capture) -> e -> { };
            case svg, html -> (w, capture) -> {
                String name = capture.getFileName().toString().replaceFirst("\\.pcap$", "");
                Path picture = capture.resolveSibling(name + "." + format);
                w.println((lang == Text.Lang.zh ? "图片：" : "picture: ") + picture);
                return new PictureRecorder(picture, format == Format.svg ? PictureRecorder.Kind.SVG
                        : PictureRecorder.Kind.HTML, "tcplab lab " + name, lang);
            };
        };
        ExerciseRunner runner = new ExerciseRunner(new ExerciseRunner.Setup(iface, peer == null ? null : HostPort.parse(peer), agentAddress(),
                src == null ? null : Ipv4Address.parse(src), rstGuard, lang, ladder), prose, spec.commandLine().getErr());
        if (format == Format.json) {
            runner.reportingTo(new JsonLabReport(out, lang));
        }
        List<String> failed = new ArrayList<>();
        for (Exercise e : chosen) {
            if (!runner.run(e).passed()) {
                failed.add(e.name());
            }
        }
        if (chosen.size() > 1) {
            Text verdict = failed.isEmpty()
                    ? Text.of("all " + chosen.size() + " exercises passed", "全部 " + chosen.size() + " 个练习都通过了")
                    : Text.of("failed: " + failed, "未通过：" + failed);
            prose.println(verdict.in(lang));
            prose.flush();
        }
        return failed.isEmpty() ? ExitCodes.OK : ExitCodes.CHECK_FAILED;
    }

    /** --agent ADDR or ADDR:PORT; null without it. */
    private HostPort agentAddress() {
        if (agent == null) {
            return null;
        }
        return dev.tcplab.lab.PeerAgent.addressOf(agent);
    }
}
