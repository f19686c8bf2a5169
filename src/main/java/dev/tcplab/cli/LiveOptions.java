package dev.tcplab.cli;

import dev.tcplab.endpoint.TcpConfig;
import dev.tcplab.lab.RstGuard;
import dev.tcplab.lab.RunCaptures;
import dev.tcplab.lab.WritablePlace;
import dev.tcplab.link.FaultRule;
import dev.tcplab.text.Text;
import dev.tcplab.trace.AsyncTraceSink;
import dev.tcplab.trace.JsonLinesRenderer;
import dev.tcplab.trace.LadderRenderer;
import dev.tcplab.trace.PictureRecorder;
import dev.tcplab.trace.TraceSink;
import dev.tcplab.wire.HostPort;
import dev.tcplab.wire.Ipv4Address;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

/** The options every live command shares: where to run, the TCP's timers, faults, output. */
final class LiveOptions {
    @Option(names = "--iface", paramLabel = "IF", description = "Use this real interface instead of the lab network.")
    String iface;

    @Option(names = "--peer", paramLabel = "ADDR:PORT", description = "The peer on --iface.")
    String peer;

    @Option(names = "--src", paramLabel = "ADDR",
            description = "Our address on --iface: an unused one (default guard), or the interface's own (firewall).")
    String src;

    @Option(names = "--rst-guard", paramLabel = "MODE", defaultValue = "address", completionCandidates = RstGuardModes.class,
            description = "How the host kernel is kept from sending RST: address (an address no kernel interface "
                    + "owns; default), firewall (the kernel's own address + an iptables DROP rule, removed on exit), "
                    + "or none (to see the RST kill the connection).")
    RstGuard rstGuard;

