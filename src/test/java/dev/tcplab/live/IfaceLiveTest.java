package dev.tcplab.live;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcplab.endpoint.TcpConfig;
import dev.tcplab.endpoint.TcpState;
import dev.tcplab.host.Shell;
import dev.tcplab.lab.Cleanup;
import dev.tcplab.lab.ConnectOptions;
import dev.tcplab.lab.ConnectOutcome;
import dev.tcplab.lab.ConnectRun;
import dev.tcplab.lab.RstGuard;
import dev.tcplab.link.PeerUnreachableException;
import dev.tcplab.netns.KernelClient;
import dev.tcplab.netns.KernelPeer;
import dev.tcplab.trace.TraceEvent;
import dev.tcplab.wire.HostPort;
import dev.tcplab.wire.Ipv4Address;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `connect --iface`: the path for a real NIC, tried on a veth this test makes, one end in this
 * namespace (the "NIC") and the other in a namespace holding a kernel echo server (the "peer VM").
 */
@Tag("live")
class IfaceLiveTest {
    static final long PID = ProcessHandle.current().pid();
    static final String PEER_NS = "tcplab-" + PID + "-t-peer";   // the pattern stale cleanup knows
    static final String NIC = "tcplabt" + PID + "a";
    static final String PEER_IF = "tcplabt" + PID + "b";
    static final Ipv4Address PEER_ADDR = Ipv4Address.parse("10.77.9.2");
    static final byte[] PAYLOAD = "over a named interface\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;
    KernelPeer peer;
    final StringWriter info = new StringWriter();
    final List<TraceEvent> events = new ArrayList<>();

    /** Undone after each test, and from a shutdown hook when the test run is stopped (Ctrl-C). */
    final Cleanup undo = new Cleanup();

