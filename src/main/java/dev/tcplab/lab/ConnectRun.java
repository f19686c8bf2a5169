package dev.tcplab.lab;

import dev.tcplab.endpoint.TcpState;
import dev.tcplab.host.EnvironmentProblem;
import dev.tcplab.host.Privileges;
import dev.tcplab.host.Shell;
import dev.tcplab.link.FaultyFrameLink;
import dev.tcplab.link.FirewallRstGuard;
import dev.tcplab.link.FrameLink;
import dev.tcplab.link.PcapFrameLink;
import dev.tcplab.link.PcapWriter;
import dev.tcplab.link.RecordingFrameLink;
import dev.tcplab.link.SegmentLink;
import dev.tcplab.netns.KernelPeer;
import dev.tcplab.netns.LabNetwork;
import dev.tcplab.netns.Namespaces;
import dev.tcplab.trace.TraceSink;
import dev.tcplab.wire.HostPort;
import dev.tcplab.wire.Ipv4Address;
import dev.tcplab.wire.MacAddress;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One `tcplab connect`: set up the link (the embedded lab network with its kernel echo server, or
 * a real interface), guard against the host kernel's RSTs, run the connect script with the
 * capture recording, and take everything down again on every exit path.
 */
public final class ConnectRun {
    /** Above Linux's default ip_local_port_range (32768-60999), so the kernel never picks it too. */
    static final int PORT_MIN = 61000, PORT_MAX = 65000;
    private static final int ARP_TRIES = 3;
    private static final Duration ARP_WAIT = Duration.ofSeconds(1);
    private static final SecureRandom ISN = new SecureRandom();
    /** In-memory connections run while the network is built (Rehearsal); enough for C1 and most of C2. */
    private static final int REHEARSALS = Integer.getInteger("tcplab.rehearsals", 2000);
    private static final long REHEARSAL_LIMIT_MS = 3000;
    /** How long Ctrl-C waits for the live loop to leave libpcap before the handles close. */
    private static final long STOP_WAIT_MS = 1000;

    private final ConnectOptions opt;
    private final TraceSink trace;
    private final PrintWriter info;
    private Map<TcpState, String> kernelStates = Map.of();

    public ConnectRun(ConnectOptions opt, TraceSink trace, PrintWriter info) {
        this.opt = opt;
        this.trace = trace;
        this.info = info;
    }

    /** The kernel peer's socket state as `ss` reported it, keyed by our state at the time (embedded only). */
    public Map<TcpState, String> kernelStates() {
        return kernelStates;
    }

