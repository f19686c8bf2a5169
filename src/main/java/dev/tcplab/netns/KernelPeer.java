package dev.tcplab.netns;

import dev.tcplab.host.EnvironmentProblem;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import jdk.net.ExtendedSocketOptions;

/**
 * The Linux kernel on the other end: an ordinary Java server socket opened on a thread inside the
 * peer namespace, so every segment it sends is the kernel's own. By default an echo server: what
 * arrives is sent back, and the socket is closed when the client's FIN is read (so the kernel
 * usually merges its ACK and FIN: a three-segment close).
 */
public final class KernelPeer implements AutoCloseable {
    /** How long accept and read wait before looking whether the peer was stopped. */
    private static final int POLL_MS = 100;
    /** Between the echo and the close of a peer that closes first: time for the data to leave alone. */
    private static final int CLOSE_FIRST_PAUSE_MS = 20;
    /**
     * SO_RCVBUF of a peer that reads late: Linux doubles it to 8 KB and offers about half of that as its
     * window, so a few segments fill it and the window closes (the kernel's default buffer would take
     * megabytes first).
     */
    public static final int LATE_READER_RCVBUF = 4096;
    /**
     * What such a reader takes in before its window is 0, at the least: measured on Linux 6.18 over the lab's
     * veth (MSS 1448), it offers 2,896 bytes and shuts after 4,344, part of its 8 KB going to the kernel's own
     * bookkeeping; 4,000 bytes never shut it, 4,345 did.
     */
    public static final int LATE_READER_TAKES = 4096;
    /** A slow reader reads this often, each time as much as its rate allows (as a program that reads per tick). */
    static final int SLOW_READ_TICK_MS = 50;

    private final ServerSocket server;
    private final Thread thread;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile boolean stopped;
    private volatile IOException failure;
    private final Consumer<String> log;
    private final Duration closeDelay;
    private final boolean closeFirst;
    private final Keepalive keepalive;
    private final long sendBytes;
    private final boolean discard;
    private final boolean resetOnClose;
    private final Duration readDelay;
    private final long readRate;
    private final List<Answer> answers;
    private volatile String sentDigest = "";

    /**
     * The kernel's keep-alive for accepted sockets (SO_KEEPALIVE with TCP_KEEPIDLE, TCP_KEEPINTVL,
     * TCP_KEEPCNT), in whole seconds as the kernel takes them.
     */
    public record Keepalive(int idleSeconds, int intervalSeconds, int count) {
    }

    /**
     * A reply the application writes once it has read {@code afterClientBytes} of the client's bytes, after
     * {@code pause} more (a recorded server's think time).
     */
    public record Answer(long afterClientBytes, byte[] data, Duration pause) {
        public Answer(long afterClientBytes, byte[] data) {
            this(afterClientBytes, data, Duration.ZERO);
        }
    }

    /**
     * How the peer's application behaves; see the factory methods.
     *
     * @param sendBytes    if above 0: instead of echoing, send this many bytes (a fixed pseudo-random
     *                     stream) and close
     * @param discard      read and keep what arrives, send nothing back
     * @param resetOnClose close with SO_LINGER 0: the kernel sends RST instead of FIN
     * @param readDelay    if above 0: a small receive buffer ({@link #LATE_READER_RCVBUF}), and the
     *                     application reads nothing for this long after accepting; a client that sends
     *                     more than fits meets a zero window
     * @param readRate     if above 0: the same small buffer, and the application reads at most this many
     *                     bytes a second (every {@value #SLOW_READ_TICK_MS} ms what the rate allows), after
     *                     {@code readDelay}: a client that sends faster meets zero windows again and again
     * @param answers      if any: instead of echoing, the application writes these, each once it has read as
     *                     many of the client's bytes as it asks (a recorded server's replies, re-enacted)
     */
    public record Behaviour(Duration closeDelay, boolean closeFirst, Keepalive keepalive, long sendBytes,
                            boolean discard, boolean resetOnClose, Duration readDelay, long readRate,
                            List<Answer> answers) {
        public static final Behaviour ECHO = new Behaviour(Duration.ZERO, false, null, 0);

        public Behaviour {
            answers = List.copyOf(answers);
        }

        public Behaviour(Duration closeDelay, boolean closeFirst, Keepalive keepalive, long sendBytes,
                         boolean discard, boolean resetOnClose, Duration readDelay, long readRate) {
            this(closeDelay, closeFirst, keepalive, sendBytes, discard, resetOnClose, readDelay, readRate, List.of());
        }

        public Behaviour(Duration closeDelay, boolean closeFirst, Keepalive keepalive, long sendBytes) {
            this(closeDelay, closeFirst, keepalive, sendBytes, false, false);
        }

        public Behaviour(Duration closeDelay, boolean closeFirst, Keepalive keepalive, long sendBytes,
                         boolean discard, boolean resetOnClose) {
            this(closeDelay, closeFirst, keepalive, sendBytes, discard, resetOnClose, Duration.ZERO, 0);
        }

        /** Reads late or slowly: what a small receive buffer is for. */
        boolean readsSlowly() {
            return !readDelay.isZero() || readRate > 0;
        }
    }

