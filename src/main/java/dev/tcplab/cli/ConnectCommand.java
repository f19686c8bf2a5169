package dev.tcplab.cli;

import dev.tcplab.endpoint.TcpConfig;
import dev.tcplab.lab.ConnectOptions;
import dev.tcplab.lab.ConnectOutcome;
import dev.tcplab.lab.ConnectRun;
import dev.tcplab.lab.PeerOptions;
import dev.tcplab.lab.RstGuard;
import dev.tcplab.link.FaultRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.tcplab.trace.AsyncTraceSink;
import dev.tcplab.trace.JsonLinesRenderer;
import dev.tcplab.trace.LadderRenderer;
import dev.tcplab.trace.TraceSink;
import dev.tcplab.wire.HostPort;
import dev.tcplab.wire.Ipv4Address;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "connect", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Active open, data and active close by tcplab's own TCP against a kernel peer.",
                "Without --iface, builds a throwaway lab network (two tcplab-* namespaces and a veth pair) with a",
                "kernel echo server, and removes it afterwards, also on Ctrl-C."},
        footerHeading = "%nWhat you see:%n",
        footer = {"  one line per segment: time, direction (──▶ ours, ◀── the kernel's), flags, seq and ack",
                "  relative to each side's ISN (the SYN is 0), payload length, window, our state after it.",
                "  Lines starting with · are state changes and remarks; 'kernel peer's socket' is what ss says.",
                "%nExit codes: 0 handshake, echo and close all happened; 1 they did not (refused, reset, timed out,",
                "  no ARP answer); 2 usage; 3 environment."})