    public ConnectOutcome execute() {
        Privileges.requireNetworkAdmin(opt.embedded());
        int sport = opt.srcPort() != 0 ? opt.srcPort()
                : ThreadLocalRandom.current().nextInt(PORT_MIN, PORT_MAX - opt.repeat() + 2);
        if (sport + opt.repeat() - 1 > 0xffff) {
            throw new IllegalArgumentException("--sport " + sport + " with --repeat " + opt.repeat()
                    + " runs past port 65535");
        }
        Thread rehearsal = Rehearsal.start(REHEARSALS);
        try (Cleanup cleanup = new Cleanup()) {
            String ns;           // where the capture handle must live (null: here)
            String iface;
            HostPort us;
            HostPort peer;
            String peerNs = null;
            if (opt.embedded()) {
                for (String stale : LabNetwork.removeStale()) {
                    info.println("removed a stale lab namespace left by a killed run: " + stale);
                }
                LabNetwork net = LabNetwork.create();
                cleanup.add(net);
                ns = net.labNamespace();
                iface = net.labInterface();
                peerNs = net.peerNamespace();
                us = new HostPort(LabNetwork.USERSPACE_ADDR, sport);
                peer = new HostPort(LabNetwork.PEER_ADDR, opt.peerPort());
                for (var e : opt.peerOptions().sysctls().entrySet()) {
                    Shell.check("ip", "netns", "exec", peerNs, "sysctl", "-qw", e.getKey() + "=" + e.getValue());
                    info.println("peer namespace: " + e.getKey() + " = " + e.getValue());
                }
                cleanup.add(KernelPeer.echo(peerNs, opt.peerPort(), m -> { }, opt.peerOptions().closeDelay()));
                info.println("lab network: " + ns + " [" + iface + "] <-veth-> " + peerNs + " [" + net.peerInterface()
                        + "], kernel echo server on " + peer);
                if (opt.rstGuard().usesKernelAddress()) {
                    net.assignUserspaceAddressToKernel();
                }
            } else {
                ns = null;
                iface = opt.iface();
                peer = opt.peer();
                us = new HostPort(ourAddress(iface), sport);
                int stale = FirewallRstGuard.removeStale(null);
                if (stale > 0) {
                    info.println("removed " + stale + " firewall rule(s) left by a killed tcplab run");
                }
            }
            if (opt.rstGuard() == RstGuard.FIREWALL) {
                FirewallRstGuard guard = new FirewallRstGuard(ns, iface, us.addr(), us.port(),
                        us.port() + opt.repeat() - 1);
                guard.install();
                cleanup.add(guard);
                info.println("RST guard: " + guard.describe() + (ns != null ? "  (in " + ns + ")" : ""));
            } else if (opt.rstGuard() == RstGuard.NONE) {
                info.println("RST guard: none; " + us.addr() + " belongs to the kernel, which will answer the peer with RST");
            } else {
                info.println("RST guard: " + us.addr() + " belongs to no kernel interface; tcplab answers ARP for it");
            }

            String filter = SegmentLink.bpfFilter(us.addr(), peer);
            FrameLink pcap = ns == null ? PcapFrameLink.open(iface, filter)
                    : Namespaces.call(ns, () -> PcapFrameLink.open(iface, filter));
            FrameLink link = new RecordingFrameLink(pcap, new PcapWriter(opt.capture()));
            cleanup.add(link);
            info.println("capture: " + opt.capture().toAbsolutePath());
            if (!opt.faults().isEmpty()) {
                FaultRecord record = new FaultRecord(faultRecordPath(opt.capture()));
                cleanup.add(record);
                link = new FaultyFrameLink(link, opt.faults(), record::write);
                info.println("faults: " + opt.faults() + "; what they hit is listed in " + faultRecordPath(opt.capture()));
            }
            info.flush();

            MacAddress ourMac = opt.rstGuard().usesKernelAddress() ? kernelMac(ns, iface) : MacAddress.randomLocal();
            joinQuietly(rehearsal);
            long start = epochNanos();
            MacAddress peerMac = null;
            ConnectOutcome outcome = null;
            for (int i = 0; i < opt.repeat(); i++) {
                HostPort me = new HostPort(us.addr(), us.port() + i);
                SegmentLink segments = new SegmentLink(link, ourMac, me, peer);
                LiveSession session = new LiveSession(segments, opt.tcp(), me, peer, ISN::nextInt, trace, start);
                cleanup.addStopper(() -> session.interruptAndWait(STOP_WAIT_MS));
                if (peerMac == null) {
                    peerMac = segments.resolvePeer(ARP_TRIES, ARP_WAIT);
                    session.note("ARP: " + peer.addr() + " is at " + peerMac + "; we are " + us.addr() + " at " + ourMac);
                } else {
                    segments.assumePeerMac(peerMac);
                }
                if (opt.repeat() > 1) {
                    session.note("connection " + (i + 1) + " of " + opt.repeat() + ", from port " + me.port());
                }
                outcome = runOne(session, me, peerNs, i + 1);
                if (!outcome.complete(opt.payload())) {
                    break;
                }
            }
            return outcome;
        } finally {
            trace.finish();
        }
    }

