package dev.tcplab.netns;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import jdk.net.ExtendedSocketOptions;

/**
 * The Linux kernel as the client: a plain Java socket opened on a thread inside the peer namespace
 * connects to tcplab's listening endpoint, sends a payload, reads the echo, and closes first. The
 * kernel is then the active closer, and its TIME_WAIT is visible with `ss` for Linux's fixed 60 s.
 * Or it plays a recorded client ({@link #playing}): its data in turns, and its close first or second.
 */
public final class KernelClient implements AutoCloseable {
    private static final int CONNECT_TIMEOUT_MS = 10_000;

    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile Socket socket;
    private volatile IOException failure;

    private KernelClient() {
    }

    /**
     * One write of a recorded client's application: once the server has sent {@code afterServerBytes}, and
     * {@code pause} after that (its think time).
     */
    public record Turn(long afterServerBytes, byte[] data, Duration pause) {
    }

    /**
     * A recorded client, as the kernel plays it.
     *
     * @param turns         its data, in order
     * @param closeFirst    it sent its FIN before the server's: once all is written, the server has sent
     *                      {@code finAfterServerBytes} and {@code idleBeforeFin} has passed; otherwise it closes
     *                      when the server's FIN has been read and {@code closeDelay} has passed
     * @param turnWait      how long to wait for the server's bytes before writing anyway (a live server that says
     *                      less than the recorded one must not leave the client waiting for ever)
     * @param keepalive     the kernel's keep-alive on the socket, or null
     * @param resetOnClose  close first with SO_LINGER 0: the kernel sends RST instead of FIN (an abort)
     */
    public record Play(List<Turn> turns, boolean closeFirst, long finAfterServerBytes, Duration idleBeforeFin,
                       Duration closeDelay, Duration turnWait, KernelPeer.Keepalive keepalive,
                       boolean resetOnClose) {
        public Play {
            turns = List.copyOf(turns);
        }
    }

    /** How often a playing client looks at the clock while no byte arrives. */
    private static final int POLL_MS = 10;

    /**
     * Starts the client; it reads until it has as many bytes as it sent or {@code readTimeout}
     * passes, then closes.
     */
    public static KernelClient start(String ns, String host, int port, byte[] payload, Duration readTimeout) {
        return start(ns, host, port, 0, payload, readTimeout);
    }

    /** As above, from {@code localPort} (0: the kernel picks one), e.g. for a simultaneous open. */
    public static KernelClient start(String ns, String host, int port, int localPort, byte[] payload,
                                     Duration readTimeout) {
        KernelClient c = new KernelClient();
        Namespaces.start(ns, "kernel-client", () -> c.run(host, port, localPort, payload, readTimeout));
        return c;
    }

    /** Starts a client that plays {@code play}; it gives up {@code limit} after it began, closing. */
    public static KernelClient playing(String ns, String host, int port, Play play, Duration limit) {
        KernelClient c = new KernelClient();
        Namespaces.start(ns, "kernel-client", () -> c.play(host, port, play, limit));
        return c;
    }

