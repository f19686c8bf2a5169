package dev.tcplab.lab;

import dev.tcplab.endpoint.Clock;
import dev.tcplab.endpoint.ConnectionListener;
import dev.tcplab.endpoint.TcpConfig;
import dev.tcplab.endpoint.TcpConnection;
import dev.tcplab.endpoint.TcpState;
import dev.tcplab.host.TimerSlack;
import dev.tcplab.host.WallClock;
import dev.tcplab.link.Frame;
import dev.tcplab.link.SegmentLink;
import dev.tcplab.text.Text;
import dev.tcplab.trace.Direction;
import dev.tcplab.trace.TraceEvent;
import dev.tcplab.trace.TraceSink;
import dev.tcplab.wire.HostPort;
import dev.tcplab.wire.Segment;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Drives one {@link TcpConnection} over a {@link SegmentLink} on the calling thread: reads frames,
 * feeds segments in, fires timers, sends what the endpoint decides, and writes the timeline.
 * A {@link Script} says what the application does (send, close) as the connection moves.
 *
 * <p>Frames leave before anything is printed: the reaction time a student measures must be the
 * endpoint's, not the terminal's.
 */
public final class LiveSession {
    /** Poll without sleeping this long after the last activity: handshakes react in tens of µs. */
    private static final long BUSY_WINDOW_NANOS = 50_000_000L;
    /**
     * Within that window the loop spins rather than parking for a moment: a parked thread lets its
     * core go idle, and on this project's virtual machines the next handshake then ran on cold
     * caches (copying the SYN+ACK out after its system call took 3.5-5 µs instead of 0.5-1.5; warm
     * medians 46 µs against 38, docs/performance.md). Spinning needs a core of its own: with one, the
     * peer and the helper threads would wait for ours. {@code -Dtcplab.spin=false} parks as before.
     */
    private static final boolean SPIN = Runtime.getRuntime().availableProcessors() > 1
            && !"false".equals(System.getProperty("tcplab.spin"));
    private static final long SHORT_PARK_NANOS = 20_000L;
    private static final long LONG_PARK_NANOS = 1_000_000L;
    /** Scripts also get a turn this often when nothing happens, for their own timers (--hold). */
    private static final long SCRIPT_PERIOD_NANOS = 10_000_000L;
    /** At most this many waiting frames are read in a row before timers and the script get a turn. */
    private static final int MAX_BURST_FRAMES = 32;

    /** What the application on the userspace side does; called after every batch of events. */
    public interface Script {
        /** @return true when the run is over */
        boolean step(TcpConnection conn, LiveSession session);

        /** After the step's segments have left: for slow looking-around that must not delay them. */
        default void afterSend(TcpConnection conn, LiveSession session) {
        }
    }

    private final SegmentLink link;
    private final HostPort us;
    private final HostPort peer;
    private final TraceSink trace;
    private final long startEpochNanos;
    private final TcpConnection conn;
    private final List<Pending> pending = new ArrayList<>();
    /** Received bytes kept for checks (an echo compare); beyond this only counted and hashed. */
    private static final int KEEP_BYTES = 16 << 20;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final MessageDigest receivedSha = sha256();
    private long receivedCount;
    private final TransferTally tally = new TransferTally();
    private volatile boolean interrupted;
    private final CountDownLatch loopExited = new CountDownLatch(1);
    /** A remark about the kernel's socket, waiting for frames that arrived before it was asked ({@link #noteAt}). */
    private TraceEvent.Note heldNote;
    private boolean reachedEstablished;

    /** Something the endpoint did during one call, shown once the frames it sent have left. */
    private record Pending(Segment segment, Text why, TcpState stateThen, TraceEvent other) {
    }

    public LiveSession(SegmentLink link, TcpConfig config, HostPort us, HostPort peer, LongSupplier isnSource,
                       TraceSink trace, long startEpochNanos) {
        this.link = link;
        this.us = us;
        this.peer = peer;
        this.trace = trace;
        this.startEpochNanos = startEpochNanos;
        this.conn = new TcpConnection(config, Clock.SYSTEM, us.port(), peer.port(), isnSource,
                (seg, why) -> pending.add(new Pending(seg, why, currentState(), null)), new ConnectionListener() {
                    @Override
                    public void stateChanged(TcpState from, TcpState to, Text cause) {
                        reachedEstablished |= to == TcpState.ESTABLISHED;
                        pending.add(new Pending(null, null, to,
                                new TraceEvent.StateChange(sinceStart(), from.name(), to.name(), cause)));
                    }

                    @Override
                    public void dataReceived(byte[] data) {
                        receivedCount += data.length;
                        receivedSha.update(data);
                        if (received.size() + data.length <= KEEP_BYTES) {
                            received.writeBytes(data);
                        }
                    }

                    @Override
                    public void note(Text text) {
                        pending.add(new Pending(null, null, null, new TraceEvent.Note(sinceStart(), text)));
                    }
                });
    }

