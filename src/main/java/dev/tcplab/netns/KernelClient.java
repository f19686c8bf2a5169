package dev.tcplab.netns;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The Linux kernel as the client: a plain Java socket opened on a thread inside the peer namespace
 * connects to tcplab's listening endpoint, sends a payload, reads the echo, and closes first. The
 * kernel is then the active closer, and its TIME_WAIT is visible with `ss` for Linux's fixed 60 s.
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
