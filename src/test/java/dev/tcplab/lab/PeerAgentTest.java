package dev.tcplab.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcplab.host.EnvironmentProblem;
import dev.tcplab.wire.HostPort;
import dev.tcplab.wire.Ipv4Address;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
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
