package dev.tcplab.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcplab.host.Shell;
import dev.tcplab.lab.Cleanup;
import dev.tcplab.lab.PeerAgent;
import dev.tcplab.lab.RstGuard;
import dev.tcplab.lab.exercises.ExerciseRunner;
import dev.tcplab.lab.exercises.Exercises;
import dev.tcplab.netns.Namespaces;
import dev.tcplab.text.Text;
import dev.tcplab.trace.TraceEvent;
import dev.tcplab.wire.HostPort;
import dev.tcplab.wire.Ipv4Address;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A lab on two machines, as an instructor sets it up with VMs: the student's machine is this
 * namespace with a named interface (`lab --iface --peer --agent`), the peer machine a namespace that
 * runs `tcplab peer agent`, joined by a veth. Every exercise must pass there too, its checks reading
 * the peer kernel's socket states through the agent, and the agent must put back what it changed.
 */
@Tag("live")
class TwoMachineLabLiveTest {
    static final long PID = ProcessHandle.current().pid();
    static final String PEER_VM = "tcplab-" + PID + "-t-vm2";   // the pattern stale cleanup knows
    static final String NIC = "tcplabt" + PID + "c";
    static final String PEER_IF = "tcplabt" + PID + "d";
    static final Ipv4Address PEER_ADDR = Ipv4Address.parse("10.77.8.2");
    static final String OUR_KERNEL_ADDR = "10.77.8.3";   // the control connection's; tcplab itself uses .1

    PeerAgent agent;
    final List<String> agentLog = Collections.synchronizedList(new ArrayList<>());

    /** Undone after each test, and from a shutdown hook when the test run is stopped (Ctrl-C). */
    final Cleanup undo = new Cleanup();

    @BeforeEach
    void buildTwoMachines() {
        Live.require("ip", "ss", "ethtool", "sysctl");
        try {
            Shell.check("ip", "netns", "add", PEER_VM);
            undo.add(() -> Shell.run("ip", "netns", "delete", PEER_VM));
            Shell.check("ip", "link", "add", NIC, "type", "veth", "peer", "name", PEER_IF, "netns", PEER_VM);
            undo.add(() -> Shell.run("ip", "link", "delete", NIC));
            Shell.check("ip", "addr", "add", OUR_KERNEL_ADDR + "/24", "dev", NIC);
            Shell.check("ip", "link", "set", NIC, "up");
            Shell.check("ethtool", "-K", NIC, "tx", "off", "tso", "off", "gso", "off");
            Shell.check("ip", "-n", PEER_VM, "link", "set", "lo", "up");
            Shell.check("ip", "-n", PEER_VM, "link", "set", PEER_IF, "up");
            Shell.check("ip", "-n", PEER_VM, "addr", "add", PEER_ADDR + "/24", "dev", PEER_IF);
            Shell.check("ip", "netns", "exec", PEER_VM, "ethtool", "-K", PEER_IF, "tx", "off", "tso", "off", "gso", "off");
            agent = Namespaces.call(PEER_VM, () -> PeerAgent.listen(PeerAgent.DEFAULT_PORT, agentLog::add));
            undo.add(agent);
            Namespaces.start(PEER_VM, "peer-agent", agent::serve);
        } catch (RuntimeException e) {
            tearDown();
            throw e;
        }
    }

    @AfterEach
    void tearDown() {
        undo.close();
        Live.assertNothingLeft();
    }

    @ParameterizedTest
    @ValueSource(strings = {"seq-ack", "handshake", "close", "time-wait", "two-way", "keepalive", "window", "loss"})
    void everyExercisePassesAgainstAPeerMachineRunTheAgent(String name) {
        String synackRetries = sysctlIn(PEER_VM, "net.ipv4.tcp_synack_retries");
        StringWriter text = new StringWriter();
        ExerciseRunner runner = new ExerciseRunner(new ExerciseRunner.Setup(NIC, new HostPort(PEER_ADDR, 7),
                new HostPort(PEER_ADDR, PeerAgent.DEFAULT_PORT), Ipv4Address.parse("10.77.8.1"), RstGuard.ADDRESS,
                Text.Lang.en, (w, capture) -> e -> { }), new PrintWriter(text, true), new PrintWriter(text, true));
        ExerciseRunner.Result r = runner.run(Exercises.named(name).orElseThrow());
        assertTrue(r.passed(), name + " on two machines did not pass:\n" + text + "\nagent: " + agentLog);
        boolean fromAgent = r.timelines().stream().flatMap(t -> t.events().stream())
                .anyMatch(e -> e instanceof TraceEvent.Note n && n.text().en().startsWith("kernel peer's socket (sock_diag of "
                        + "the peer agent at " + PEER_ADDR + ")"));
        assertTrue(fromAgent, "the peer's socket states came from the agent");
        assertEquals(synackRetries, sysctlIn(PEER_VM, "net.ipv4.tcp_synack_retries"),
                "the agent put back what a run changed; its log: " + agentLog);
    }

    static String sysctlIn(String ns, String key) {
        return Shell.check("ip", "netns", "exec", ns, "sysctl", "-n", key).strip();
    }
}
