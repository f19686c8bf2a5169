package dev.tcplab.lab;

import dev.tcplab.endpoint.Clock;
import dev.tcplab.endpoint.ConnectionListener;
import dev.tcplab.endpoint.TcpConfig;
import dev.tcplab.endpoint.TcpConnection;
import dev.tcplab.endpoint.TcpState;
import dev.tcplab.link.FaultyFrameLink;
import dev.tcplab.link.Frame;
import dev.tcplab.link.FrameLink;
import dev.tcplab.link.MemoryFrameLink;
import dev.tcplab.link.PcapFrameLink;
import dev.tcplab.link.PcapWriter;
import dev.tcplab.link.RecordingFrameLink;
import dev.tcplab.link.SegmentLink;
import dev.tcplab.netns.KernelSockets;
import dev.tcplab.text.Text;
import dev.tcplab.trace.JsonLinesRenderer;
import dev.tcplab.trace.LadderRenderer;
import dev.tcplab.trace.TraceEvent;
import dev.tcplab.trace.TraceSink;
import dev.tcplab.wire.Flags;
import dev.tcplab.wire.HostPort;
import dev.tcplab.wire.Ipv4Address;
import dev.tcplab.wire.MacAddress;
import dev.tcplab.wire.Segment;
import dev.tcplab.wire.SeqNum;
import dev.tcplab.wire.TcpOption;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * Runs the whole connect path in memory against a scripted peer ({@link RehearsalPeer}), a few
 * thousand times, the answer to a SYN+ACK alone a few thousand more, the read path over recorded
 * frames, and then a few streams in, while the lab network is still being built: class
 * loading, lambda bootstrap and the JIT are done before the real SYN leaves, so the first live
 * handshake reacts as fast as the fiftieth and a bulk transfer runs compiled code from its start.
 * (A cold JVM took ~20 ms to answer the first SYN+ACK; see docs/performance.md.)
 */
public final class Rehearsal {
    private static final Ipv4Address US = Ipv4Address.parse("192.0.2.1"); // TEST-NET-1: never on a wire
    private static final MacAddress US_MAC = MacAddress.parse("02:00:00:00:00:01");
    /** The port of the recorded connections, whose frames the read path's rehearsal reads back. */
    private static final int SAMPLE_PORT = 60999;
    /** Reads through the read path: C2 compiles a method after ~15,000 calls. */
    static final int READS = 30_000;
    /** SYN+ACKs answered beyond the handshakes' own: with them, past C2's ~5,000 calls. */
    static final int ANSWERS = 6_000;

    private final Thread thread;
    private volatile boolean stopped;
    /** Frames of ours read back through the live read path; for tests. */
    private volatile int readsRehearsed;
    /** SYN+ACKs answered on their own that took the connection to ESTABLISHED; for tests. */
    private volatile int answersRehearsed;

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


    int readsRehearsed() {
        return readsRehearsed;
    }

    int answersRehearsed() {
        return answersRehearsed;
    }