    /** The modes as the help writes them (the enum's names are upper case; the option takes either). */
    static final class RstGuardModes implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return List.of("address", "firewall", "none").iterator();
        }
    }

    @Option(names = "--msl", paramLabel = "DURATION", defaultValue = "1s", converter = DurationConverter.class,
            description = "Maximum segment lifetime; TIME_WAIT lasts 2×MSL. Default ${DEFAULT-VALUE} for the lab; "
                    + "RFC 9293's is 2m.")
    Duration msl;

    @Option(names = "--syn-retries", paramLabel = "N", defaultValue = "4",
            description = "SYN (or SYN+ACK) retransmissions before giving up (default ${DEFAULT-VALUE}; Linux: 6).")
    int synRetries;

    @Option(names = "--rto", paramLabel = "DURATION", defaultValue = "1s", converter = DurationConverter.class,
            description = "Initial retransmission timeout (RFC 6298: ${DEFAULT-VALUE}); doubles on each retry.")
    Duration rto;

    @Option(names = "--keepalive", paramLabel = "IDLE,INTERVAL,COUNT", arity = "0..1", fallbackValue = "2h,75s,10",
            description = "Our own keep-alive: a probe after IDLE without a segment, then every INTERVAL; after COUNT "
                    + "unanswered probes the connection is aborted. Alone: the textbooks' 2h,75s,10 (the seed notes "
                    + "write 75 minutes, a slip; Linux: 7200 s, 75 s, 9). Lab-sized: --keepalive=2s,1s,3.")
    String keepalive;

    // picocli formats descriptions with String.format: a percent sign is written %%.
    @Option(names = "--drop", paramLabel = "WAY:KIND[:N|all|P%]",
            description = "Lose a segment on the link, e.g. out:final-ack (our last ACK of the close), in:syn-ack, "
                    + "out:third-ack:all, in:data:3, in:data:10%% (each with a 10 %% chance). KIND: any, syn, syn-ack, "
                    + "third-ack, data, fin, final-ack, ack, rst, keepalive. N counts from 1 (default 1). Repeatable.")
    List<String> drops = new ArrayList<>();

    @Option(names = "--delay", paramLabel = "WAY:KIND[:N|all|P%]:TIME",
            description = "Hold a segment back, e.g. in:data:1:300ms, out:data:5%%:30ms, or out:fin:1:until-fin (our "
                    + "FIN until the peer's has come, at most 10 s: the two cross). Repeatable.")
    List<String> delays = new ArrayList<>();

    @Option(names = "--dup", paramLabel = "WAY:KIND[:N|all|P%]", description = "Send or deliver a segment twice. "
            + "Repeatable.")
    List<String> dups = new ArrayList<>();

    @Option(names = "--peer-sysctl", paramLabel = "KEY=VALUE",
            description = "A net.* sysctl set inside the lab's peer namespace only, e.g. "
                    + "net.ipv4.tcp_synack_retries=2. Repeatable.")
    Map<String, String> peerSysctls = new LinkedHashMap<>();

    @Option(names = "--delayed-ack", description = "ACK every second segment or after 40 ms, and segments that "
            + "arrived together with one ACK (up to 16, as Linux's GRO does), as stacks do for bulk data "
            + "(default: every segment, so the ladder shows each ACK).")
    boolean delayedAck;

    @Option(names = "--window", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "Our receive buffer, the most window we offer: 1KB to 8MB (default 256KiB). The "
                    + "sender can have no more than SIZE in flight, and when our application does not keep up, our "
                    + "window shuts after SIZE bytes. As a buffer set with SO_RCVBUF on Linux, it sets our window "
                    + "scale (below 128 KiB none, and the window offered in whole segments).")
    Long window;

    /** Bounds of --window: below a segment or two the window is all silly; 8 MB takes a window scale of 7. */
    static final long MIN_WINDOW = 1000;
    static final long MAX_WINDOW = 8_000_000;

    @Option(names = "--absolute", description = "Print raw sequence numbers instead of relative ones.")
    boolean absolute;

    @Option(names = "--format", paramLabel = "FMT", defaultValue = "ladder",
            description = "Output: ladder (default), json (JSON lines, one event per line), quiet (state changes and "
                    + "remarks only: for bulk transfers), svg (a sequence diagram) or html (a page to step through); "
                    + "svg and html go to -o FILE, or beside the capture.")
    Format format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Where --format svg or html writes the "
            + "picture (the ladder and JSON go to standard output: redirect them).")
    Path output;

    /** The capture path chosen for this run, once {@link #capturePath} has been asked. */
    private Path chosenCapture;

    @Option(names = "--capture", paramLabel = "FILE", description = "Where to save the .pcap (default: "
            + "runs/COMMAND-TIME.pcap).")
    Path capture;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Give up on a connection after this long (default: 60s more than the waits asked for, "
                    + "such as a hold, a close delay or TIME_WAIT's 2×MSL).")
    Duration timeout;

    /** What --timeout gives a connection beyond its asked-for waits when it is not given. */
    static final Duration TIMEOUT_BEYOND_WAITS = Duration.ofSeconds(60);

    /** A wait the run was asked for, as a message names it: "--hold 5s", "TIME_WAIT (2 × --msl 2m)". */
    record Wait(String what, Duration length) {
    }

    /** TIME_WAIT's wait, 2×MSL, in the words of a message. */
    Wait timeWait() {
        return new Wait("TIME_WAIT (2 × --msl " + DurationConverter.text(msl) + ")", msl.multipliedBy(2));
    }

    /**
     * One connection's time limit. Without --timeout, 60 s beyond the waits, so that `--msl 2m` shows RFC
     * 9293's four minutes of TIME_WAIT without a --timeout of its own; a --timeout too short for them is
     * refused, since it would stop the run before the connection closes.
     */
    Duration connectionTimeout(Wait... waits) {
        Duration total = Duration.ZERO;
        for (Wait w : waits) {
            total = total.plus(w.length());
        }
        if (timeout == null) {
            return total.plus(TIMEOUT_BEYOND_WAITS);
        }
        if (total.compareTo(timeout) >= 0) {
            List<String> named = new ArrayList<>();
            for (Wait w : waits) {
                if (!w.length().isZero()) {
                    named.add(w.what());
                }
            }
            String take = named.size() == 1 ? " takes " : " together take ";
            throw new IllegalArgumentException(String.join(" and ", named) + take + DurationConverter.text(total) + ", which does not fit in --timeout "
                    + DurationConverter.text(timeout) + ": the run would stop before the connection closes; give a "
                    + "longer --timeout, or leave it out");
        }
        return timeout;
    }

    /** Timers of zero make no sense and are refused with the option's name (a zero RTO would resend at once). */
    private void checkTimers() {
        if (timeout != null && timeout.isZero()) {
            throw new IllegalArgumentException("--timeout must be longer than 0");
        }
        if (rto.isZero()) {
            throw new IllegalArgumentException("--rto must be longer than 0 (RFC 6298's initial RTO is 1s)");
        }
        if (synRetries < 0) {
            throw new IllegalArgumentException("--syn-retries must be 0 or more, got " + synRetries);
        }
    }

    @Option(names = "--debug", description = "Show stack traces of errors.")
    boolean debug;

    enum Format { ladder, json, quiet, svg, html }

    TcpConfig tcpConfig() {
        TcpConfig c = TcpConfig.defaults().withMsl(msl).withSynRetries(synRetries).withInitialRto(rto)
                .withDelayedAcks(delayedAck);
        if (window != null) {
            if (window < MIN_WINDOW || window > MAX_WINDOW) {
                throw new IllegalArgumentException("--window must be between 1KB and 8MB (a window scale of 7, "
                        + "the most we offer, announces up to 8,388,480 bytes), got " + window + " bytes");
            }
            c = c.withReceiveWindow(window.intValue());
        }
        return keepalive == null ? c : c.withKeepalive(parseKeepalive(keepalive));
    }

    /** "IDLE,INTERVAL,COUNT" with durations as people write them: 2h,75s,10 or 2s,1s,3. */
    static TcpConfig.Keepalive parseKeepalive(String text) {
        String[] p = text.split(",");
        if (p.length != 3) {
            throw new IllegalArgumentException("--keepalive takes IDLE,INTERVAL,COUNT, e.g. 2s,1s,3; got " + text);
        }
        DurationConverter d = new DurationConverter();
        try {
            return new TcpConfig.Keepalive(d.convert(p[0]), d.convert(p[1]), Integer.parseInt(p[2].trim()));
        } catch (NumberFormatException | picocli.CommandLine.TypeConversionException e) {
            throw new IllegalArgumentException("--keepalive takes IDLE,INTERVAL,COUNT, e.g. 2s,1s,3: " + e.getMessage());
        }
    }

    List<FaultRule> faults() {
        List<FaultRule> faults = new ArrayList<>();
        drops.forEach(d -> faults.add(FaultRule.parse(FaultRule.Action.DROP, d)));
        delays.forEach(d -> faults.add(FaultRule.parse(FaultRule.Action.DELAY, d)));
        dups.forEach(d -> faults.add(FaultRule.parse(FaultRule.Action.DUP, d)));
        return faults;
    }

    HostPort peerOrNull() {
        return peer == null ? null : HostPort.parse(peer);
    }

    /**
     * The client on --iface, for listen: ADDR, or ADDR:PORT when the client's port is known. Its port is
     * usually the client kernel's choice, so without one (or with 0) any port of that address is taken.
     */
    HostPort clientOrNull() {
        if (peer == null) {
            return null;
        }
        return peer.contains(":") ? HostPort.parse(peer) : new HostPort(Ipv4Address.parse(peer), 0);
    }

    Ipv4Address srcOrNull() {
        return src == null ? null : Ipv4Address.parse(src);
    }

    /** The capture's path: --capture, or runs/COMMAND-TIME.pcap. */
    Path capturePath(String command) {
        chosenCapture = RunCaptures.writable(capture != null ? capture : RunCaptures.fresh(command), capture != null);
        return chosenCapture;
    }

    /** Where a picture goes: -o, or the capture's path with .svg or .html. */
    Path picturePath(String extension) {
        if (output != null) {
            return WritablePlace.check(output, "the picture", "choose another place with -o FILE");
        }
        Path base = chosenCapture != null ? chosenCapture : Path.of("runs", "run.pcap");
        String name = base.getFileName().toString().replaceFirst("\\.pcap$", "");
        return base.resolveSibling(name + "." + extension);
    }

    /** The renderer chosen with --format, on its own thread, in English. */
    TraceSink trace(PrintWriter out) {
        return trace(out, Text.Lang.en);
    }

    /** The renderer chosen with --format, on its own thread; reasons and remarks in {@code lang} (JSON: English). */
    TraceSink trace(PrintWriter out, Text.Lang lang) {
        boolean picture = format == Format.svg || format == Format.html;
        Path picturePath = picture ? picturePath(format.name()) : null; // checked once, before the run
        TraceSink inner = switch (format) {
            case json -> new JsonLinesRenderer(out);
            case ladder -> new LadderRenderer(out, absolute, lang);
            case quiet -> TraceSink.withoutSegments(new LadderRenderer(out, absolute, lang));
            case svg -> new PictureRecorder(picturePath, PictureRecorder.Kind.SVG, "tcplab " + title(), lang);
            case html -> new PictureRecorder(picturePath, PictureRecorder.Kind.HTML, "tcplab " + title(), lang);
        };
        if (picture) {
            out.println((lang == Text.Lang.zh ? "图片：" : "picture: ") + picturePath);
            out.flush();
        }
        return new AsyncTraceSink(inner);
    }

    private String title() {
        return chosenCapture == null ? "run" : chosenCapture.getFileName().toString().replaceFirst("\\.pcap$", "");
    }

    /**
     * -o goes with a picture. The ladder and the JSON share standard output with a run's other lines (the
     * capture's path, the transfer), so -o would catch only part of them; it is refused rather than ignored.
     */
    void checkOutputOption() {
        if (output != null && format != Format.svg && format != Format.html) {
            throw new IllegalArgumentException("-o is where --format svg or html writes its picture; to keep the "
                    + format + " output, redirect standard output: ... > FILE");
        }
    }

    /**
     * Options that set up the lab network's kernel side ({@code labSide}: "peer", "client") have nothing to
     * set up on --iface, where {@code insteadOnIface} says who the other side is: refused, not ignored.
     */
    void refuseLabOnlyOnIface(ParseResult parsed, List<String> labOnly, String labSide, String insteadOnIface) {
        if (iface == null) {
            return;
        }
        List<String> given = labOnly.stream().filter(parsed::hasMatchedOption).toList();
        if (!given.isEmpty()) {
            throw new IllegalArgumentException(String.join(", ", given) + (given.size() == 1 ? " sets" : " set")
                    + " up the lab network's kernel " + labSide + "; on --iface " + insteadOnIface);
        }
    }

    void checkInterfaceOptions(String peerWord) {
        checkOutputOption();
        checkTimers();
        if (capture != null && Files.isDirectory(capture)) {
            throw new IllegalArgumentException("--capture " + capture + " is a directory; name the .pcap file to write, "
                    + "e.g. " + capture.resolve("run.pcap"));
        }
        if ((iface == null) != (peer == null)) {
            throw new IllegalArgumentException("--iface and --peer go together: name both, or neither for the lab "
                    + "network" + peerWord);
        }
        if (iface == null && src != null && rstGuard == RstGuard.ADDRESS) {
            throw new IllegalArgumentException("--src is for --iface; the lab network uses 10.77.1.1");
        }
    }
}