    private TcpState currentState() {
        return conn == null ? TcpState.CLOSED : conn.state();
    }

    public TcpConnection connection() {
        return conn;
    }

    /** Whether the handshake ever completed on our side. */
    public boolean reachedEstablished() {
        return reachedEstablished;
    }

    /** The received bytes, or their first 16 MiB; see {@link #receivedCount()}. */
    public byte[] received() {
        return received.toByteArray();
    }

    public long receivedCount() {
        return receivedCount;
    }

    /** SHA-256 (hex) of everything received in order so far. */
    public String receivedSha256() {
        try {
            return HexFormat.of().formatHex(((MessageDigest) receivedSha.clone()).digest());
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }

    public TransferTally tally() {
        return tally;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    /**
     * Asks the loop to stop at its next turn (Ctrl-C) and waits, at most {@code limitMillis}, until
     * it has: the capture handles must not be closed while the loop may be inside libpcap.
     */
    public void interruptAndWait(long limitMillis) {
        interrupted = true;
        try {
            loopExited.await(limitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The remark for a run that {@link #run} ended unfinished: stopped by Ctrl-C or SIGTERM (the
     * cleanup asked the loop to stop), or by the time limit.
     */
    public Text whyStopped(Duration timeout) {
        boolean seconds = timeout.toMillis() % 1000 == 0;
        String limit = seconds ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
        String limitZh = seconds ? timeout.toSeconds() + " 秒" : timeout.toMillis() + " 毫秒";
        return interrupted ? Text.of("stopped in " + conn.state() + ": interrupted (Ctrl-C or SIGTERM)",
                "在 " + conn.state() + " 状态停止：被中断（Ctrl-C 或 SIGTERM）")
                : Text.of("stopped after " + limit + " in " + conn.state() + " (--timeout)",
                        limitZh + "后在 " + conn.state() + " 状态停止（--timeout）");
    }

    /**
     * Sends a segment the endpoint did not make (an old duplicate SYN, for an exercise) with the
     * next batch, through the same link and into the same timeline and capture.
     */
    public void sendUnsolicited(Segment s, Text why) {
        pending.add(new Pending(s, why, conn.state(), null));
    }

    public void note(Text text) {
        emit(new TraceEvent.Note(sinceStart(), text));
    }

    /** The timeline's clock now: for a remark about something looked at now but said later ({@link #noteAt}). */
    public long now() {
        return sinceStart();
    }

    /**
     * A remark stamped when what it says was observed: the kernel's socket as asked for before a frame
     * that arrived during the asking, so that the ladder's times keep their order. A frame that had
     * arrived before the asking but is read after it goes first: the remark is held until the loop
     * finds no frame waiting (the two-way lesson's ladder had shown "1.012 kernel peer's socket:
     * SYN-RECV" above "0.962 SYN,ACK").
     */
    public void noteAt(long timeNanos, Text text) {
        releaseHeldNote();
        heldNote = new TraceEvent.Note(timeNanos, text);
    }

    /**
     * Into the timeline, after a held remark unless this is a frame that arrived before it, or the
     * change of our state that such a frame caused (printed without a time, under its frame).
     */
    private void emit(TraceEvent event) {
        boolean passes = heldNote != null && (event instanceof TraceEvent.StateChange
                || event instanceof TraceEvent.SegmentEvent s && s.direction() == Direction.IN
                        && s.timeNanos() < heldNote.timeNanos());
        if (!passes) {
            releaseHeldNote();
        }
        trace.accept(event);
    }

    private void releaseHeldNote() {
        if (heldNote != null) {
            trace.accept(heldNote);
            heldNote = null;
        }
    }

    /**
     * Runs the script until it says the run is over, the session is interrupted, or
     * {@code maxNanos} pass. Returns false on a time-out or interruption.
     */
    public boolean run(Script script, long maxNanos) {
        TimerSlack.minimiseForThisThread();
        try {
            return loop(script, maxNanos);
        } finally {
            releaseHeldNote();
            loopExited.countDown();
        }
    }

    private boolean loop(Script script, long maxNanos) {
        long deadline = System.nanoTime() + maxNanos;
        long lastActivity = System.nanoTime();
        long lastStep = lastActivity;
        flush(null);
        if (script.step(conn, this)) {
            flush(null);
            return true;
        }
        flush(null);
        script.afterSend(conn, this);
        while (!interrupted) {
            long now = System.nanoTime();
            if (now - deadline > 0) {
                return false;
            }
            SegmentLink.Inbound in = link.poll();
            if (in == null) {
                releaseHeldNote(); // no frame that arrived before it is still to be read
            }
            boolean active = false;
            if (in != null) {
                // Everything already waiting is one burst: fed in a row, ACKed once at its end. A
                // burst ends where our state changes: the script, and the kernel's view beside ours,
                // get their turn at each state change, as with one frame at a time.
                conn.beginBurst();
                TcpState before = conn.state();
                int n = 0;
                do {
                    receive(in);
                } while (++n < MAX_BURST_FRAMES && conn.state() == before && (in = link.poll()) != null);
                conn.endBurst();
                flush(null);
                active = true;
            } else if (conn.nextDeadline() <= now) {
                conn.onTimer();
                flush(null);
                active = true;
            }
            if (active || now - lastStep > SCRIPT_PERIOD_NANOS) {
                if (active) {
                    lastActivity = now;
                }
                lastStep = now;
                boolean done = script.step(conn, this);
                flush(null);
                script.afterSend(conn, this);
                if (done) {
                    return true;
                }
            } else if (now - lastActivity < BUSY_WINDOW_NANOS && SPIN) {
                Thread.onSpinWait();
            } else {
                long park = now - lastActivity < BUSY_WINDOW_NANOS ? SHORT_PARK_NANOS : LONG_PARK_NANOS;
                long untilTimer = conn.nextDeadline() - now;
                LockSupport.parkNanos(Math.max(1_000, Math.min(park, untilTimer)));
            }
        }
        return false;
    }

    private void receive(SegmentLink.Inbound in) {
        if (!isLost(in.frame())) {
            conn.onSegment(in.packet().segment());
            if (conn.remotePort() != 0) {
                link.lockPeerPort(conn.remotePort()); // a passive open learned it from the SYN
            }
        }
        flush(in);
    }

    /** Sends what the endpoint queued, then writes the timeline: the arrival first, then its effects. */
    private void flush(SegmentLink.Inbound in) {
        if (in == null && pending.isEmpty()) {
            return;
        }
        List<Pending> batch = new ArrayList<>(pending);
        pending.clear();
        Frame[] sent = new Frame[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            if (batch.get(i).segment() != null) {
                sent[i] = link.send(batch.get(i).segment());
            }
        }
        if (in != null) {
            tally.in(in.packet().segment(), in.frame().epochNanos(), isLost(in.frame()));
            emit(new TraceEvent.SegmentEvent(in.frame().epochNanos() - startEpochNanos, Direction.IN,
                    in.packet().source(), in.packet().destination(), in.packet().segment(), conn.state().name(),
                    faultText(null, in.frame()), isLost(in.frame())));
        }
        for (int i = 0; i < batch.size(); i++) {
            Pending p = batch.get(i);
            if (p.segment() != null) {
                tally.out(p.segment(), sent[i].epochNanos(), p.why(), isLost(sent[i]));
                emit(new TraceEvent.SegmentEvent(sent[i].epochNanos() - startEpochNanos, Direction.OUT, us,
                        new HostPort(peer.addr(), p.segment().dstPort()), p.segment(), p.stateThen().name(),
                        faultText(p.why(), sent[i]), isLost(sent[i])));
            } else {
                emit(p.other());
            }
        }
    }

    private static boolean isLost(Frame f) {
        return f.fault() != null && f.fault().dropped();
    }

    /** The endpoint's reason and the injected fault, together. */
    private static Text faultText(Text why, Frame f) {
        if (f.fault() == null) {
            return why;
        }
        Text fault = f.fault().description();
        return why == null ? fault : Text.of(why.en() + "; " + fault.en(), why.zh() + "；" + fault.zh());
    }

    private long sinceStart() {
        return WallClock.epochNanos() - startEpochNanos;
    }
}