    /** One connection's life: open, echo, close; the kernel's view asked at the textbook moments. */
    private ConnectOutcome runOne(LiveSession session, HostPort me, String peerNs, int number) {
        LiveSession.Script script = new ConnectScript(opt.payload(), opt.echoWait().toNanos(), opt.hold().toNanos());
        KernelView view = null;
        if (peerNs != null) {
            view = new KernelView(script, peerNs, me, EnumSet.of(TcpState.ESTABLISHED, TcpState.FIN_WAIT_2,
                    TcpState.TIME_WAIT, TcpState.LAST_ACK, TcpState.CLOSED));
            script = view;
        }
        boolean finished = session.run(script, opt.timeout().toNanos());
        if (!finished) {
            session.note("stopped after " + opt.timeout().toSeconds() + " s in " + session.connection().state()
                    + " (--timeout)");
        }
        if (view != null) {
            kernelStates = Map.copyOf(view.answers());
        }
        return new ConnectOutcome(session.reachedEstablished(), session.connection().state(),
                session.connection().closeReason(), opt.payload().length, session.received(), !finished,
                opt.capture(), number);
    }

    /** Beside the capture: runs/connect-X.pcap → runs/connect-X.pcap.faults.jsonl. */
    public static java.nio.file.Path faultRecordPath(java.nio.file.Path capture) {
        return capture.resolveSibling(capture.getFileName() + ".faults.jsonl");
    }

    private static void joinQuietly(Thread t) {
        try {
            t.join(REHEARSAL_LIMIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Our address on a real interface: --src, or with the firewall guard the interface's own. */
    private Ipv4Address ourAddress(String iface) {
        if (opt.rstGuard() == RstGuard.ADDRESS) {
            if (opt.src() == null) {
                throw new IllegalArgumentException("on a real interface, name an unused address on " + iface
                        + "'s subnet with --src (tcplab answers ARP for it), or use --rst-guard firewall to use "
                        + iface + "'s own address");
            }
            if (kernelOwns(opt.src())) {
                throw new IllegalArgumentException(opt.src() + " belongs to a kernel interface, which would answer "
                        + "the peer with RST: pick an unused address, or use --rst-guard firewall");
            }
            return opt.src();
        }
        if (opt.src() != null) {
            return opt.src();
        }
        List<Ipv4Address> mine = kernelAddressesOf(iface);
        if (mine.isEmpty()) {
            throw new EnvironmentProblem(iface + " has no IPv4 address for --rst-guard firewall: give one with --src.");
        }
        return mine.get(0);
    }

    private static final Pattern INET = Pattern.compile("inet (\\d+\\.\\d+\\.\\d+\\.\\d+)/");

    /** Whether the host kernel takes this address as its own: a "local" route, as for all of 127/8. */
    private static boolean kernelOwns(Ipv4Address a) {
        return Shell.run("ip", "-4", "route", "get", a.toString()).stdout().startsWith("local ");
    }

    private static List<Ipv4Address> kernelAddressesOf(String iface) {
        Shell.Result r = Shell.run("ip", "-4", "-o", "addr", "show", "dev", iface);
        if (!r.ok()) {
            throw new EnvironmentProblem("no interface named '" + iface + "' here: list them with 'ip -br link'.");
        }
        return parseInet(r.stdout());
    }

    private static List<Ipv4Address> parseInet(String text) {
        Matcher m = INET.matcher(text);
        List<Ipv4Address> out = new java.util.ArrayList<>();
        while (m.find()) {
            out.add(Ipv4Address.parse(m.group(1)));
        }
        return out;
    }

    /** With the firewall guard the frames must come from the kernel's own MAC, which owns the address. */
    private static MacAddress kernelMac(String ns, String iface) {
        String out = Shell.check(Shell.inNamespace(ns, "cat", "/sys/class/net/" + iface + "/address")
                .toArray(new String[0]));
        return MacAddress.parse(out.trim());
    }

    private static long epochNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