    private void run(int connections) {
        byte[] line = "rehearsal\n".getBytes();
        TcpConfig plain = TcpConfig.defaults().withMsl(Duration.ZERO);
        TcpConfig delayedAcks = plain.withDelayedAcks(true);
        Path dir = temporaryDirectory();
        Path sample = temporaryFile(dir, "rehearsal.pcap");
        // Every other connection is recorded, as a live run records into its capture: the frames
        // go through the same recording link, and become the sample for the read path below.
        PcapWriter recorder = writerOrNull(sample);
        try {
            for (int i = 0; i < connections && !stopped; i++) {
                boolean recorded = recorder != null && i % 2 == 1;
                rehearse(new RehearsalPeer(0), line, i % 2 == 0 ? plain : delayedAcks, false,
                        recorded ? SAMPLE_PORT : 61000 + i % 4000, i % EXTRAS_EVERY == 0, recorded ? recorder : null, i);
            }
            rehearseAnswers(plain);
            if (recorder != null) {
                recorder.close(); // idempotent: the finally below closes it again on the way out of a failure
                rehearseReads(sample, temporaryFile(dir, "read-back.pcap"));
            }
        } finally {
            if (recorder != null) {
                recorder.close();
            }
            delete(dir);
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
     * The read path below the endpoint, as a live run has it: PcapFrameLink, RecordingFrameLink and
     * SegmentLink over real frames (and libpcap's ring read, the path where the kernel refuses a
     * packet socket). The in-memory connections skip the first two, so a live run's first frames went
     * through them interpreted or in C1's slowest tier: ~25-30 µs per read where compiled code takes a
     * few (measured with stamps in the loop). The recorded connections' frames are read back from
     * their capture through the same classes; the packet socket's own read is rehearsed on loopback
     * when the link opens. Where libpcap is missing, the live run will say so; this part is skipped.
     */
    private void rehearseReads(Path sample, Path readBack) {
        HostPort us = new HostPort(US, SAMPLE_PORT);
        HostPort them = new HostPort(RehearsalPeer.ADDRESS, 7);
        PcapWriter copies = writerOrNull(readBack);
        if (copies == null) {
            return;
        }
        try (copies) {
            int reads = 0;
            while (reads < READS && !stopped) {
                int before = reads;
                try (PcapFrameLink saved = PcapFrameLink.openSaved(sample)) {
                    SegmentLink link = new SegmentLink(new RecordingFrameLink(saved, copies), US_MAC, us, them);
                    while (reads < READS && link.poll() != null) {
                        reads++;
                    }
                    readsRehearsed = reads;
                }
                if (reads == before) {
                    return; // nothing of ours in the sample: nothing to rehearse with
                }
            }
        } catch (RuntimeException | LinkageError e) {
            // no libpcap, or no room for a temporary file: the live run goes on without this warm-up
        }
    }

    /**
     * The answer to a SYN+ACK, on its own, a few thousand times more. The handshakes above call it
     * 2,000 times, below the ~5,000 calls after which C2 compiles a method, so a live run answered
     * with C1's profiling code. Measured in launches alternating with and without this (20 launches
     * of 20 connections each, twice): warm medians 28.4 and 29.1 µs against 40.8 and 41.2 µs.
     */
    private void rehearseAnswers(TcpConfig config) {
        long isn = 12345;
        int port = 61000;
        // As Linux answers: MSS, SACK permitted, timestamps, window scale.
        Segment synAck = Segment.of(7, port, SeqNum.of(777), SeqNum.of(isn + 1), Flags.SYN_ACK, 65160)
                .withOptions(List.of(new TcpOption.Mss(1460), new TcpOption.SackPermitted(),
                        new TcpOption.Timestamps(1, 1), new TcpOption.Nop(), new TcpOption.WindowScale(7)));
        List<Segment> sent = new ArrayList<>();
        int established = 0;
        for (int i = 0; i < ANSWERS && !stopped; i++) {
            TcpConnection c = new TcpConnection(config, Clock.SYSTEM, port, 7, () -> isn, (seg, why) -> sent.add(seg),
                    new ConnectionListener() { });
            c.open();
            c.onSegment(synAck);
            if (c.state() == TcpState.ESTABLISHED) {
                established++;
            }
            sent.clear();
        }
        answersRehearsed = established;
    }

    /** Null when there is none to be had; the rehearsal then stays in memory. */
    private static Path temporaryDirectory() {
        try {
            Path dir = Files.createTempDirectory("tcplab-rehearsal-");
            dir.toFile().deleteOnExit(); // also after Ctrl-C: the files' marks, made later, are served first
            return dir;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static Path temporaryFile(Path dir, String name) {
        if (dir == null) {
            return null;
        }
        Path f = dir.resolve(name);
        f.toFile().deleteOnExit();
        return f;
    }

    /** Null where the file cannot be written (a full or read-only disk): the rehearsal then records nothing. */
    private static PcapWriter writerOrNull(Path file) {
        try {
            return file == null ? null : new PcapWriter(file);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException | RuntimeException e) {
            // a leftover in the temporary directory is harmless
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
        public Text where() {
            return Text.of("sock_diag in the rehearsal", "预演中的 sock_diag");
        }

        @Override
        public boolean cheap() {
            return true;
        }
    };

    /**
     * One connection in memory, from handshake to CLOSED; the session, for tests to look at.
     *
     * @param extras through the renderers and the kernel's view too, as a live run goes
     */
    static LiveSession rehearse(RehearsalPeer peer, byte[] payload, TcpConfig config, boolean untilPeerCloses, int port,
                                boolean extras) {
        return rehearse(peer, payload, config, untilPeerCloses, port, extras, null, 0);
    }

    /*
     * Three calls in the loop reach a class the rehearsal cannot use: the packet socket's link under
     * the capture's recorder, the live trace (a helper thread's hand-over) and the live ISN source.
     * Had the rehearsal passed one or two classes through such a call, the JIT would compile it as a
     * bet on those classes, and the first live handshake would lose the bet: an uncommon trap,
     * the rest of the method in the interpreter, then a recompilation (seen in the JIT's log at the
     * first live handshake of every launch: class_check in RecordingFrameLink.send, inlined into
     * LiveSession.flush; bimorphic type checks on the trace and the ISN source). With three classes
     * seen at each, it compiles an ordinary interface call, which the live classes take as well.
     * The connections rotate through them.
     */

    /** What the recording link wraps. */
    static FrameLink underRecorder(MemoryFrameLink memory, int rotation) {
        return switch (Math.floorMod(rotation, 3)) {
            case 0 -> memory;
            case 1 -> new FaultyFrameLink(memory, List.of(), injected -> { });
            default -> new PassThrough(memory);
        };
    }

    /** The trace of a connection without the renderers: three classes that drop every event. */
    static TraceSink quietTrace(int rotation) {
        return switch (Math.floorMod(rotation, 3)) {
            case 0 -> e -> { };
            case 1 -> TraceSink.withoutSegments(e -> { });
            default -> new TraceSink() {
                @Override
                public void accept(TraceEvent event) {
                }
            };
        };
    }

    /** Three ISN sources; the rehearsal's numbers need not be random. */
    static LongSupplier isnSource(int rotation) {
        return switch (Math.floorMod(rotation, 3)) {
            case 0 -> () -> 12345;
            case 1 -> () -> 0x7654_3210L;
            default -> new Random(rotation)::nextInt;
        };
    }

    /** A link that only hands on: a third class under the recorder. */
    private static final class PassThrough implements FrameLink {
        private final FrameLink inner;

        PassThrough(FrameLink inner) {
            this.inner = inner;
        }

        @Override
        public Frame send(byte[] frame) {
            return inner.send(frame);
        }

        @Override
        public Frame poll() {
            return inner.poll();
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    /**
     * @param recorder also records the frames there, as a live run's capture does; null: not recorded
     * @param rotation picks the classes behind three of the loop's calls (see above {@link #underRecorder})
     */
    private static LiveSession rehearse(RehearsalPeer peer, byte[] payload, TcpConfig config, boolean untilPeerCloses,
                                        int port, boolean extras, PcapWriter recorder, int rotation) {
        PrintWriter nowhere = new PrintWriter(Writer.nullWriter());
        HostPort us = new HostPort(US, port);
        HostPort them = new HostPort(RehearsalPeer.ADDRESS, 7);
        MemoryFrameLink memory = new MemoryFrameLink();
        memory.answerWith(peer);
        FrameLink frames = recorder == null ? memory : new RecordingFrameLink(underRecorder(memory, rotation), recorder);
        SegmentLink link = new SegmentLink(frames, US_MAC, us, them);
        link.resolvePeer(1, Duration.ofMillis(100));
        TraceSink trace = extras ? TraceSink.both(new LadderRenderer(nowhere, false), new JsonLinesRenderer(nowhere))
                : quietTrace(rotation);
        LiveSession s = new LiveSession(link, config, us, them, isnSource(rotation), trace, 0);
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
