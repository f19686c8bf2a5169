package dev.tcplab.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcplab.lab.PeerAgent;
import dev.tcplab.lab.RstGuard;
import dev.tcplab.lab.exercises.ExerciseRunner;
import dev.tcplab.lab.exercises.Exercises;
import dev.tcplab.text.Text;
import dev.tcplab.trace.TraceEvent;
import dev.tcplab.wire.HostPort;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;
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
    @RegisterExtension
    final TwoMachines machines = new TwoMachines();

    @ParameterizedTest
    @ValueSource(strings = {"seq-ack", "handshake", "close", "time-wait", "two-way", "keepalive", "window", "loss"})
    void everyExercisePassesAgainstAPeerMachineRunTheAgent(String name) {
        String synackRetries = TwoMachines.sysctlOnThePeer("net.ipv4.tcp_synack_retries");
        StringWriter text = new StringWriter();
        ExerciseRunner runner = new ExerciseRunner(new ExerciseRunner.Setup(TwoMachines.NIC,
                new HostPort(TwoMachines.PEER_ADDR, 7), new HostPort(TwoMachines.PEER_ADDR, PeerAgent.DEFAULT_PORT),
                TwoMachines.TCPLAB_ADDR, RstGuard.ADDRESS, Text.Lang.en, (w, capture) -> e -> { }),
                new PrintWriter(text, true), new PrintWriter(text, true));
        ExerciseRunner.Result r = runner.run(Exercises.named(name).orElseThrow());
        assertTrue(r.passed(), name + " on two machines did not pass:\n" + text + "\nagent: " + machines.agentLog);
        boolean fromAgent = r.timelines().stream().flatMap(t -> t.events().stream())
                .anyMatch(e -> e instanceof TraceEvent.Note n && n.text().en().startsWith("kernel peer's socket (sock_diag of "
                        + "the peer agent at " + TwoMachines.PEER_ADDR + ")"));
        assertTrue(fromAgent, "the peer's socket states came from the agent");
        assertEquals(synackRetries, TwoMachines.sysctlOnThePeer("net.ipv4.tcp_synack_retries"),
                "the agent put back what a run changed; its log: " + machines.agentLog);
    }
}
