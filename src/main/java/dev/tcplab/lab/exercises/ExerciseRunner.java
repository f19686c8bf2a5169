package dev.tcplab.lab.exercises;

import dev.tcplab.endpoint.TcpConfig;
import dev.tcplab.lab.ConnectOptions;
import dev.tcplab.lab.ConnectRun;
import dev.tcplab.lab.ConnectScript;
import dev.tcplab.lab.ListenOptions;
import dev.tcplab.lab.ListenRun;
import dev.tcplab.lab.LiveSession;
import dev.tcplab.lab.OldDuplicateSyn;
import dev.tcplab.lab.PeerOptions;
import dev.tcplab.lab.RstGuard;
import dev.tcplab.lab.RunCaptures;
import dev.tcplab.text.Text;
import dev.tcplab.trace.TraceEvent;
import dev.tcplab.trace.TraceSink;
import dev.tcplab.wire.HostPort;
import dev.tcplab.wire.Ipv4Address;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Runs an exercise: prints its explanation, makes each live run (with the ladder, the kernel's
 * own state beside ours, and a capture), then prints the checks as PASS/FAIL with what was seen.
 */
public final class ExerciseRunner {

    /**
     * Where the runs go: the embedded lab network (iface null), or a real interface and peer.
     *
     * @param ladder a renderer for each run's events (the ladder, JSON lines, a picture beside the
     *               run's capture, or nothing), given the output and the capture's path
     */
    public record Setup(String iface, HostPort peer, HostPort agent, Ipv4Address src, RstGuard rstGuard,
                        Text.Lang lang, BiFunction<PrintWriter, Path, TraceSink> ladder) {
    }

    private final Setup setup;
    private final PrintWriter out;
    private final PrintWriter info;
    private LabReport report = LabReport.NONE;

    public ExerciseRunner(Setup setup, PrintWriter out, PrintWriter info) {
        this.setup = setup;
        this.out = out;
        this.info = info;
    }

    /** Also tells {@code r} of each run, check and verdict (lab --format json). */
    public ExerciseRunner reportingTo(LabReport r) {
        this.report = r;
        return this;
    }

    /** What an exercise's runs left behind, and its checks. */
    public record Result(List<Timeline> timelines, List<Check> checks) {
        public boolean passed() {
            return allPassed(checks);
        }
    }

    public Result run(Exercise ex) {
        Text.Lang lang = setup.lang();
        String colon = lang == Text.Lang.zh ? "：" : ": ";
        out.println("== " + ex.name() + colon + ex.title().in(lang));
        out.println();
        out.println(ex.intro().in(lang));
        out.println();
        List<Timeline> timelines = new ArrayList<>();
        int n = 0;
        for (LabRun run : ex.runs()) {
            n++;
            out.printf("-- %s %d/%d%s%s%n", lang == Text.Lang.zh ? "运行" : "run", n, ex.runs().size(), colon,
                    run.label().in(lang));
            out.flush();
            Path capture = RunCaptures.writable(RunCaptures.fresh("lab-" + ex.name() + "-" + n), false);
            report.run(ex.name(), n, ex.runs().size(), run.label(), capture);
            timelines.add(execute(run, capture));
            out.println();
        }
        List<Check> checks = ex.checks(timelines);
        out.println(lang == Text.Lang.zh ? "-- 检查" : "-- checks");
        for (Check c : checks) {
            out.printf("%s  %s%n      %s%n", c.passed() ? "PASS" : "FAIL", c.claim().in(lang), c.observed().in(lang));
            report.check(ex.name(), c);
        }
        report.exercise(ex.name(), allPassed(checks));
        Text after = ex.afterword();
        if (after != null) {
            out.println();
            out.println(after.in(lang));
        }
        out.println();
        for (Timeline t : timelines) {
            out.println((lang == Text.Lang.zh ? "抓包文件：" : "capture: ") + t.capture());
        }
        out.flush();
        return new Result(List.copyOf(timelines), checks);
    }

