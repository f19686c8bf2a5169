package dev.tcplab.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tcplab.host.Privileges;
import dev.tcplab.host.Shell;
import dev.tcplab.netns.LabNetwork;
import dev.tcplab.trace.TraceEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

    /** What existed before the current test began: not this test's to clean up. */
    private static Set<String> baseline = Set.of();

    /** Call first in a live test (its @BeforeEach); also notes what exists already. */
    static void require(String... tools) {
        baseline = Set.copyOf(leftovers());
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

    /**
     * Everything tcplab-named on the machine (namespaces, interfaces here, iptables rules), less what
     * another running tcplab process owns: names and rule comments carry the creator's PID.
     */
    static List<String> leftovers() {
        List<String> mine = new ArrayList<>();
        for (String item : everything()) {
            Matcher m = PID.matcher(item);
            boolean ownedByAnotherLiveProcess = m.find() && Long.parseLong(m.group(1)) != ProcessHandle.current().pid()
                    && ProcessHandle.of(Long.parseLong(m.group(1))).isPresent();
            if (!ownedByAnotherLiveProcess) {
                mine.add(item);
            }
        }
        return mine;
    }

    /** tcplab-PID-…, tcplabtPIDa, tcplabbPIDa, "tcplab pid=PID". */
    private static final Pattern PID = Pattern.compile("tcplab(?:-|t|b| pid=)(\\d+)");

    private static List<String> everything() {
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

    /** The states our endpoint went through, in order, from a run's timeline. */
    static List<String> states(List<TraceEvent> events) {
        List<String> s = new ArrayList<>();
        for (TraceEvent e : events) {
            if (e instanceof TraceEvent.StateChange c) {
                s.add(c.to());
            }
        }
        return s;
    }

    /** Nothing new since the test began, owned by this test's process or by one that died. */
    static void assertNothingLeft() {
        List<String> left = new ArrayList<>(leftovers());
        left.removeAll(baseline);
        assertEquals(List.of(), left, "a live test left tcplab state behind");
    }
}
