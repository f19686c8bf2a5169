package dev.tcplab.lab;

import dev.tcplab.endpoint.TcpConfig;
import dev.tcplab.endpoint.TcpState;
import dev.tcplab.link.MemoryFrameLink;
import dev.tcplab.netns.KernelSockets;
import dev.tcplab.link.SegmentLink;
import dev.tcplab.trace.JsonLinesRenderer;
import dev.tcplab.trace.LadderRenderer;
import dev.tcplab.trace.TraceSink;
import dev.tcplab.wire.HostPort;
import dev.tcplab.wire.Ipv4Address;
import dev.tcplab.wire.MacAddress;
import java.io.PrintWriter;
import java.io.Writer;
import java.time.Duration;
import java.util.EnumSet;

/**
 * Runs the whole connect path in memory against a scripted peer ({@link RehearsalPeer}), a few
 * thousand times, and then a few streams in, while the lab network is still being built: class
 * loading, lambda bootstrap and the JIT are done before the real SYN leaves, so the first live
 * handshake reacts as fast as the fiftieth and a bulk transfer runs compiled code from its start.
 * (A cold JVM took ~20 ms to answer the first SYN+ACK; see the README's performance section.)
 */
public final class Rehearsal {
    private static final Ipv4Address US = Ipv4Address.parse("192.0.2.1"); // TEST-NET-1: never on a wire

    private final Thread thread;
    private volatile boolean stopped;

    private Rehearsal(int connections) {
        thread = new Thread(() -> run(connections), "rehearsal");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
    }

    /** Starts the rehearsal on a background thread; {@link #finish} it before the live run. */
    public static Rehearsal start(int connections) {
        Rehearsal r = new Rehearsal(connections);
        r.thread.start();
        return r;
    }

    /**
     * Waits at most {@code limitMillis} for the rehearsal, then stops it: on 2 cores, one still
     * running would take CPU from the live run it was meant to speed up.
     */
    public void finish(long limitMillis) {
        try {
            thread.join(limitMillis);
            stopped = true;
            thread.join(limitMillis);
        } catch (InterruptedException e) {
            stopped = true;
            Thread.currentThread().interrupt();
        }
    }


    private void run(int connections) {
        byte[] line = "rehearsal\n".getBytes();
        TcpConfig plain = TcpConfig.defaults().withMsl(Duration.ZERO);
        TcpConfig delayedAcks = plain.withDelayedAcks(true);
        for (int i = 0; i < connections && !stopped; i++) {
            rehearse(new RehearsalPeer(0), line, i % 2 == 0 ? plain : delayedAcks, false, 61000 + i % 4000,
                    i % EXTRAS_EVERY == 0);
        }
        // Then a stream in: the per-segment receive path must be compiled before a live bulk
        // transfer starts, or the JIT competes with it for the CPU (measured: 200 MB at 500 instead
        // of 1,200 Mbit/s on 2 cores). (Streams first, then handshakes, measured worse for the
        // handshake: warm medians 79-104 µs instead of 43-57.)
        for (int i = 0; i < BULK_CONNECTIONS && !stopped; i++) {
            rehearse(new RehearsalPeer(BULK_BYTES), new byte[0], i % 2 == 0 ? delayedAcks : plain, true, 65000 - i,
                    false);
        }
    }

    /**
     * The ladder and JSON renderers (on a helper thread in a live run, off the reaction's path) and
     * the kernel's view beside ours: every 16th rehearsal goes through them, which warms them and
     * leaves time for more handshakes.
     */
    private static final int EXTRAS_EVERY = 16;
    static final int BULK_CONNECTIONS = 4;
    static final long BULK_BYTES = 8 << 20;

    /** Answers like sock_diag in the lab network's peer namespace would, for the rehearsal. */
    private static final KernelView.Lookup PRETEND_KERNEL = new KernelView.Lookup() {
        @Override
        public KernelSockets.Socket find(HostPort local, HostPort remote) {
            return new KernelSockets.Socket("ESTAB", local.toString(), remote.toString(), "");
        }

        @Override
        public String where() {
            return "sock_diag in the rehearsal";
        }

        @Override
        public boolean cheap() {
            return true;
        }
    };

    /** One connection in memory, from handshake to CLOSED; the session, for tests to look at. */
    /** @param extras through the renderers and the kernel's view too, as a live run goes */
    static LiveSession rehearse(RehearsalPeer peer, byte[] payload, TcpConfig config, boolean untilPeerCloses, int port,
                                boolean extras) {
        PrintWriter nowhere = new PrintWriter(Writer.nullWriter());
        HostPort us = new HostPort(US, port);
        HostPort them = new HostPort(RehearsalPeer.ADDRESS, 7);
        MemoryFrameLink memory = new MemoryFrameLink();
        memory.answerWith(peer);
        SegmentLink link = new SegmentLink(memory, MacAddress.randomLocal(), us, them);
        link.resolvePeer(1, Duration.ofMillis(100));
        TraceSink trace = extras ? TraceSink.both(new LadderRenderer(nowhere, false), new JsonLinesRenderer(nowhere))
                : e -> { };
        LiveSession s = new LiveSession(link, config, us, them, () -> 12345, trace, 0);
        LiveSession.Script script = new ConnectScript(payload, payload.length, Duration.ofSeconds(1).toNanos(), 0,
                untilPeerCloses);
        if (extras) {
            // The kernel's view too: its first look and note, cold, held a live connect's loop 5-8 ms.
            script = new KernelView(script, PRETEND_KERNEL, us, them, EnumSet.of(TcpState.ESTABLISHED,
                    TcpState.FIN_WAIT_2, TcpState.TIME_WAIT, TcpState.CLOSED));
        }
        s.run(script, Duration.ofSeconds(5).toNanos());
        trace.finish();
        return s;
    }
}
