package dev.tcplab.lab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcplab.host.EnvironmentProblem;
import dev.tcplab.netns.KernelClient;
import dev.tcplab.netns.KernelPeer;
import dev.tcplab.wire.HostPort;
import dev.tcplab.wire.Ipv4Address;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The agent's protocol on loopback: a run's server starts, its socket states are told, errors are said. */
class PeerAgentTest {
    static final Ipv4Address LOOPBACK = Ipv4Address.parse("127.0.0.1");
    // Copy-on-write: the agent's thread adds while the test walks it (a synchronized list's stream is not
    // synchronized, and once threw ConcurrentModificationException in CI).
    final List<String> log = new CopyOnWriteArrayList<>();
    PeerAgent agent;
    Thread serving;

    @BeforeEach
    void startAgent() {
        agent = PeerAgent.listen(0, log::add);
        serving = new Thread(agent::serve, "peer-agent");
        serving.start();
    }

    @AfterEach
    void stopAgent() throws InterruptedException {
        agent.close();
        serving.join(5000);
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void aRunsServerEchoesAndItsSocketStateIsToldUntilTheRunEnds() throws Exception {
        int port = freePort();
        try (RemotePeer remote = RemotePeer.connect(new HostPort(LOOPBACK, agent.port()))) {
            remote.start(PeerRequest.server(port, PeerOptions.DEFAULT));
            try (Socket client = new Socket()) {
                client.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                OutputStream out = client.getOutputStream();
                out.write("hi\n".getBytes(StandardCharsets.US_ASCII));
                InputStream in = client.getInputStream();
                byte[] back = in.readNBytes(3);
                assertEquals("hi\n", new String(back, StandardCharsets.US_ASCII), "the agent's server echoes");
                HostPort ours = new HostPort(LOOPBACK, client.getLocalPort());
                assertEquals("ESTAB", remote.find(new HostPort(LOOPBACK, port), ours).state(),
                        "the agent's kernel tells its socket's state");
            }
        }
        // The run is over: the agent stopped its server.
        for (int i = 0; i < 50 && log.stream().noneMatch(l -> l.contains("done")); i++) {
            Thread.sleep(20);
        }
        try (Socket late = new Socket()) {
            assertThrows(java.io.IOException.class, () -> late.connect(new InetSocketAddress("127.0.0.1", port), 500),
                    "after the run nothing listens on its port");
        }
    }

    /**
     * `replay --live --as server` on two machines: the agent's kernel plays a recorded client against the lab's
     * server (here a plain socket on loopback): its first write at once, its second only once the server has sent
     * its 5 bytes, then its FIN first, as recorded. The writes' bytes cross the control connection in base64.
     */
    @Test
    void aRunsClientPlaysARecordedClientTurnByTurnAndClosesFirst() throws Exception {
        byte[] binary = {0, (byte) 0xff, (byte) 0xc3, 0x28, '\n'}; // not UTF-8: it must cross unchanged
        List<KernelClient.Turn> writes = List.of(new KernelClient.Turn(0, "GET".getBytes(StandardCharsets.US_ASCII),
                Duration.ZERO), new KernelClient.Turn(5, binary, Duration.ZERO));
        KernelClient.Play play = new KernelClient.Play(writes, true, 5, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(5),
                null, false);
        try (ServerSocket lab = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             RemotePeer remote = RemotePeer.connect(new HostPort(LOOPBACK, agent.port()))) {
            lab.setSoTimeout(5000);
            remote.start(PeerRequest.player("127.0.0.1:" + lab.getLocalPort(), PeerRequest.Playing.of(play,
                    Duration.ofSeconds(10)), PeerOptions.DEFAULT));
            try (Socket c = lab.accept()) {
                c.setSoTimeout(5000);
                InputStream in = c.getInputStream();
                assertEquals("GET", new String(in.readNBytes(3), StandardCharsets.US_ASCII), "the first write, at once");
                Thread.sleep(200); // nothing more may come before the server has answered
                assertEquals(0, in.available(), "the second write waits for the server's 5 bytes");
                c.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
                assertArrayEquals(binary, in.readNBytes(binary.length), "the second write, byte for byte");
                assertEquals(-1, in.read(), "then the recorded client's FIN, before the server's");
            }
        }
        assertTrue(log.stream().anyMatch(l -> l.contains("playing a recorded client's 2 writes")), log.toString());
    }

    /** A re-enacted client's server on the peer machine (--peer-answers with --agent): the recorded replies, in turn. */
    @Test
    void aRunsServerAnswersWithTheRecordedRepliesOnceItHasReadEnough() throws Exception {
        int port = freePort();
        byte[] binary = {0, (byte) 0xff, (byte) 0xc3, 0x28}; // not UTF-8: it must cross unchanged
        PeerOptions replies = PeerOptions.DEFAULT.withAnswers(List.of(new KernelPeer.Answer(4, binary)));
        try (RemotePeer remote = RemotePeer.connect(new HostPort(LOOPBACK, agent.port()))) {
            remote.start(PeerRequest.server(port, replies));
            try (Socket client = new Socket()) {
                client.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                client.setSoTimeout(5000);
                OutputStream out = client.getOutputStream();
                InputStream in = client.getInputStream();
                out.write("GE".getBytes(StandardCharsets.US_ASCII));
                Thread.sleep(200); // no reply may come before the server has read 4 bytes
                assertEquals(0, in.available(), "the reply waits for the 4 bytes the recorded server had read");
                out.write("T ".getBytes(StandardCharsets.US_ASCII));
                assertArrayEquals(binary, in.readNBytes(binary.length), "the recorded reply, byte for byte, not an echo");
            }
        }
    }

    /** A large upload's reply: 16 MB, more than Jackson reads in one string by default (20 M characters of base64). */
    @Test
    void aReplyLargerThanJacksonsDefaultStringCrossesWhole() throws Exception {
        int port = freePort();
        byte[] big = new byte[16 << 20];
        new java.util.Random(7).nextBytes(big);
        try (RemotePeer remote = RemotePeer.connect(new HostPort(LOOPBACK, agent.port()))) {
            remote.start(PeerRequest.server(port, PeerOptions.DEFAULT.withAnswers(List.of(new KernelPeer.Answer(1, big)))));
            try (Socket client = new Socket()) {
                client.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                client.setSoTimeout(10_000);
                client.getOutputStream().write('x');
                assertArrayEquals(big, client.getInputStream().readNBytes(big.length), "the 16 MB reply, byte for byte");
            }
        }
    }

    @Test
    void aRecordedClientOutOfRangeIsRefused() {
        List<PeerRequest.Playing.Write> none = List.of();
        assertThrows(IllegalArgumentException.class, () -> new PeerRequest.Playing(none, true, 0, 0, 0, 0, null, false, 0),
                "a run needs a time limit");
        assertThrows(IllegalArgumentException.class, () -> new PeerRequest.Playing(List.of(
                new PeerRequest.Playing.Write(0, new byte[1], -1)), true, 0, 0, 0, 0, null, false, 1),
                "a negative pause");
        assertThrows(IllegalArgumentException.class, () -> new PeerRequest.Playing(none, true, 0, 0, 0, 0, null, false,
                PeerAgent.MAX_RUN.toNanos() + 1), "longer than the agent lets a run last");
    }

    @Test
    void aRequestTheAgentRefusesIsAnsweredWithTheReason() throws Exception {
        try (Socket control = new Socket("127.0.0.1", agent.port())) {
            control.setSoTimeout(5000);
            control.getOutputStream().write(("{\"op\":\"start\",\"request\":{\"role\":\"server\",\"port\":9,"
                    + "\"sysctls\":{\"kernel.panic\":\"1\"}}}\n{\"op\":\"dance\"}\n").getBytes(StandardCharsets.UTF_8));
            java.io.BufferedReader in = new java.io.BufferedReader(
                    new java.io.InputStreamReader(control.getInputStream(), StandardCharsets.UTF_8));
            String refused = in.readLine();
            assertTrue(refused.contains("error") && refused.contains("only net.ipv4.tcp_"), refused);
            String unknown = in.readLine();
            assertTrue(unknown.contains("unknown op 'dance'"), unknown);
        }
    }

    @Test
    void anAgentForOneLabMachineRefusesAnyOther() throws Exception {
        try (PeerAgent strict = PeerAgent.listen(0, log::add, Ipv4Address.parse("10.77.8.99"))) {
            Thread t = new Thread(strict::serve, "strict-agent");
            t.start();
            try (RemotePeer remote = RemotePeer.connect(new HostPort(LOOPBACK, strict.port()))) {
                EnvironmentProblem e = assertThrows(EnvironmentProblem.class,
                        () -> remote.start(PeerRequest.server(freePort(), PeerOptions.DEFAULT)));
                assertTrue(e.getMessage().contains("closed the control connection"), e.getMessage());
            }
            assertTrue(log.stream().anyMatch(l -> l.startsWith("refused a control connection from 127.0.0.1")), log.toString());
            strict.close();
            t.join(5000);
        }
    }

    @Test
    void noAgentIsOneSentenceNamingTheFix() throws Exception {
        int nobody = freePort();
        EnvironmentProblem e = assertThrows(EnvironmentProblem.class,
                () -> RemotePeer.connect(new HostPort(LOOPBACK, nobody)));
        assertTrue(e.getMessage().contains("peer agent"), e.getMessage());
    }
}
