package dev.tcplab.lab;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tcplab.host.EnvironmentProblem;
import dev.tcplab.host.Shell;
import dev.tcplab.netns.KernelClient;
import dev.tcplab.netns.KernelPeer;
import dev.tcplab.netns.KernelSockets;
import dev.tcplab.netns.SockDiag;
import dev.tcplab.wire.HostPort;
import dev.tcplab.wire.Ipv4Address;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The kernel peer of a lab on two machines, run on the peer's machine (`tcplab peer agent`): the
 * lab, on the student's machine, asks it over a control connection for what each run needs (a
 * server that closes late, probes with keep-alive or answers as a recorded server did, a client that
 * connects to tcplab, or one that plays a recorded client for `replay --live --as server`, a sysctl
 * for the run's length) and for the state of its socket as its kernel reports it (sock_diag), so
 * that every exercise and re-enactment can run and check on two machines as in the embedded lab
 * network.
 *
 * <p>Protocol: one JSON object per line. {@code {"op":"start","request":{PeerRequest}}} answers
 * {@code {"ok":true}}; {@code {"op":"state","local":"A:P","remote":"B:Q"}} answers the socket
 * ({@code state}, {@code timer}); closing the control connection ends the run: the server or client
 * stops and every sysctl gets its old value back. One lab at a time; a run lasts at most
 * {@link #MAX_RUN}.
 */
public final class PeerAgent implements AutoCloseable {
    public static final int DEFAULT_PORT = 7070;
    /** A run the lab never ends (it crashed, the network broke) is ended by the agent after this. */
    static final Duration MAX_RUN = Duration.ofMinutes(15);
    private static final Duration CLIENT_READ_WAIT = Duration.ofSeconds(3);
    /**
     * A recorded write or reply crosses as one base64 string: Jackson's default cap on a string (20 M characters, about
     * 15 MB of data) would refuse a large transfer's. Here the cap is 256 M characters (about 190 MB).
     */
    static final int MAX_JSON_STRING = 256 << 20;
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(MAX_JSON_STRING).build()).build());

    private final ServerSocket server;
    private final Consumer<String> log;
    /** The only lab machine allowed to connect, or null for any. */
    private final java.net.InetAddress onlyFrom;
    private volatile boolean closed;

    private PeerAgent(ServerSocket server, Consumer<String> log, java.net.InetAddress onlyFrom) {
        this.server = server;
        this.log = log;
        this.onlyFrom = onlyFrom;
    }

    /** Listens for labs on {@code port} (all addresses of this machine), from any machine. */
    public static PeerAgent listen(int port, Consumer<String> log) {
        return listen(port, log, null);
    }

    /**
     * Listens for labs on {@code port}; with {@code onlyFrom} set, a control connection from any
     * other address is closed unanswered (the agent starts servers and sets sysctls on request).
     */
    public static PeerAgent listen(int port, Consumer<String> log, Ipv4Address onlyFrom) {
        try {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(port));
            return new PeerAgent(s, log, onlyFrom == null ? null : java.net.InetAddress.getByAddress(onlyFrom.toBytes()));
        } catch (IOException e) {
            throw new EnvironmentProblem("cannot listen on port " + port + " for labs: " + e.getMessage(), e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** An agent's address as a command line names it: ADDR, or ADDR:PORT ({@link #DEFAULT_PORT} when none). */
    public static HostPort addressOf(String agent) {
        return HostPort.parse(agent.contains(":") ? agent : agent + ":" + DEFAULT_PORT);
    }

    /** Serves labs one after another until {@link #close()}. */
    public void serve() {
        while (!closed) {
            try (Socket control = server.accept()) {
                control.setSoTimeout((int) MAX_RUN.toMillis());
                String who = control.getRemoteSocketAddress().toString().replaceFirst("^/", "");
                if (onlyFrom != null && !onlyFrom.equals(control.getInetAddress())) {
                    log.accept("refused a control connection from " + who + " (only " + onlyFrom.getHostAddress()
                            + " may use this agent)");
                    continue;
                }
                log.accept("lab connected from " + who);
                handle(control);
                log.accept("lab from " + who + " done");
            } catch (IOException e) {
                if (!closed) {
                    log.accept("control connection: " + e.getMessage());
                }
            }
        }
    }

    private void handle(Socket control) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(control.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter out = new PrintWriter(new OutputStreamWriter(control.getOutputStream(), StandardCharsets.UTF_8));
        try (Run run = new Run(log)) {
            String line;
            while ((line = readLine(in)) != null) {
                ObjectNode reply = JSON.createObjectNode();
                try {
                    answer(JSON.readTree(line), run, reply);
                } catch (IOException | RuntimeException e) {
                    reply.removeAll();
                    reply.put("error", String.valueOf(e.getMessage()));
                }
                out.println(JSON.writeValueAsString(reply));
                out.flush();
            }
        }
    }

    private static String readLine(BufferedReader in) throws IOException {
        try {
            return in.readLine();
        } catch (SocketTimeoutException e) {
            return null; // MAX_RUN without a word: the run ends
        }
    }

    private void answer(JsonNode m, Run run, ObjectNode reply) throws IOException {
        switch (m.path("op").asText()) {
            case "start" -> {
                run.start(JSON.treeToValue(m.get("request"), PeerRequest.class));
                reply.put("ok", true);
            }
            case "state" -> {
                KernelSockets.Socket s = run.state(HostPort.parse(m.path("local").asText()),
                        HostPort.parse(m.path("remote").asText()));
                reply.put("state", s.state()).put("timer", s.timer());
            }
            default -> throw new IllegalArgumentException("unknown op '" + m.path("op").asText() + "'");
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing: nothing to add
        }
    }

    /** One lab run on this machine: what it started, and the sysctls to put back. */
    private static final class Run implements AutoCloseable {
        private final Consumer<String> log;
        private final Map<String, String> oldSysctls = new LinkedHashMap<>();
        private KernelPeer server;
        private KernelClient client;
        private SockDiag diag;

        Run(Consumer<String> log) {
            this.log = log;
        }

        void start(PeerRequest r) {
            if (server != null || client != null) {
                throw new IllegalStateException("this run has started already");
            }
            r.sysctls().forEach((k, v) -> {
                oldSysctls.putIfAbsent(k, Shell.check("sysctl", "-n", k).strip());
                Shell.check("sysctl", "-qw", k + "=" + v);
                log.accept("for this run: " + k + "=" + v + " (was " + oldSysctls.get(k) + ")");
            });
            if (PeerRequest.SERVER.equals(r.role())) {
                server = KernelPeer.echo(null, r.port(), log, r.behaviour());
                log.accept("kernel server on port " + r.port() + ": " + r.behaviour());
            } else if (r.playing() != null) {
                HostPort to = HostPort.parse(r.connectTo());
                client = KernelClient.playing(null, to.addr().toString(), to.port(), r.playing().play(),
                        r.playing().limit());
                int writes = r.playing().writes().size();
                log.accept("kernel client connecting to " + to + ", playing a recorded client's " + writes + " write"
                        + (writes == 1 ? "" : "s"));
            } else {
                HostPort to = HostPort.parse(r.connectTo());
                byte[] payload = r.payload() == null ? new byte[0] : r.payload().getBytes(StandardCharsets.UTF_8);
                client = KernelClient.start(null, to.addr().toString(), to.port(), payload, CLIENT_READ_WAIT);
                log.accept("kernel client connecting to " + to);
            }
        }

        KernelSockets.Socket state(HostPort local, HostPort remote) {
            if (diag == null) {
                diag = SockDiag.open(null);
            }
            return diag.find(local.ipv4(), local.port(), remote.ipv4(), remote.port());
        }

        @Override
        public void close() {
            if (server != null) {
                server.close();
            }
            if (client != null) {
                client.close();
            }
            if (diag != null) {
                diag.close();
            }
            oldSysctls.forEach((k, v) -> {
                Shell.run("sysctl", "-qw", k + "=" + v);
                log.accept("put back " + k + "=" + v);
            });
        }
    }
}
