package dev.tcplab.lab;

import dev.tcplab.endpoint.TcpState;
import dev.tcplab.host.CoreOfItsOwn;
import dev.tcplab.host.LoopPriority;
import dev.tcplab.host.Privileges;
import dev.tcplab.host.WallClock;
import dev.tcplab.link.FrameLink;
import dev.tcplab.link.SegmentLink;
import dev.tcplab.netns.KernelPeer;
import dev.tcplab.netns.SockDiag;
import dev.tcplab.text.Text;
import dev.tcplab.trace.TraceSink;
import dev.tcplab.wire.HostPort;
import dev.tcplab.wire.MacAddress;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

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
    static final int REHEARSALS = Integer.getInteger("tcplab.rehearsals", 2000);
    static final long REHEARSAL_LIMIT_MS = 3000;
    /** How long Ctrl-C waits for the live loop to leave libpcap before the handles close. */
    static final long STOP_WAIT_MS = 1000;

    private final ConnectOptions opt;
    private final TraceSink trace;
    private final PrintWriter info;
    private Text.Lang lang = Text.Lang.en;
    private Map<TcpState, String> kernelStates = Map.of();
    private LabLink lab;
    private KernelPeer kernelPeer;
    private SockDiag diag;
    /** The peer firewall's loss counter after the previous connection of a --repeat run. */
    private long firewallDropsBefore;

    /** A peer agent on the peer's machine (two-machine labs), and what its server should do; or null. */
    private HostPort agent;
    private PeerOptions agentPeer = PeerOptions.DEFAULT;
    private KernelView.Lookup kernelLookup;

    /** What the endpoint's application does; null for `connect`'s own (send, await the echo, close). */
    private final Supplier<LiveSession.Script> application;

    public ConnectRun(ConnectOptions opt, TraceSink trace, PrintWriter info) {
        this(opt, trace, info, null);
    }

    /** With another application than connect's echo script: a replayed recording, for one. */
    public ConnectRun(ConnectOptions opt, TraceSink trace, PrintWriter info, Supplier<LiveSession.Script> application) {
        this.opt = opt;
        this.trace = trace;
        this.info = info;
        this.application = application;
    }

    /** The language of the lines that say what was built (English by default); the ladder's is its renderer's. */
    public ConnectRun inLanguage(Text.Lang lang) {
        this.lang = lang;
        return this;
    }

    /**
     * On a real interface: start the peer's server through the {@link PeerAgent} at {@code agentAddress}
     * with {@code peer}'s behaviour, and read its socket states from there.
     */
    public ConnectRun withAgent(HostPort agentAddress, PeerOptions peer) {
        this.agent = agentAddress;
        this.agentPeer = peer;
        return this;
    }

    /** The kernel peer's socket state (sock_diag, or ss), keyed by our state at the time (lab network only). */
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
        Rehearsal rehearsal = Rehearsal.start(REHEARSALS);
        try (Cleanup cleanup = new Cleanup()) {
            LabLink lab = LabLink.open(new LabLink.Setup(opt.iface(), opt.peer(), opt.src(), opt.peerPort(), sport,
                    sport + opt.repeat() - 1, opt.rstGuard(), opt.capture(), opt.faults(), opt.peerOptions(), true),
                    cleanup, info, lang);
            HostPort us = new HostPort(lab.ourAddress, sport);
            HostPort peer = lab.peer;
            String peerNs = lab.peerNamespace;
            FrameLink link = lab.frames;
            MacAddress ourMac = lab.ourMac;
            this.lab = lab;
            this.kernelPeer = lab.kernelPeer;
            this.diag = lab.diag;
            kernelLookup = peerNs != null ? KernelView.inNamespace(peerNs, diag) : null;
            if (agent != null && opt.iface() != null) {
                RemotePeer remote = RemotePeer.connect(agent);
                cleanup.add(remote);
                remote.start(PeerRequest.server(peer.port(), agentPeer));
                kernelLookup = remote;
            }
            rehearsal.finish(REHEARSAL_LIMIT_MS);
            // From here on the live loop runs on this thread; no other thread of ours may take its core.
            cleanup.add(CoreOfItsOwn.forThisThread());
            LoopPriority.raiseForThisThread(); // only if asked
            long start = WallClock.epochNanos();
            MacAddress peerMac = null;
            ConnectOutcome outcome = null;
            for (int i = 0; i < opt.repeat(); i++) {
                HostPort me = new HostPort(us.addr(), us.port() + i);
                SegmentLink segments = new SegmentLink(link, ourMac, me, peer);
                LiveSession session = new LiveSession(segments, opt.tcp(), me, peer, ISN::nextInt, trace, start);
                cleanup.addStopper(() -> session.interruptAndWait(STOP_WAIT_MS));
                if (peerMac == null) {
                    peerMac = segments.resolvePeer(ARP_TRIES, ARP_WAIT);
                    session.note(Text.of("ARP: " + peer.addr() + " is at " + peerMac + "; we are " + us.addr() + " at " + ourMac,
                            "ARP：" + peer.addr() + " 的 MAC 地址是 " + peerMac + "；我们是 " + us.addr() + "，MAC 地址 " + ourMac));
                } else {
                    segments.assumePeerMac(peerMac);
                }
                if (opt.repeat() > 1) {
                    session.note(Text.of("connection " + (i + 1) + " of " + opt.repeat() + ", from port " + me.port(),
                            "第 " + (i + 1) + " 个连接，共 " + opt.repeat() + " 个，源端口 " + me.port()));
                }
                outcome = runOne(session, me, peer, i + 1);
                if (!outcome.complete(opt.expectedBack())) {
                    break;
                }
            }
            return outcome;
        } finally {
            trace.finish();
        }
    }

    /** One connection's life: open, echo, close; the kernel's view asked at the textbook moments. */
    private ConnectOutcome runOne(LiveSession session, HostPort me, HostPort peer, int number) {
        LiveSession.Script script = application != null ? application.get()
                : new ConnectScript(opt.payload(), opt.expectedBack().length, opt.echoWait().toNanos(),
                        opt.hold().toNanos(), opt.peerOptions().sendBytes() > 0).readingLate(opt.readDelay().toNanos())
                        .readingSlowly(opt.readRate());
        KernelView view = null;
        if (kernelLookup != null) {
            view = new KernelView(script, kernelLookup, me, peer, EnumSet.of(TcpState.ESTABLISHED, TcpState.FIN_WAIT_2,
                    TcpState.CLOSING, TcpState.TIME_WAIT, TcpState.LAST_ACK, TcpState.CLOSED));
            script = view;
        }
        boolean finished = session.run(script, opt.timeout().toNanos());
        if (!finished) {
            session.note(session.whyStopped(opt.timeout()));
        }
        if (view != null) {
            kernelStates = Map.copyOf(view.answers());
        }
        String peerSent = opt.peerOptions().sendBytes() > 0 && kernelPeer != null ? kernelPeer.sentDigest() : null;
        if (opt.peerOptions().lossPercent() > 0) {
            long total = lab.droppedByPeerFirewall(); // a counter over the whole run: this connection's share
            if (total >= 0) {
                session.tally().droppedByPeer(total - firewallDropsBefore);
                firewallDropsBefore = total;
            }
        }
        Text tally = session.tally().description();
        session.note(Text.of("transfer: " + tally.en(), "传输：" + tally.zh()));
        return new ConnectOutcome(session.reachedEstablished(), session.connection().state(),
                session.connection().closeText(), session.received(), !finished,
                opt.capture(), number, session.receivedCount(), session.receivedSha256(), peerSent, session.tally(),
                AskedEnding.of(opt.peerOptions(), opt.tcp(), opt.faults()));
    }

    /** Beside the capture: runs/connect-X.pcap → runs/connect-X.pcap.faults.jsonl. */
    public static java.nio.file.Path faultRecordPath(java.nio.file.Path capture) {
        return LabLink.faultRecordPath(capture);
    }
}