    @BeforeEach
    void buildNicAndPeer() {
        Live.require("ip", "ss", "tshark", "iptables", "ethtool");
        try {
            Shell.check("ip", "netns", "add", PEER_NS);
            undo.add(() -> Shell.run("ip", "netns", "delete", PEER_NS));
            Shell.check("ip", "link", "add", NIC, "type", "veth", "peer", "name", PEER_IF, "netns", PEER_NS);
            undo.add(() -> Shell.run("ip", "link", "delete", NIC));
            Shell.check("ip", "link", "set", NIC, "up");
            Shell.check("ip", "-n", PEER_NS, "link", "set", "lo", "up");
            Shell.check("ip", "-n", PEER_NS, "link", "set", PEER_IF, "up");
            Shell.check("ip", "-n", PEER_NS, "addr", "add", PEER_ADDR + "/24", "dev", PEER_IF);
            Shell.check("ip", "netns", "exec", PEER_NS, "ethtool", "-K", PEER_IF, "tx", "off", "tso", "off");
            peer = KernelPeer.echo(PEER_NS, 7);
            undo.add(peer);
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

    ConnectOutcome connect(RstGuard guard, String src, HostPort to, TcpConfig tcp) {
        ConnectOptions o = new ConnectOptions(NIC, to, src == null ? null : Ipv4Address.parse(src), 0, 0, PAYLOAD, tcp,
                guard, dir.resolve("iface.pcap"), Duration.ofSeconds(20), Duration.ofSeconds(2));
        return new ConnectRun(o, events::add, new PrintWriter(info, true)).execute();
    }

    static TcpConfig quick() {
        return TcpConfig.defaults().withMsl(Duration.ofMillis(200));
    }

    @Test
    void addressGuardOnANamedInterface() {
        ConnectOutcome o = connect(RstGuard.ADDRESS, "10.77.9.1", new HostPort(PEER_ADDR, 7), quick());
        assertTrue(o.complete(PAYLOAD), () -> o + "\n" + info);
        assertEquals(new String(PAYLOAD, StandardCharsets.US_ASCII),
                new String(peer.received(), StandardCharsets.US_ASCII), "the kernel peer got our bytes");
    }

    @Test
    void addressGuardRefusesAnAddressTheKernelOwns() {
        Shell.check("ip", "addr", "add", "10.77.9.1/24", "dev", NIC);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> connect(RstGuard.ADDRESS, "10.77.9.1", new HostPort(PEER_ADDR, 7), quick()));
        assertTrue(e.getMessage().contains("belongs to a kernel interface"), e.getMessage());
    }

    @Test
    void firewallGuardUsesTheInterfacesOwnAddressAndRemovesItsRule() {
        Shell.check("ip", "addr", "add", "10.77.9.1/24", "dev", NIC);
        ConnectOutcome o = connect(RstGuard.FIREWALL, null, new HostPort(PEER_ADDR, 7), quick());
        assertTrue(o.complete(PAYLOAD), () -> o + "\n" + info);
        assertTrue(info.toString().contains("-s 10.77.9.1"), info.toString());
        assertFalse(Shell.check("iptables", "-w", "5", "-S", "OUTPUT").contains("tcplab"),
                "the rule is gone after the run");
        assertFalse(Tshark.tcp(dir.resolve("iface.pcap")).stream().anyMatch(Tshark.Row::hasRst));
    }

    @Test
    void firewallRuleIsRemovedWhenTheRunFailsToo() {
        Shell.check("ip", "addr", "add", "10.77.9.1/24", "dev", NIC);
        // Nobody owns 10.77.9.3: no ARP answer, the run throws after installing its rule.
        assertThrows(PeerUnreachableException.class,
                () -> connect(RstGuard.FIREWALL, null, new HostPort(Ipv4Address.parse("10.77.9.3"), 7), quick()));
        assertFalse(Shell.check("iptables", "-w", "5", "-S", "OUTPUT").contains("tcplab"));
    }

    @Test
    void refusedConnectionIsExit1FromTheCommandLine() {
        // The kernel peer listens on 7; on 9 its kernel answers our SYN with RST+ACK.
        Shell.Result r = CliLiveTest.tcplab(List.of(), "connect", "--iface", NIC, "--peer", PEER_ADDR + ":9", "--src",
                "10.77.9.1", "--capture", dir.resolve("refused.pcap").toString());
        assertEquals(1, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("connection refused"), r.stderr());
    }

    @Test
    void peerThatDropsEverySynFailsAfterTheRetriesWithWhatWasTried() {
        Shell.check("ip", "netns", "exec", PEER_NS, "iptables", "-w", "5", "-A", "INPUT", "-p", "tcp", "--syn",
                "-j", "DROP");
        TcpConfig tcp = quick().withSynRetries(2).withInitialRto(Duration.ofMillis(100));
        ConnectOutcome o = connect(RstGuard.ADDRESS, "10.77.9.1", new HostPort(PEER_ADDR, 7), tcp);
        assertFalse(o.established());
        assertTrue(o.closeReason().contains("3 transmissions"), o.closeReason());
        List<Long> synTimes = events.stream()
                .filter(e -> e instanceof TraceEvent.SegmentEvent s && s.segment().flags().syn())
                .map(TraceEvent::timeNanos).toList();
        assertEquals(3, synTimes.size());
        long gap1 = synTimes.get(1) - synTimes.get(0);
        long gap2 = synTimes.get(2) - synTimes.get(1);
        // RFC 6298 §5.5: the timer doubles (100 ms, then 200 ms), give or take the scheduler.
        assertTrue(gap1 >= 100_000_000L && gap1 < 180_000_000L, "first gap " + gap1 / 1e6 + " ms");
        assertTrue(gap2 >= 200_000_000L && gap2 < 300_000_000L, "second gap " + gap2 / 1e6 + " ms");
    }

    /**
     * Issue 3: a simultaneous open, live (RFC 9293 figure 7). Our SYN is held back 150 ms and our
     * SYN+ACK 300 ms, while a kernel client connects to us from the very port we are connecting to:
     * the two SYNs cross, and each side, in SYN_SENT, answers the other's SYN with SYN+ACK and
     * passes through SYN_RECEIVED. The kernel's SYN+ACK reaches us first; its sequence number is
     * old news to us (we have its SYN), so we answer with an ACK (RFC 9293 §3.10.7.4), which
     * completes the kernel's side; its data then completes ours. Our own SYN+ACK, held back longer
     * than the whole exchange, never goes out. The connection carries data both ways.
     */
    @Test
    void simultaneousOpenBothSidesPassThroughSynReceived() {
        int ourPort = 61234, theirPort = 40007;
        HostPort us = new HostPort(Ipv4Address.parse("10.77.9.10"), ourPort);
        java.util.List<dev.tcplab.link.FaultRule> hold = java.util.List.of(
                dev.tcplab.link.FaultRule.parse(dev.tcplab.link.FaultRule.Action.DELAY, "out:syn:1:150ms"),
                dev.tcplab.link.FaultRule.parse(dev.tcplab.link.FaultRule.Action.DELAY, "out:syn-ack:1:300ms"));
        ConnectOptions o = new ConnectOptions(NIC, new HostPort(PEER_ADDR, theirPort), us.ipv4(), ourPort, 0, PAYLOAD,
                quick(), RstGuard.ADDRESS, dir.resolve("simultaneous-open.pcap"), Duration.ofSeconds(20),
                Duration.ofSeconds(2)).withFaults(hold);
        KernelClient[] client = new KernelClient[1];
        dev.tcplab.lab.LiveSession.Script script = new dev.tcplab.lab.LiveSession.Script() {
            int steps;
            boolean echoed;
            boolean closed;

            @Override
            public boolean step(dev.tcplab.endpoint.TcpConnection conn, dev.tcplab.lab.LiveSession session) {
                steps++;
                if (steps == 1) {
                    conn.open();               // our SYN leaves, held back 150 ms on the link
                    return false;
                }
                if (steps == 2) {              // the kernel connects to us from the port we are connecting to
                    client[0] = KernelClient.start(PEER_NS, us.addr().toString(), ourPort, theirPort, PAYLOAD,
                            Duration.ofSeconds(3));
                }
                TcpState s = conn.state();
                if (s == TcpState.CLOSED) {
                    return true;
                }
                if (!echoed && s == TcpState.ESTABLISHED && session.receivedCount() >= PAYLOAD.length) {
                    echoed = true;
                    conn.send(session.received());
                }
                if (echoed && !closed && conn.unacknowledgedBytes() == 0
                        && (conn.peerClosed() || s == TcpState.ESTABLISHED && client[0].awaitFinished(Duration.ZERO))) {
                    closed = true;
                    conn.close();
                }
                return false;
            }
        };
        try {
            ConnectOutcome out = new ConnectRun(o, events::add, new PrintWriter(info, true), () -> script).execute();
            java.util.List<String> ours = Live.states(events);
            assertTrue(ours.indexOf("SYN_SENT") >= 0 && ours.indexOf("SYN_RECEIVED") > ours.indexOf("SYN_SENT")
                    && ours.indexOf("ESTABLISHED") > ours.indexOf("SYN_RECEIVED"), "our states: " + ours + "\n" + info);
            assertTrue(client[0].awaitFinished(Duration.ofSeconds(5)));
            assertArrayEquals(PAYLOAD, client[0].received(), "the kernel client got its bytes back through us");
            java.util.List<Tshark.Row> rows = Tshark.tcp(dir.resolve("simultaneous-open.pcap"));
            long bareSynsOut = rows.stream().filter(r -> r.hasSyn() && !r.hasAck() && r.srcPort() == ourPort).count();
            long bareSynsIn = rows.stream().filter(r -> r.hasSyn() && !r.hasAck() && r.srcPort() == theirPort).count();
            long synAcksIn = rows.stream().filter(r -> r.hasSyn() && r.hasAck() && r.srcPort() == theirPort).count();
            assertEquals(java.util.List.of(1L, 1L, 1L), java.util.List.of(bareSynsOut, bareSynsIn, synAcksIn),
                    "a bare SYN each way, and the kernel, its own SYN out, answered ours with SYN+ACK; seen: "
                            + events.stream().filter(e -> e instanceof TraceEvent.SegmentEvent).map(e -> {
                                TraceEvent.SegmentEvent x = (TraceEvent.SegmentEvent) e;
                                return x.timeNanos() / 1_000_000 + "ms " + x.direction() + " " + x.segment().flags() + " "
                                        + x.state() + (x.why() == null ? "" : " (" + x.why() + ")");
                            }).toList());
            assertTrue(out.established(), out.toString());
        } finally {
            if (client[0] != null) {
                client[0].close();
            }
        }
    }

    /**
     * The two-machine listen of `tcplab peer connect --help`, from the command line: tcplab listens on the
     * "NIC" naming the client by its address alone (its port is the client kernel's choice), and
     * `tcplab peer connect` runs on the "peer VM". It used to be refused: --peer wanted ADDR:PORT.
     */
    @Test
    void listenOnTheInterfaceTakesTheClientByItsAddressAndPeerConnectTalksToIt() throws Exception {
        List<String> listen = new ArrayList<>(List.of(CliLiveTest.javaBin(), "-cp", System.getProperty("java.class.path"),
                "dev.tcplab.cli.Main", "listen", "8080", "--iface", NIC, "--peer", PEER_ADDR.toString(), "--src",
                "10.77.9.1", "--msl", "200ms", "--timeout", "20s", "--capture", dir.resolve("listen.pcap").toString()));
        Process tcplab = new ProcessBuilder(listen).redirectError(dir.resolve("listen.err").toFile()).start();
        try {
            java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(tcplab.getInputStream(),
                    StandardCharsets.UTF_8));
            StringBuilder ladder = new StringBuilder();
            for (String line; (line = out.readLine()) != null && !line.contains("listening on 10.77.9.1:8080"); ) {
                ladder.append(line).append('\n');
            }
            Shell.Result client = Shell.run("ip", "netns", "exec", PEER_NS, CliLiveTest.javaBin(), "-cp",
                    System.getProperty("java.class.path"), "dev.tcplab.cli.Main", "peer", "connect", "10.77.9.1:8080",
                    "--wait", "2s");
            assertEquals(0, client.exitCode(), client.stderr() + "\n" + ladder);
            assertTrue(client.stderr().contains("got 22 back (the same), closed"), client.stderr());
            out.transferTo(java.io.Writer.nullWriter());
            assertTrue(tcplab.waitFor(20, java.util.concurrent.TimeUnit.SECONDS), "listen ended");
            String err = java.nio.file.Files.readString(dir.resolve("listen.err"));
            assertEquals(0, tcplab.exitValue(), err);
            assertTrue(err.contains("done: the client's"), err);
        } finally {
            tcplab.destroy();
            tcplab.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
        }
    }
}
