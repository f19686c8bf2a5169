package dev.tcplab.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tcplab.host.Privileges;
import dev.tcplab.host.Shell;
import dev.tcplab.netns.LabNetwork;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * What every live test needs: root's capabilities and the tools (ip, ss, tshark), or else a skip
 * with the reason locally and a failure in CI (-Dtcplab.requireLive=true); and the check that a
 * test left no tcplab namespace, interface or firewall rule behind.
 */
final class Live {
    private Live() {
    }

    static boolean required() {
        return Boolean.getBoolean("tcplab.requireLive") || "true".equals(System.getenv("CI"));
    }

    /** Call first in a live test (or its @BeforeAll). */
    static void require(String... tools) {
        List<String> missing = new ArrayList<>();
        if (!Privileges.has(Privileges.CAP_NET_ADMIN) || !Privileges.has(Privileges.CAP_NET_RAW)
                || !Privileges.has(Privileges.CAP_SYS_ADMIN)) {
            missing.add("root (CAP_NET_ADMIN, CAP_NET_RAW, CAP_SYS_ADMIN)");
        }
        for (String t : tools) {
            if (!Shell.run("sh", "-c", "command -v " + t).ok()) {
                missing.add(t);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        String why = "live test needs " + String.join(", ", missing);
        if (required()) {
            fail(why + " (CI demands live tests: run as root with the README's test command)");
        }
        Assumptions.assumeTrue(false, why);
    }

    /** Everything tcplab-named on the machine: namespaces, interfaces here, iptables/nft rules. */
    static List<String> leftovers() {
        List<String> found = new ArrayList<>(LabNetwork.existing());
        for (String line : Shell.run("ip", "-o", "link", "show").stdout().split("\n")) {
            String[] f = line.split(": ");
            if (f.length > 1 && f[1].startsWith("tcplab")) {
                found.add("interface " + f[1].split("@")[0]);
            }
        }
        for (String line : Shell.run("iptables", "-w", "5", "-S").stdout().split("\n")) {
            if (line.contains("tcplab")) {
                found.add("rule " + line);
            }
        }
        return found;
    }

    static void assertNothingLeft() {
        assertEquals(List.of(), leftovers(), "a live test left tcplab state behind");
    }
}
