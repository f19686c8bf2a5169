package dev.tcplab.link;

import dev.tcplab.host.EnvironmentProblem;
import dev.tcplab.host.Shell;
import dev.tcplab.wire.Ipv4Address;
import java.util.ArrayList;
import java.util.List;

/**
 * The alternative RST guard, for when the endpoint must use an address the host kernel owns: the
 * kernel would answer the peer's SYN+ACK with RST (it knows no such socket), so drop the kernel's
 * RSTs from our source port. The rule carries the comment "tcplab pid=N" so a leftover is findable
 * with `nft list ruleset` and removable by the next run once process N is gone.
 */
public final class FirewallRstGuard implements AutoCloseable {
    static final String COMMENT_PREFIX = "tcplab pid=";

    private final String namespace;
    private final List<String> rule;
    private boolean installed;

    /**
     * @param namespace the network namespace whose kernel would send the RST, or null for this one
     */
    public FirewallRstGuard(String namespace, String iface, Ipv4Address addr, int portFrom, int portTo) {
        this.namespace = namespace;
        String ports = portFrom == portTo ? Integer.toString(portFrom) : portFrom + ":" + portTo;
        this.rule = List.of("OUTPUT", "-o", iface, "-p", "tcp", "--tcp-flags", "RST", "RST", "-s",
                addr.toString(), "--sport", ports, "-m", "comment", "--comment",
                COMMENT_PREFIX + ProcessHandle.current().pid(), "-j", "DROP");
    }

    public void install() {
        Shell.Result r = Shell.run(command("-A"));
        if (!r.ok()) {
            throw new EnvironmentProblem("could not install the firewall RST guard (iptables: " + r.stderr().strip()
                    + "); install iptables or use the default --rst-guard address.");
        }
        installed = true;
    }

    /** The iptables rule as text, for the run's header and for tests. */
    public String describe() {
        return "iptables -A " + String.join(" ", rule);
    }

    @Override
    public synchronized void close() {
        if (installed) {
            Shell.run(command("-D"));
            installed = false;
        }
    }

    private List<String> command(String op) {
        List<String> c = new ArrayList<>(Shell.inNamespace(namespace, "iptables", "-w", "5", op));
        c.addAll(rule); // the rule starts with its chain: "-A OUTPUT ...", "-D OUTPUT ..."
        return c;
    }

    /**
     * Removes guards left in this namespace by tcplab processes that no longer run (killed with
     * SIGKILL, say); returns how many.
     */
    public static int removeStale(String namespace) {
        Shell.Result r = Shell.run(Shell.inNamespace(namespace, "iptables", "-w", "5", "-S", "OUTPUT"));
        if (!r.ok()) {
            return 0;
        }
        int removed = 0;
        for (String line : r.stdout().split("\n")) {
            int at = line.indexOf(COMMENT_PREFIX);
            if (!line.startsWith("-A OUTPUT") || at < 0) {
                continue;
            }
            String pidText = line.substring(at + COMMENT_PREFIX.length()).replaceAll("[^0-9].*$", "");
            if (pidText.isEmpty() || ProcessHandle.of(Long.parseLong(pidText)).isPresent()) {
                continue;
            }
            List<String> del = new ArrayList<>(Shell.inNamespace(namespace, "iptables", "-w", "5"));
            del.add("-D");
            del.addAll(splitRule(line.substring("-A ".length())));
            if (Shell.run(del).ok()) {
                removed++;
            }
        }
        return removed;
    }

    /** Splits iptables -S output into words, keeping quoted comments whole. */
    static List<String> splitRule(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (char c : line.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ' ' && !quoted) {
                if (cur.length() > 0) {
                    words.add(cur.toString());
                    cur.setLength(0);
                }
            } else {
                cur.append(c);
            }
        }
        if (cur.length() > 0) {
            words.add(cur.toString());
        }
        return words;
    }
}