    private Timeline execute(LabRun run, Path capture) {
        List<TraceEvent> events = Collections.synchronizedList(new ArrayList<>());
        TraceSink trace = TraceSink.both(setup.ladder().apply(out, capture), events::add);
        TcpConfig tcp = TcpConfig.defaults().withMsl(run.msl());
        PeerOptions peer = run.peer();
        PeerOptions agentPeer = PeerOptions.DEFAULT;
        if (setup.iface() != null) {
            // The peer is another machine: its tcplab peer agent gives it this run's behaviour, or,
            // without one, the person running the lab has to.
            if (setup.agent() != null) {
                agentPeer = peer;
            } else if (!peer.equals(PeerOptions.DEFAULT)) {
                info.println("tcplab: on a real interface without --agent, tcplab cannot set up the peer machine; "
                        + "for this run it should " + peerNeeds(peer) + ", or the checks will say what happened "
                        + "instead");
            }
            peer = PeerOptions.DEFAULT;
        }
        if (run.weListen()) {
            ListenOptions opt = new ListenOptions(setup.iface(), setup.peer(), setup.src(), 8080, run.payload(), tcp,
                    setup.rstGuard(), capture, run.timeout(), run.closeDelay(), run.faults(), peer);
            new ListenRun(opt, trace, info).inLanguage(setup.lang()).withAgent(setup.agent(), agentPeer).execute();
        } else {
            ConnectOptions opt = new ConnectOptions(setup.iface(), setup.peer(), setup.src(), 0, 7, run.payload(), tcp,
                    setup.rstGuard(), capture, run.timeout(), Duration.ofSeconds(2), 1, run.hold(), run.faults(), peer,
                    run.readDelay()).withReadRate(run.readRate());
            java.util.function.Supplier<LiveSession.Script> application = !run.oldDuplicateSynFirst() ? null
                    : () -> new OldDuplicateSyn(new ConnectScript(run.payload(), run.payload().length,
                            Duration.ofSeconds(2).toNanos(), run.hold().toNanos(), false));
            new ConnectRun(opt, trace, info, application).inLanguage(setup.lang()).withAgent(setup.agent(), agentPeer)
                    .execute();
        }
        synchronized (events) {
            return new Timeline(new ArrayList<>(events), capture);
        }
    }

    /** What a run needs of a peer on another machine, in the words of the commands that give it. */
    static String peerNeeds(PeerOptions p) {
        List<String> needs = new ArrayList<>();
        if (!p.closeDelay().isZero()) {
            needs.add("close late (tcplab peer listen --close-delay " + p.closeDelay().toMillis() + "ms)");
        }
        if (!p.readDelay().isZero()) {
            needs.add("read late (tcplab peer listen --read-delay " + p.readDelay().toMillis() + "ms)");
        }
        if (p.readRate() > 0) {
            needs.add("read slowly (tcplab peer listen --read-rate " + p.readRate() + "B/s)");
        }
        if (p.sendBytes() > 0) {
            needs.add("send a stream and close (tcplab peer listen --send-bytes " + p.sendBytes() + ")");
        }
        if (p.discard()) {
            needs.add("keep what arrives and send nothing back (tcplab peer listen --discard)");
        }
        if (p.keepalive() != null) {
            needs.add("probe with keepalive " + p.keepalive().idleSeconds() + "," + p.keepalive().intervalSeconds() + ","
                    + p.keepalive().count() + " (sysctl net.ipv4.tcp_keepalive_time/intvl/probes there, and an"
                    + " application that sets SO_KEEPALIVE)");
        }
        p.sysctls().forEach((k, v) -> needs.add("have " + k + "=" + v + " (sysctl -w there)"));
        if (p.closeFirst()) {
            needs.add("close first, right after its echo");
        }
        return needs.isEmpty() ? "behave as " + p : String.join("; ", needs);
    }

    /** All checks passed. */
    public static boolean allPassed(List<Check> checks) {
        return !checks.isEmpty() && checks.stream().allMatch(Check::passed);
    }
}
