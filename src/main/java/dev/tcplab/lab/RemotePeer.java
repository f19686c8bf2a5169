package dev.tcplab.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tcplab.host.EnvironmentProblem;
import dev.tcplab.netns.KernelSockets;
import dev.tcplab.text.Text;
import dev.tcplab.wire.HostPort;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The lab's side of a {@link PeerAgent} on the peer's machine: one control connection per run
 * (an ordinary kernel socket of this machine, not the userspace endpoint's address), over which
 * the run's peer is started and its kernel socket's state asked for. Closing it ends the run there.
 */
public final class RemotePeer implements AutoCloseable, KernelView.Lookup {
    private static final Duration CONNECT_WAIT = Duration.ofSeconds(3);
    /** An answer takes a round trip and a sock_diag question: milliseconds, or the agent is gone. */
    private static final Duration ANSWER_WAIT = Duration.ofSeconds(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HostPort agent;
    private final Socket socket;
    private final BufferedReader in;
    private final PrintWriter out;

    private RemotePeer(HostPort agent, Socket socket) throws IOException {
        this.agent = agent;
        this.socket = socket;
        socket.setSoTimeout((int) ANSWER_WAIT.toMillis());
        socket.setTcpNoDelay(true);
        this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        this.out = new PrintWriter(new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8));
    }

    public static RemotePeer connect(HostPort agent) {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(agent.addr().toString(), agent.port()), (int) CONNECT_WAIT.toMillis());
            return new RemotePeer(agent, s);
        } catch (IOException e) {
            try {
                s.close();
            } catch (IOException ignored) {
                // it never opened
            }
            throw new EnvironmentProblem("no tcplab peer agent at " + agent + " (" + e.getMessage()
                    + "): start it on the peer machine with 'sudo lab-scripts/peer-vm.sh' or "
                    + "'sudo ./tcplab peer agent'.", e);
        }
    }

    /** Starts the run's server or client there; throws with the agent's own words if it cannot. */
    public void start(PeerRequest request) {
        ObjectNode m = JSON.createObjectNode().put("op", "start");
        m.set("request", JSON.valueToTree(request));
        JsonNode reply = ask(m);
        if (!reply.path("ok").asBoolean()) {
            throw new EnvironmentProblem("the peer agent at " + agent + " could not start this run: "
                    + reply.path("error").asText("no answer"));
        }
    }

    /** The state of the agent machine's socket {@code local} ↔ {@code remote}, as its kernel says. */
    @Override
    public KernelSockets.Socket find(HostPort local, HostPort remote) {
        JsonNode reply = ask(JSON.createObjectNode().put("op", "state").put("local", local.toString())
                .put("remote", remote.toString()));
        if (reply.has("error")) {
            return new KernelSockets.Socket("unknown", local.toString(), remote.toString(), "");
        }
        return new KernelSockets.Socket(reply.path("state").asText("unknown"), local.toString(), remote.toString(),
                reply.path("timer").asText(""));
    }

    @Override
    public Text where() {
        return Text.of("sock_diag of the peer agent at " + agent.addr(), agent.addr() + " 上对端代理的 sock_diag");
    }

    private JsonNode ask(ObjectNode message) {
        try {
            out.println(JSON.writeValueAsString(message));
            out.flush();
            String line = in.readLine();
            if (line == null) {
                throw new EnvironmentProblem("the peer agent at " + agent + " closed the control connection");
            }
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new EnvironmentProblem("the peer agent at " + agent + " stopped answering: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // the run ends either way: the agent sees the connection close
        }
    }
}
