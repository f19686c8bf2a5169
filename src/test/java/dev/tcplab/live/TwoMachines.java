package dev.tcplab.live;

import dev.tcplab.host.Shell;
import dev.tcplab.lab.Cleanup;
import dev.tcplab.lab.PeerAgent;
import dev.tcplab.netns.Namespaces;
import dev.tcplab.wire.Ipv4Address;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Two machines for each test of a class that registers this extension ({@code @RegisterExtension}), as an
 * instructor sets them up with VMs: the student's machine is this namespace with a named interface ({@link #NIC}),
 * the peer machine a namespace ({@link #PEER_VM}) that runs `tcplab peer agent` (in this JVM), joined by a veth.
 * Both are removed after each test, also a failed one, and nothing of tcplab's may be left.
 */
final class TwoMachines implements BeforeEachCallback, AfterEachCallback {
    static final long PID = ProcessHandle.current().pid();
    static final String PEER_VM = "tcplab-" + PID + "-t-vm2";   // the pattern stale cleanup knows
    static final String NIC = "tcplabt" + PID + "c";
    static final String PEER_IF = "tcplabt" + PID + "d";
    static final Ipv4Address PEER_ADDR = Ipv4Address.parse("10.77.8.2");
    static final String OUR_KERNEL_ADDR = "10.77.8.3";   // the control connection's
    /** tcplab's own address on the NIC: one no kernel interface has (the RST guard's default). */
    static final Ipv4Address TCPLAB_ADDR = Ipv4Address.parse("10.77.8.1");

    final List<String> agentLog = Collections.synchronizedList(new ArrayList<>());
    /** Undone after each test, and from a shutdown hook when the test run is stopped (Ctrl-C). */
    private Cleanup undo;

    @Override
    public void beforeEach(ExtensionContext context) {
        Live.require("ip", "ss", "ethtool", "sysctl");
        agentLog.clear();
        undo = new Cleanup();
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
            PeerAgent agent = Namespaces.call(PEER_VM, () -> PeerAgent.listen(PeerAgent.DEFAULT_PORT, agentLog::add));
            undo.add(agent);
            Namespaces.start(PEER_VM, "peer-agent", agent::serve);
        } catch (RuntimeException e) {
            undo.close();
            throw e;
        }
    }

    /** A sysctl's value on the peer machine. */
    static String sysctlOnThePeer(String key) {
        return Shell.check("ip", "netns", "exec", PEER_VM, "sysctl", "-n", key).strip();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (undo != null) {
            undo.close();
        }
        Live.assertNothingLeft();
    }
}
