package dev.tcplab.netns;

import dev.tcplab.host.Shell;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel's own view of its TCP sockets in a namespace, as `ss -tan` reports it: the state the
 * kernel is really in (SYN-RECV, CLOSE-WAIT, TIME-WAIT ...), not what packets suggest.
 */
public final class KernelSockets {

    /** One line of `ss -tano`: state as ss prints it, local and peer "addr:port", its timer if any. */
    public record Socket(String state, String local, String peer, String timer) {
        /** "TIME-WAIT timer:(timewait,59sec,0)", or just the state. */
        public String describe() {
            return timer.isEmpty() ? state : state + " " + timer;
        }
    }

    private KernelSockets() {
    }

    public static List<Socket> list(String namespace) {
        Shell.Result r = Shell.run(Shell.inNamespace(namespace, "ss", "-tanoH"));
        List<Socket> out = new ArrayList<>();
        if (!r.ok()) {
            return out;
        }
        for (String line : r.stdout().split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 5) {
                String timer = "";
                for (int i = 5; i < f.length; i++) {
                    if (f[i].startsWith("timer:")) {
                        timer = f[i];
                    }
                }
                out.add(new Socket(f[0], unmapped(f[3]), unmapped(f[4]), timer));
            }
        }
        return out;
    }

    /**
     * Java's server sockets are dual-stack (AF_INET6), so ss prints IPv4 peers as
     * [::ffff:10.77.1.1]:61000; show them as the IPv4 they are.
     */
    static String unmapped(String addrPort) {
        return addrPort.replaceFirst("^\\[::ffff:([0-9.]+)\\]", "$1");
    }

    /** The kernel socket whose peer is {@code peer} ("addr:port"), or one in state "none". */
    public static Socket find(String namespace, String peer) {
        for (Socket s : list(namespace)) {
            if (s.peer().equals(peer)) {
                return s;
            }
        }
        return new Socket("none", "", peer, "");
    }
}
