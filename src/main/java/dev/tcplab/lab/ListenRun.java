package dev.tcplab.lab;

import dev.tcplab.endpoint.TcpState;
import dev.tcplab.host.CoreOfItsOwn;
import dev.tcplab.host.LoopPriority;
import dev.tcplab.host.Privileges;
import dev.tcplab.host.WallClock;
import dev.tcplab.link.SegmentLink;
import dev.tcplab.netns.KernelClient;
import dev.tcplab.text.Text;
import dev.tcplab.trace.TraceSink;
import dev.tcplab.wire.HostPort;
import dev.tcplab.wire.MacAddress;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.function.Function;

/**
 * One `tcplab listen`: the passive open. tcplab's endpoint waits in LISTEN; in the lab network a
 * kernel client connects, sends, reads the echo and closes first, so that our side goes through
 * SYN_RECEIVED, ESTABLISHED, CLOSE_WAIT and LAST_ACK while the kernel ends in TIME_WAIT.
 */
public final class ListenRun {
    private static final SecureRandom ISN = new SecureRandom();
    private static final Duration CLIENT_READ_WAIT = Duration.ofSeconds(3);

    private final ListenOptions opt;
    private final TraceSink trace;
    private final PrintWriter info;
    private Text.Lang lang = Text.Lang.en;
    private Map<TcpState, String> kernelStates = Map.of();

    public ListenRun(ListenOptions opt, TraceSink trace, PrintWriter info) {
        this.opt = opt;
        this.trace = trace;
        this.info = info;
    }

    /** The kernel client's socket state (sock_diag, or ss), keyed by our state at the time. */
    public Map<TcpState, String> kernelStates() {
        return kernelStates;
    }

    /** A peer agent on the peer's machine (two-machine labs), and the client it starts, given our address; or null. */
    private HostPort agent;
    private Function<HostPort, PeerRequest> agentClient;

    /** The language of the lines that say what was built (English by default); the ladder's is its renderer's. */
    public ListenRun inLanguage(Text.Lang lang) {
        this.lang = lang;
        return this;
    }

    /** Starts the lab's kernel client in namespace {@code ns}, to connect to us at {@code us}. */
    public interface KernelClientStart {
        KernelClient start(String ns, HostPort us);
    }

    private KernelClientStart clientStart;
    private LiveSession.Script application;

    /**
     * Instead of `listen`'s pair (a kernel client that sends the payload and reads its echo, and our echo
     * server): this kernel client and this application of ours (a recorded conversation, re-enacted).
     */
    public ListenRun playing(KernelClientStart client, LiveSession.Script ours) {
        this.clientStart = client;
        this.application = ours;
        return this;
    }

    /** On a real interface: the kernel client is started by the {@link PeerAgent} at {@code agentAddress}. */
    public ListenRun withAgent(HostPort agentAddress, PeerOptions peer) {
        return withAgent(agentAddress, us -> PeerRequest.client(us.toString(), opt.payload(), peer));
    }

    /** The same, with the client that {@code client} asks for, given our address (a recorded one, re-enacted). */
    public ListenRun withAgent(HostPort agentAddress, Function<HostPort, PeerRequest> client) {
        this.agent = agentAddress;
        this.agentClient = client;
        return this;
    }

    public ListenOutcome execute() {
        Privileges.requireNetworkAdmin(opt.embedded());
        Rehearsal rehearsal = Rehearsal.start(ConnectRun.REHEARSALS);
        try (Cleanup cleanup = new Cleanup()) {
            HostPort client = opt.client() == null ? null : new HostPort(opt.client().addr(), 0);
            LabLink lab = LabLink.open(new LabLink.Setup(opt.iface(), client, opt.src(), 0, opt.port(), opt.port(),
                    opt.rstGuard(), opt.capture(), opt.faults(), opt.peerOptions(), false), cleanup, info, lang);
            HostPort us = new HostPort(lab.ourAddress, opt.port());
            SegmentLink segments = new SegmentLink(lab.frames, lab.ourMac, us, lab.peer);
            rehearsal.finish(ConnectRun.REHEARSAL_LIMIT_MS);
            // From here on the live loop runs on this thread; no other thread of ours may take its core.
            cleanup.add(CoreOfItsOwn.forThisThread());
            LoopPriority.raiseForThisThread(); // only if asked
            long start = WallClock.epochNanos();
            LiveSession session = new LiveSession(segments, opt.tcp(), us, lab.peer, ISN::nextInt, trace, start);
            cleanup.addStopper(() -> session.interruptAndWait(ConnectRun.STOP_WAIT_MS));
            MacAddress peerMac = segments.resolvePeer(3, Duration.ofSeconds(1));
            session.note(Text.of("ARP: " + lab.peer.addr() + " is at " + peerMac,
                    "ARP：" + lab.peer.addr() + " 的 MAC 地址是 " + peerMac));
            session.connection().listen();
            session.note(Text.of("listening on " + us, "在 " + us + " 上监听"));

            KernelClient kernelClient = null;
            KernelView.Lookup lookup = lab.peerNamespace != null ? KernelView.inNamespace(lab.peerNamespace, lab.diag)
                    : null;
            if (agent != null && opt.iface() != null) {
                RemotePeer remote = RemotePeer.connect(agent);
                cleanup.add(remote);
                remote.start(agentClient.apply(us));
                session.note(Text.of("the peer agent at " + agent + " starts a kernel client that connects to " + us,
                        agent + " 上的对端代理启动一个内核客户端，连接 " + us));
                lookup = remote;
            }
            if (lab.peerNamespace != null) {
                // A late reader of ours echoes nothing until it reads: the client waits that much longer.
                kernelClient = clientStart != null ? clientStart.start(lab.peerNamespace, us)
                        : KernelClient.start(lab.peerNamespace, us.addr().toString(), us.port(), opt.payload(),
                        CLIENT_READ_WAIT.plus(opt.readDelay()));
                cleanup.add(kernelClient);
                session.note(Text.of("a kernel client in " + lab.peerNamespace + " connects to " + us,
                        lab.peerNamespace + " 中的一个内核客户端连接 " + us));
            }
            LiveSession.Script script = application != null ? application
                    : new ListenScript(opt.closeDelay().toNanos(), opt.readDelay().toNanos(), opt.readRate());
            KernelView view = null;
            if (lookup != null) {
                view = new KernelView(script, lookup, us, lab.peer, EnumSet.of(TcpState.ESTABLISHED,
                        TcpState.CLOSE_WAIT, TcpState.LAST_ACK, TcpState.CLOSED));
                script = view;
            }
            boolean finished = session.run(script, opt.timeout().toNanos());
            if (!finished) {
                session.note(session.whyStopped(opt.timeout()));
            }
            if (view != null) {
                kernelStates = Map.copyOf(view.answers());
            }
            byte[] clientGot = kernelClient == null ? new byte[0] : kernelClient.received();
            return new ListenOutcome(session.reachedEstablished(), session.connection().state(),
                    session.connection().closeText(), session.received(), clientGot, !finished);
        } finally {
            trace.finish();
        }
    }

}