    /**
     * What a sending peer sends: one fixed pseudo-random MiB, repeated. Generating fresh random
     * bytes (Random) capped the sender near 300 Mbit/s, measured with JFR; the receiver
     * checks the whole stream by SHA-256 either way.
     */
    private static final byte[] BULK_BLOCK = bulkBlock();

    private static byte[] bulkBlock() {
        byte[] b = new byte[1 << 20];
        new Random(0x7C91AB).nextBytes(b);
        return b;
    }

    private KernelPeer(String ns, int port, Consumer<String> log, Behaviour b) {
        this.log = log;
        this.closeDelay = b.closeDelay();
        this.closeFirst = b.closeFirst();
        this.keepalive = b.keepalive();
        this.sendBytes = b.sendBytes();
        this.discard = b.discard();
        this.resetOnClose = b.resetOnClose();
        this.readDelay = b.readDelay();
        this.readRate = b.readRate();
        this.answers = b.answers();
        ServerSocket[] holder = new ServerSocket[1];
        RuntimeException[] err = new RuntimeException[1];
        CountDownLatch opened = new CountDownLatch(1);
        this.thread = Namespaces.start(ns, "kernel-peer", () -> {
            try {
                ServerSocket s = new ServerSocket();
                s.setReuseAddress(true);
                if (b.readsSlowly()) {
                    s.setReceiveBufferSize(LATE_READER_RCVBUF); // before bind: accepted sockets inherit it
                }
                s.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), port), 16);
                s.setSoTimeout(POLL_MS);
                holder[0] = s;
            } catch (IOException | RuntimeException e) {
                err[0] = cannotListen(port, e);
            }
            opened.countDown();
            if (holder[0] != null) {
                serve(holder[0]);
            }
        });
        try {
            if (!opened.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("kernel peer did not start within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (err[0] != null) {
            throw err[0];
        }
        this.server = holder[0];
    }

    /** Why the port could not be had, and what to do about it: the machine's, not a fault of tcplab's (exit 3). */
    private static RuntimeException cannotListen(int port, Exception e) {
        String why = String.valueOf(e.getMessage());
        String fix = why.contains("Permission denied") ? "; ports below 1024 need root (sudo) or CAP_NET_BIND_SERVICE, "
                + "or choose --port 1024 or above"
                : why.contains("in use") ? "; another program listens there: choose another --port" : "";
        return new EnvironmentProblem("the kernel peer cannot listen on port " + port + ": " + why + fix, e);
    }

    /** Starts an echo server listening on {@code port} in namespace {@code ns} (null: this one). */
    public static KernelPeer echo(String ns, int port) {
        return new KernelPeer(ns, port, m -> { }, Behaviour.ECHO);
    }

    /**
     * The same, telling {@code log} about each connection, and closing {@code closeDelay} after
     * reading the client's FIN: meanwhile the kernel's socket sits in CLOSE_WAIT, and its ACK and
     * FIN travel separately (the four-segment close).
     */
    public static KernelPeer echo(String ns, int port, Consumer<String> log, Duration closeDelay) {
        return new KernelPeer(ns, port, log, new Behaviour(closeDelay, false, null, 0));
    }

    /**
     * An echo server behaving as told: closing late, or right after its first echo, before the
     * client's FIN (the kernel then sends its data and, separately, its FIN); keep-alive on or off.
     */
    public static KernelPeer echo(String ns, int port, Behaviour b) {
        return new KernelPeer(ns, port, m -> { }, b);
    }

    /** The same, telling {@code log} about each connection (for `tcplab peer listen`). */
    public static KernelPeer echo(String ns, int port, Consumer<String> log, Behaviour b) {
        return new KernelPeer(ns, port, log, b);
    }

    private void serve(ServerSocket s) {
        while (!stopped) {
            try (Socket c = s.accept()) {
                connections.incrementAndGet();
                String who = c.getRemoteSocketAddress().toString().replaceFirst("^/", "");
                log.accept("connection from " + who + (answers.isEmpty() ? ": echoing"
                        : ": answering with " + answers.size() + " recorded replies"));
                echo(c);
                log.accept("connection from " + who + " closed by its FIN; closing ours");
            } catch (SocketTimeoutException e) {
                // nobody yet: look at the stop flag again
            } catch (IOException e) {
                if (!stopped) {
                    failure = e;
                }
            }
        }
    }

    private void echo(Socket c) throws IOException {
        c.setSoTimeout(POLL_MS);
        if (keepalive != null) {
            c.setKeepAlive(true);
            c.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, keepalive.idleSeconds());
            c.setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, keepalive.intervalSeconds());
            c.setOption(ExtendedSocketOptions.TCP_KEEPCOUNT, keepalive.count());
        }
        if (resetOnClose) {
            c.setSoLinger(true, 0); // RFC 9293 §3.10.5 ABORT from the application: RST, no FIN
        }
        if (sendBytes > 0) {
            send(c);
            return;
        }
        InputStream in = c.getInputStream();
        OutputStream out = c.getOutputStream();
        byte[] buf = new byte[65536];
        if (!readDelay.isZero()) {
            log.accept("reading nothing for " + readDelay.toMillis() + " ms (receive buffer " + c.getReceiveBufferSize()
                    + " bytes): the window closes when it is full");
            idle(readDelay);
        }
        // A slow reader takes what one tick allows per read, then waits as long as those bytes take at its rate.
        int most = readRate == 0 ? buf.length
                : (int) Math.max(1, Math.min(buf.length, readRate * SLOW_READ_TICK_MS / 1000));
        if (readRate > 0) {
            log.accept("reading at most " + readRate + " bytes/s (" + most + " every " + SLOW_READ_TICK_MS + " ms, receive "
                    + "buffer " + c.getReceiveBufferSize() + " bytes): a faster sender fills the window again and again");
        }
        long read = 0;
        int answered = answerWhatIsDue(out, read, 0); // a server that speaks first (a banner)
        while (!stopped) {
            int n;
            try {
                n = in.read(buf, 0, most);
            } catch (SocketTimeoutException e) {
                continue;
            }
            if (n < 0) {
                waitBeforeClosing(); // the client's FIN read; then our close sends ours
                return;
            }
            synchronized (received) {
                received.write(buf, 0, n);
            }
            read += n;
            if (!answers.isEmpty()) {
                answered = answerWhatIsDue(out, read, answered);
            } else if (!discard) {
                out.write(buf, 0, n);
                out.flush();
            }
            if (readRate > 0) {
                idle(Duration.ofNanos(n * 1_000_000_000L / readRate));
            }
            if (closeFirst && answered == answers.size()) {
                // Close without waiting for the client's FIN, but only once the echo (or the last reply) has
                // left on its own: closed at once, Linux may piggyback the FIN on the still-queued data.
                pause(CLOSE_FIRST_PAUSE_MS);
                return;
            }
        }
    }

    /**
     * Writes the replies due once {@code read} of the client's bytes have been read, from the {@code from}th
     * on; returns how many have been written in all.
     */
    private int answerWhatIsDue(OutputStream out, long read, int from) throws IOException {
        int next = from;
        while (next < answers.size() && answers.get(next).afterClientBytes() <= read && !stopped) {
            Answer a = answers.get(next);
            if (!a.pause().isZero()) {
                out.flush(); // what went before leaves first, as it did in the recording
                idle(a.pause());
            }
            out.write(a.data());
            next++;
        }
        if (next > from) {
            out.flush();
        }
        return next;
    }

    private static void pause(int millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends {@link #sendBytes} of the bulk stream, remembering its SHA-256, then returns to close. */
    private void send(Socket c) throws IOException {
        MessageDigest sha = sha256();
        OutputStream out = c.getOutputStream();
        log.accept("sending " + sendBytes + " bytes");
        for (long left = sendBytes; left > 0 && !stopped; ) {
            int n = (int) Math.min(BULK_BLOCK.length, left);
            sha.update(BULK_BLOCK, 0, n);
            out.write(BULK_BLOCK, 0, n);
            left -= n;
        }
        out.flush();
        sentDigest = HexFormat.of().formatHex(sha.digest());
        log.accept("sent " + sendBytes + " bytes, SHA-256 " + sentDigest);
        // A graceful end: our FIN now, then read until theirs. Closing with unread bytes in the
        // receive queue would make Linux send RST instead of FIN (and discard what is still in flight).
        c.shutdownOutput();
        InputStream in = c.getInputStream();
        byte[] sink = new byte[4096];
        while (!stopped) {
            try {
                if (in.read(sink) < 0) {
                    break;
                }
            } catch (SocketTimeoutException e) {
                // keep waiting for their FIN; close() of the peer ends this
            }
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    /** The SHA-256 of what a sending peer sent (hex), once it has sent it all; "" before. */
    public String sentDigest() {
        return sentDigest;
    }

    private void waitBeforeClosing() {
        if (closeDelay.isZero()) {
            return;
        }
        log.accept("read the client's FIN; holding our socket open " + closeDelay.toMillis() + " ms (CLOSE_WAIT)");
        idle(closeDelay);
    }

    /** The application does nothing for {@code d}, or until the peer is stopped. */
    private void idle(Duration d) {
        long until = System.nanoTime() + d.toNanos();
        while (!stopped && System.nanoTime() < until) {
            try {
                Thread.sleep(Math.min(POLL_MS, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Everything the kernel peer received, over all connections. */
    public byte[] received() {
        synchronized (received) {
            return received.toByteArray();
        }
    }

    public int connectionsAccepted() {
        return connections.get();
    }

    /** An I/O error the server met, if any (a reset connection, say); null when none. */
    public IOException failure() {
        return failure;
    }

    @Override
    public void close() {
        stopped = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing a listening socket: nothing to report
        }
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