final class ConnectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--iface", paramLabel = "IF", description = "Use this real interface instead of the lab network.")
    String iface;

    @Option(names = "--peer", paramLabel = "ADDR:PORT", description = "The peer on --iface.")
    String peer;

    @Option(names = "--src", paramLabel = "ADDR",
            description = "Our address on --iface: an unused one (default guard), or the interface's own (firewall).")
    String src;

    @Option(names = "--sport", paramLabel = "PORT", description = "Our port (default: random in 61000-65000,"
            + " above the kernel's ephemeral range).")
    int sport;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "7",
            description = "The kernel echo server's port in the lab network (default: ${DEFAULT-VALUE}).")
    int peerPort;

    @Option(names = "--send", paramLabel = "TEXT", defaultValue = "hello from tcplab\n",
            description = "Payload to send (default: a short line); the echo server sends it back.")
    String send;

    @Option(names = "--msl", paramLabel = "DURATION", defaultValue = "1s", converter = DurationConverter.class,
            description = "Maximum segment lifetime; TIME_WAIT lasts 2×MSL. Default ${DEFAULT-VALUE} for the lab; "
                    + "RFC 9293's is 2m.")
    Duration msl;

    @Option(names = "--syn-retries", paramLabel = "N", defaultValue = "4",
            description = "SYN retransmissions before giving up (default ${DEFAULT-VALUE}; Linux uses 6).")
    int synRetries;

    @Option(names = "--rto", paramLabel = "DURATION", defaultValue = "1s", converter = DurationConverter.class,
            description = "Initial retransmission timeout (RFC 6298: ${DEFAULT-VALUE}); doubles on each retry.")
    Duration rto;

    @Option(names = "--rst-guard", paramLabel = "MODE", defaultValue = "address",
            description = "How the host kernel is kept from sending RST: address (an address no kernel interface "
                    + "owns; default) or firewall (the kernel's own address + an iptables DROP rule, removed on exit).")
    RstGuard rstGuard;

    @Option(names = "--absolute", description = "Print raw sequence numbers instead of relative ones.")
    boolean absolute;

    @Option(names = "--format", paramLabel = "FMT", defaultValue = "ladder",
            description = "ladder (default) or json (JSON lines, one event per line).")
    Format format;

    @Option(names = "--capture", paramLabel = "FILE", description = "Where to save the .pcap (default: "
            + "runs/connect-TIME.pcap).")
    Path capture;

    @Option(names = "--hold", paramLabel = "DURATION", defaultValue = "0s", converter = DurationConverter.class,
            description = "Keep the connection open, idle, this long after the echo before closing.")
    Duration hold;

    @Option(names = "--drop", paramLabel = "WAY:KIND[:N|all]",
            description = "Lose a segment on the lab link, e.g. out:final-ack (our last ACK of the close), "
                    + "in:syn-ack, out:third-ack:all, in:data:3. KIND: any, syn, syn-ack, third-ack, data, fin, "
                    + "final-ack, ack, rst. N counts from 1 (default 1). Repeatable.")
    List<String> drops = new ArrayList<>();

    @Option(names = "--delay", paramLabel = "WAY:KIND[:N|all]:TIME",
            description = "Hold a segment back, e.g. in:data:1:300ms. Repeatable.")
    List<String> delays = new ArrayList<>();

    @Option(names = "--dup", paramLabel = "WAY:KIND[:N|all]", description = "Send or deliver a segment twice. "
            + "Repeatable.")
    List<String> dups = new ArrayList<>();

    @Option(names = "--peer-close-delay", paramLabel = "DURATION", defaultValue = "0s",
            converter = DurationConverter.class,
            description = "The kernel echo server waits this long after our FIN before closing: four segments, "
                    + "CLOSE_WAIT visible (default: closes at once, ACK and FIN merged).")
    Duration peerCloseDelay;

    @Option(names = "--peer-sysctl", paramLabel = "KEY=VALUE",
            description = "A net.* sysctl set inside the lab's peer namespace only, e.g. "
                    + "net.ipv4.tcp_synack_retries=2. Repeatable.")
    Map<String, String> peerSysctls = new LinkedHashMap<>();

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "1",
            description = "Make N connections in a row, each from the next port (new ISNs every time).")
    int repeat;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "60s", converter = DurationConverter.class,
            description = "Give up after this long (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--debug", description = "Show stack traces of errors.")
    boolean debug;

    enum Format { ladder, json }

    @Override
    public Integer call() {
        if ((iface == null) != (peer == null)) {
            throw new IllegalArgumentException("--iface and --peer go together: name both, or neither for the lab network");
        }
        if (iface == null && src != null && rstGuard == RstGuard.ADDRESS) {
            throw new IllegalArgumentException("--src is for --iface; the lab network uses 10.77.1.1");
        }
        Path pcap = capture != null ? capture : Path.of("runs", "connect-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".pcap");
        TcpConfig tcp = TcpConfig.defaults().withMsl(msl).withSynRetries(synRetries).withInitialRto(rto);
        byte[] payload = send.getBytes(StandardCharsets.UTF_8);
        List<FaultRule> faults = new ArrayList<>();
        drops.forEach(d -> faults.add(FaultRule.parse(FaultRule.Action.DROP, d)));
        delays.forEach(d -> faults.add(FaultRule.parse(FaultRule.Action.DELAY, d)));
        dups.forEach(d -> faults.add(FaultRule.parse(FaultRule.Action.DUP, d)));
        ConnectOptions opt = new ConnectOptions(iface, peer == null ? null : HostPort.parse(peer),
                src == null ? null : Ipv4Address.parse(src), sport, peerPort, payload, tcp, rstGuard, pcap, timeout,
                Duration.ofSeconds(2), repeat, hold, faults, new PeerOptions(peerCloseDelay, peerSysctls));
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        TraceSink trace = new AsyncTraceSink(format == Format.json ? new JsonLinesRenderer(out)
                : new LadderRenderer(out, absolute));
        ConnectOutcome o = new ConnectRun(opt, trace, err).execute();
        err.println(summary(o, payload));
        err.flush();
        return o.complete(payload) ? ExitCodes.OK : ExitCodes.CHECK_FAILED;
    }

    private static String summary(ConnectOutcome o, byte[] payload) {
        if (!o.established()) {
            return "no connection: " + o.closeReason() + (o.timedOut() ? " (stopped by --timeout)" : "")
                    + ". Capture: " + o.capture();
        }
        String echo = java.util.Arrays.equals(payload, o.received()) ? "echo matched (" + payload.length + " bytes)"
                : "echo incomplete (" + o.received().length + " of " + payload.length + " bytes)";
        String count = o.connections() > 1 ? o.connections() + " connections; last: " : "";
        return "done: " + count + echo + "; ended " + o.finalState() + " (" + o.closeReason() + "). Open the capture with: "
                + "wireshark " + o.capture();
    }
}
