package dev.tcplab.netns;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcplab.host.EnvironmentProblem;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The kernel peer and client on loopback, in this namespace: no privileges needed. */
class KernelPeerLoopbackTest {

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void aPortAnotherProgramListensOnIsTheMachinesProblemWithTheWayOut() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            EnvironmentProblem e = assertThrows(EnvironmentProblem.class, () -> KernelPeer.echo(null, taken.getLocalPort()));
            assertEquals("the kernel peer cannot listen on port " + taken.getLocalPort() + ": Address already in use; "
                    + "another program listens there: choose another --port", e.getMessage());
        }
    }

    @Test
    void echoServerAndClientTalk() throws Exception {
        int port = freePort();
        byte[] payload = "loopback hello\n".getBytes();
        try (KernelPeer peer = KernelPeer.echo(null, port);
             KernelClient client = KernelClient.start(null, "127.0.0.1", port, payload, Duration.ofSeconds(3))) {
            assertTrue(client.awaitFinished(Duration.ofSeconds(10)));
            assertNull(client.failure());
            assertArrayEquals(payload, client.received());
            assertArrayEquals(payload, peer.received());
            assertEquals(1, peer.connectionsAccepted());
        }
    }

    @Test
    void sendingPeerSendsTheStreamItsDigestDescribes() throws Exception {
        int port = freePort();
        long size = 3 * (1 << 20) + 123; // more than one block of the repeated stream
        try (KernelPeer peer = KernelPeer.echo(null, port, new KernelPeer.Behaviour(Duration.ZERO, false, null, size));
             Socket s = new Socket("127.0.0.1", port)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            InputStream in = s.getInputStream();
            byte[] buf = new byte[65536];
            long total = 0;
            for (int n; (n = in.read(buf)) > 0; ) {
                sha.update(buf, 0, n);
                total += n;
            }
            assertEquals(size, total, "all of it, then FIN");
            assertEquals(HexFormat.of().formatHex(sha.digest()), peer.sentDigest());
        }
    }

    @Test
    void anAnsweringPeerSpeaksFirstWhenToldAndThenEachReplyOnceItHasReadWhatItWaitsFor() throws Exception {
        int port = freePort();
        java.util.List<KernelPeer.Answer> replies = java.util.List.of(new KernelPeer.Answer(0, "220 ready\n".getBytes()),
                new KernelPeer.Answer(10, "250 ok\n".getBytes()));
        try (KernelPeer peer = KernelPeer.echo(null, port, new KernelPeer.Behaviour(Duration.ZERO, false, null, 0, false,
                false, Duration.ZERO, 0, replies));
             Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            InputStream in = s.getInputStream();
            assertEquals("220 ready\n", new String(in.readNBytes(10)), "the banner, before we sent anything");
            s.getOutputStream().write("HELO a".getBytes()); // 6 of the 10 bytes the next reply waits for
            s.getOutputStream().flush();
            s.setSoTimeout(300);
            assertThrows(java.net.SocketTimeoutException.class, in::read, "no reply before 10 bytes have come");
            s.setSoTimeout(5000);
            s.getOutputStream().write("bc\n\n".getBytes());
            s.getOutputStream().flush();
            assertEquals("250 ok\n", new String(in.readNBytes(7)), "the second reply, not an echo");
            s.shutdownOutput();
            assertEquals(-1, in.read(), "then the peer closes after our FIN");
            assertEquals("HELO abc\n\n", new String(peer.received()));
        }
    }
}
