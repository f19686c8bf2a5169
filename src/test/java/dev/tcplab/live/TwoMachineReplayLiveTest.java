package dev.tcplab.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcplab.host.Shell;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * `replay --live` on two machines, with the peer machine's agent: re-enacting the client, the agent's kernel server is
 * shaped by the --peer-* options as the lab's is; with --as server, tcplab listens on the student's machine's
 * interface and plays the recorded server, while the peer machine's kernel connects and plays the recorded client,
 * its segments then compared with the recorded client's, as on the lab network.
 */
@Tag("live")
class TwoMachineReplayLiveTest {
    @TempDir
    Path dir;
    @RegisterExtension
    final TwoMachines machines = new TwoMachines();

    /**
     * The client re-enacted on two machines: four-way-close-wait.pcap's server closed 1003 ms after the client's FIN.
     * The hint that says so (--peer-close-delay) shapes the server the peer machine's agent starts, as it shapes the
     * lab's, and followed, the peer machine's kernel answers segment for segment as the recorded server did.
     */
    @Test
    void theHintsShapeTheServerThePeerMachinesAgentStarts() {
        Shell.Result r = CliLiveTest.tcplab(Duration.ofSeconds(45), List.of(), "replay", "--live",
                "captures/four-way-close-wait.pcap", "--iface", TwoMachines.NIC, "--peer", TwoMachines.PEER_ADDR + ":7",
                "--src", TwoMachines.TCPLAB_ADDR.toString(), "--agent", TwoMachines.PEER_ADDR.toString(), "--follow-hints",
                "--msl", "100ms", "--capture", dir.resolve("live.pcap").toString(), "--format", "quiet");
        assertTrue(r.stderr().contains("following the hints: --peer-close-delay 1003ms"), r.stderr());
        assertEquals(0, r.exitCode(), r.stderr() + "\nagent: " + machines.agentLog);
        assertTrue(r.stderr().contains("answered as the recorded server did: 5 segments"), r.stderr());
        assertTrue(machines.agentLog.stream().anyMatch(l -> l.startsWith("kernel server on port 7: ")
                && l.contains("closeDelay=PT1.003S")), machines.agentLog.toString());
    }

    /**
     * passive-open-listen.pcap's Linux client sent 22 bytes and closed first; its server closed 313 ms after the
     * client's FIN. The peer machine's kernel does segment for segment what the recorded client did, from the peer
     * machine's address (tshark, on the live capture).
     */
    @Test
    void thePeerMachinesKernelPlaysTheRecordedClientThroughItsAgent() {
        Live.require("tshark");
        Path capture = dir.resolve("live.pcap");
        Shell.Result r = CliLiveTest.tcplab(Duration.ofSeconds(45), List.of(), "replay", "--live",
                "captures/passive-open-listen.pcap", "--as", "server", "--iface", TwoMachines.NIC, "--peer",
                TwoMachines.PEER_ADDR.toString(), "--src", TwoMachines.TCPLAB_ADDR.toString(), "--agent",
                TwoMachines.PEER_ADDR.toString(), "--msl", "100ms", "--capture", capture.toString(), "--format", "quiet");
        assertEquals(0, r.exitCode(), r.stderr() + "\nagent: " + machines.agentLog);
        assertTrue(r.stderr().contains("22 bytes in 1 reply; the peer machine's kernel connects as "
                + "10.77.1.2:38920 did and sends 22 bytes in 1 write; the client closed first"), r.stderr());
        assertTrue(r.stderr().contains("the recorded server's application closed 313 ms after the client's FIN: ours too"),
                r.stderr());
        assertTrue(r.stderr().contains("the live kernel client did as the recorded client did: 6 segments"), r.stderr());
        assertTrue(machines.agentLog.stream().anyMatch(l -> l.equals("kernel client connecting to "
                + TwoMachines.TCPLAB_ADDR + ":8080, playing a recorded client's 1 write")), machines.agentLog.toString());
        List<Tshark.Row> rows = Tshark.tcp(capture);
        List<Tshark.Row> fins = rows.stream().filter(Tshark.Row::hasFin).toList();
        assertEquals(2, fins.size(), rows.toString());
        assertEquals(8080, fins.get(0).dstPort(), "the peer machine's FIN first: " + fins);
        assertTrue(rows.stream().filter(row -> row.dstPort() == 8080).allMatch(row -> row.src().equals(
                TwoMachines.PEER_ADDR.toString())), "every client segment from the peer machine: " + rows);
    }
}