    private void play(String host, int port, Play play, Duration limit) {
        long giveUpAt = System.nanoTime() + limit.toNanos();
        try (Socket s = new Socket()) {
            socket = s;
            if (play.keepalive() != null) {
                s.setKeepAlive(true);
                s.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, play.keepalive().idleSeconds());
                s.setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, play.keepalive().intervalSeconds());
                s.setOption(ExtendedSocketOptions.TCP_KEEPCOUNT, play.keepalive().count());
            }
            // The writes were put back together from the recorded segments: each goes at once, as they did,
            // rather than wait behind an unacknowledged small one (Nagle's algorithm) and merge with the next.
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
            s.setSoTimeout(POLL_MS);
            Player player = new Player(play, s);
            InputStream in = s.getInputStream();
            byte[] buf = new byte[65536];
            while (System.nanoTime() < giveUpAt && !player.step(System.nanoTime())) {
                int n;
                try {
                    n = in.read(buf);
                } catch (SocketTimeoutException e) {
                    continue;
                }
                if (n > 0) {
                    synchronized (received) {
                        received.write(buf, 0, n);
                    }
                }
                player.read(n, System.nanoTime());
                if (n < 0) {
                    pauseMillis(POLL_MS); // the server's FIN is read at once from now on: no spinning on it
                }
            }
        } catch (IOException e) {
            failure = e;
        } finally {
            finished.countDown();
        }
    }

    private static void pauseMillis(int ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The recorded client's application, one look at a time: what to write, and when to close. */
    private static final class Player {
        private final Play play;
        private final Socket socket;
        private int next;
        private long read;
        private long waitingSince = System.nanoTime();
        private long dueSince = -1;
        private long turnToCloseAt = -1;
        private long serverClosedAt = -1;
        private boolean finSent;

        Player(Play play, Socket socket) {
            this.play = play;
            this.socket = socket;
        }

        /** What the server sent: {@code n} bytes, or its FIN (n < 0). */
        void read(int n, long now) {
            if (n < 0) {
                serverClosedAt = serverClosedAt < 0 ? now : serverClosedAt;
            } else {
                read += n;
            }
        }

        /** Writes what is due and closes when it is time; true once the socket is to be closed (or aborted). */
        boolean step(long now) throws IOException {
            boolean serverClosed = serverClosedAt >= 0;
            while (next < play.turns().size()) {
                Turn t = play.turns().get(next);
                if (t.afterServerBytes() > read && !serverClosed && now - waitingSince < play.turnWait().toNanos()) {
                    break;
                }
                dueSince = dueSince < 0 ? now : dueSince;
                if (now - dueSince < t.pause().toNanos()) {
                    break; // its think time; reading goes on meanwhile
                }
                socket.getOutputStream().write(t.data());
                next++;
                dueSince = -1;
                waitingSince = now = System.nanoTime();
            }
            if (next < play.turns().size()) {
                return false;
            }
            boolean turnToClose = read >= play.finAfterServerBytes() || serverClosed
                    || now - waitingSince >= play.turnWait().toNanos();
            if (play.closeFirst() && !finSent && turnToClose && turnToCloseAt < 0) {
                turnToCloseAt = now; // the recorded idle time counts from here
            }
            if (turnToCloseAt >= 0 && !finSent && now - turnToCloseAt >= play.idleBeforeFin().toNanos()) {
                if (play.resetOnClose()) {
                    socket.setSoLinger(true, 0); // RFC 9293 §3.10.5 ABORT: closing now sends RST, no FIN
                    return true;
                }
                socket.shutdownOutput(); // the FIN, the application's close with the server still to answer
                finSent = true;
            }
            // Closing the socket ends the active close, or sends the passive closer's FIN after its delay.
            return serverClosed && (finSent || !play.closeFirst() && now - serverClosedAt >= play.closeDelay().toNanos());
        }
    }

    private void run(String host, int port, int localPort, byte[] payload, Duration readTimeout) {
        try (Socket s = new Socket()) {
            socket = s;
            if (localPort > 0) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(localPort));
            }
            s.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
            s.getOutputStream().write(payload);
            s.getOutputStream().flush();
            s.setSoTimeout((int) Math.max(1, readTimeout.toMillis()));
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            while (received.size() < payload.length) {
                int n;
                try {
                    n = in.read(buf);
                } catch (SocketTimeoutException e) {
                    break;
                }
                if (n < 0) {
                    break;
                }
                synchronized (received) {
                    received.write(buf, 0, n);
                }
            }
        } catch (IOException e) {
            failure = e;
        } finally {
            finished.countDown();
        }
    }

    public byte[] received() {
        synchronized (received) {
            return received.toByteArray();
        }
    }

    public IOException failure() {
        return failure;
    }

    public boolean awaitFinished(Duration limit) {
        try {
            return finished.await(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        Socket s = socket;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing: nothing to report
            }
        }
        awaitFinished(Duration.ofSeconds(2));
    }
}
