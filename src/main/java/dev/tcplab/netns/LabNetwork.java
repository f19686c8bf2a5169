package dev.tcplab.netns;

import dev.tcplab.host.EnvironmentProblem;
import dev.tcplab.host.Shell;
import dev.tcplab.wire.Ipv4Address;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The embedded lab network: two namespaces joined by a veth pair, created straight inside them so
 * that nothing appears in the caller's namespace even briefly.
 *
 * <pre>
 *   tcplab-PID-K-lab                         tcplab-PID-K-peer
 *   [ tcplabPIDKa ] ------- veth ------- [ tcplabPIDKb  10.77.1.2/24 ]
 *     userspace endpoint: 10.77.1.1         kernel peer (a real socket)
 *     (no kernel interface owns it)
 * </pre>
 *
 * Names carry the creating process's PID so that a later run can tell a stale network (its
 * process is gone) from one in use. Offloads are off on both ends: the kernel then sends
 * MSS-sized segments with finished checksums, as in textbooks (FIELD-NOTES: TSO, partial checksums).
 */
public final class LabNetwork implements AutoCloseable {
    public static final String PREFIX = "tcplab-";
    public static final Ipv4Address USERSPACE_ADDR = Ipv4Address.parse("10.77.1.1");
    /** Given to the lab side's kernel only with the firewall RST guard, which needs a kernel-owned address. */
    public static final Ipv4Address PEER_ADDR = Ipv4Address.parse("10.77.1.2");
    private static final int PREFIX_LEN = 24;
    private static final Pattern NAME = Pattern.compile("^tcplab-(\\d+)-(\\w+)-(lab|peer)$");
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final String labNs;
    private final String peerNs;
    private final String labIf;
    private final String peerIf;
    private final List<Runnable> undo = new ArrayList<>();
    private boolean closed;

    private LabNetwork(String id) {
        this.labNs = PREFIX + id + "-lab";
        this.peerNs = PREFIX + id + "-peer";
        // Interface names are at most 15 bytes: "tcplab" + PID (≤ 7 digits) + K + side.
        String compact = id.replace("-", "");
        this.labIf = "tcplab" + compact + "a";
        this.peerIf = "tcplab" + compact + "b";
    }

    /** Builds a fresh lab network, removing stale ones first; removes itself on JVM exit too. */
    public static LabNetwork create() {
        long pid = ProcessHandle.current().pid();
        String k = Integer.toString(COUNTER.getAndIncrement() % 36, 36);
        LabNetwork n = new LabNetwork(pid + "-" + k);
        try {
            n.build();
        } catch (RuntimeException e) {
            n.close();
            throw e;
        }
        return n;
    }

    private void build() {
        addNamespace(labNs);
        addNamespace(peerNs);
        Shell.check("ip", "link", "add", labIf, "netns", labNs, "type", "veth", "peer", "name", peerIf, "netns", peerNs);
        for (String[] side : new String[][] {{labNs, labIf}, {peerNs, peerIf}}) {
            Shell.check("ip", "-n", side[0], "link", "set", "lo", "up");
            Shell.check("ip", "-n", side[0], "link", "set", side[1], "up");
            // tx off: finished checksums (no CHECKSUM_PARTIAL in the capture); tso/gso off: MSS-sized segments.
            Shell.Result r = Shell.run(Shell.inNamespace(side[0], "ethtool", "-K", side[1], "tx", "off", "tso", "off",
                    "gso", "off"));
            if (!r.ok() && r.stderr().contains("No such file")) {
                throw new EnvironmentProblem("ethtool is missing: apt-get install ethtool (./tcplab installs it).");
            }
        }
        Shell.check("ip", "-n", peerNs, "addr", "add", PEER_ADDR + "/" + PREFIX_LEN, "dev", peerIf);
        // The lab namespace's own kernel answers nothing: drop all IPv6 chatter too.
        Shell.run("ip", "netns", "exec", labNs, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1");
        Shell.run("ip", "netns", "exec", peerNs, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1");
    }

    private void addNamespace(String ns) {
        Shell.check("ip", "netns", "add", ns);
        undo.add(0, () -> Shell.run("ip", "netns", "delete", ns));
    }

    /** Gives the lab side's kernel the userspace address (for the firewall RST guard). */
    public void assignUserspaceAddressToKernel() {
        Shell.check("ip", "-n", labNs, "addr", "add", USERSPACE_ADDR + "/" + PREFIX_LEN, "dev", labIf);
    }

    public String labNamespace() { return labNs; }
    public String peerNamespace() { return peerNs; }
    public String labInterface() { return labIf; }
    public String peerInterface() { return peerIf; }

    /** Deletes both namespaces (the veth pair and any firewall rule inside go with them). Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Runnable r : undo) {
            r.run();
        }
    }

    /** Namespaces left by tcplab processes that no longer run; removes them and returns their names. */
    public static List<String> removeStale() {
        List<String> removed = new ArrayList<>();
        Shell.Result r = Shell.run("ip", "netns", "list");
        if (!r.ok()) {
            return removed;
        }
        for (String line : r.stdout().split("\n")) {
            String name = line.split(" ")[0].trim();
            Matcher m = NAME.matcher(name);
            if (!m.matches()) {
                continue;
            }
            long pid = Long.parseLong(m.group(1));
            if (ProcessHandle.of(pid).isPresent()) {
                continue; // a live run owns it (this one included)
            }
            if (Shell.run("ip", "netns", "delete", name).ok()) {
                removed.add(name);
            }
        }
        return removed;
    }

    /** All tcplab namespaces on the machine, for tests that check nothing was left behind. */
    public static List<String> existing() {
        List<String> names = new ArrayList<>();
        for (String line : Shell.run("ip", "netns", "list").stdout().split("\n")) {
            String name = line.split(" ")[0].trim();
            if (name.startsWith(PREFIX)) {
                names.add(name);
            }
        }
        return names;
    }
}
