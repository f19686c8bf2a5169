package dev.tcplab.netns;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import dev.tcplab.host.EnvironmentProblem;
import dev.tcplab.wire.Ipv4Address;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel's TCP sockets in a namespace through sock_diag netlink (what `ss` itself uses), from a
 * socket opened once inside that namespace: a query costs microseconds instead of the ~30 ms of
 * starting `ss`, so the live loop can ask after every segment without delaying the next one.
 * Layouts from linux/netlink.h, linux/sock_diag.h and linux/inet_diag.h.
 */
public final class SockDiag implements AutoCloseable {
    private static final int AF_INET = 2, AF_INET6 = 10, AF_NETLINK = 16;
    private static final int SOCK_RAW = 3, SOCK_CLOEXEC = 0x80000;
    private static final int NETLINK_SOCK_DIAG = 4;
    private static final int SOCK_DIAG_BY_FAMILY = 20;
    private static final int NLM_F_REQUEST = 0x1, NLM_F_DUMP = 0x300;
    private static final int NLMSG_ERROR = 2, NLMSG_DONE = 3;
    private static final int IPPROTO_TCP = 6;
    private static final int ALL_STATES = 0xfff;
    /** nlmsghdr (16) + inet_diag_req_v2 (8 + a 48-byte inet_diag_sockid). */
    private static final int REQUEST_LENGTH = 16 + 56;
    /** ss's names for linux/tcp_states.h, index = state number. */
    private static final String[] STATES = {"UNKNOWN", "ESTAB", "SYN-SENT", "SYN-RECV", "FIN-WAIT-1", "FIN-WAIT-2",
        "TIME-WAIT", "UNCONN", "CLOSE-WAIT", "LAST-ACK", "LISTEN", "CLOSING", "SYN-RECV"};
    private static final String[] TIMERS = {"", "on", "keepalive", "timewait", "persist"};

    interface LibC extends Library {
        int socket(int domain, int type, int protocol) throws LastErrorException;

        long send(int fd, byte[] buf, long len, int flags) throws LastErrorException;

        long recv(int fd, byte[] buf, long len, int flags) throws LastErrorException;

        int close(int fd);
    }

    private static final LibC LIBC = Native.load("c", LibC.class);

    private final int fd;
    private final byte[] buffer = new byte[64 * 1024];
    private int seq;

    private SockDiag(int fd) {
        this.fd = fd;
    }

    /** Opens the netlink socket inside {@code ns} (null: here); it stays bound to that namespace. */
    public static SockDiag open(String ns) {
        try {
            return ns == null ? new SockDiag(newSocket()) : Namespaces.call(ns, () -> new SockDiag(newSocket()));
        } catch (LastErrorException e) {
            throw new EnvironmentProblem("no sock_diag netlink socket (errno " + e.getErrorCode() + ")", e);
        }
    }

    private static int newSocket() {
        return LIBC.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    }

    /**
     * The one socket with this 4-tuple (seen from the kernel's side), by a direct lookup: no dump, so
     * no walk over the kernel's whole (global, memory-sized) connection table, which made a dump
     * take milliseconds. Finds request (SYN-RECV) and TIME-WAIT sockets too; "none" when none exists.
     */
    public synchronized KernelSockets.Socket find(Ipv4Address local, int localPort, Ipv4Address remote, int remotePort) {
        ByteBuffer req = header(0);
        req.put((byte) AF_INET).put((byte) IPPROTO_TCP).put((byte) 0).put((byte) 0).putInt(ALL_STATES);
        req.putShort(Short.reverseBytes((short) localPort));   // idiag_sport, network order
        req.putShort(Short.reverseBytes((short) remotePort));  // idiag_dport
        req.put(local.toBytes()).put(new byte[12]);              // idiag_src[4]
        req.put(remote.toBytes()).put(new byte[12]);             // idiag_dst[4]
        req.putInt(0);                                           // idiag_if: any
        req.putInt(-1).putInt(-1);                               // idiag_cookie: INET_DIAG_NOCOOKIE
        LIBC.send(fd, req.array(), REQUEST_LENGTH, 0);
        int n = (int) LIBC.recv(fd, buffer, buffer.length, 0);
        ByteBuffer b = ByteBuffer.wrap(buffer, 0, n).order(ByteOrder.nativeOrder());
        int type = b.getShort(4) & 0xffff;
        KernelSockets.Socket none = new KernelSockets.Socket("none", local + ":" + localPort, remote + ":" + remotePort, "");
        if (n < 16 || type == NLMSG_ERROR || type == NLMSG_DONE) {
            return none;
        }
        KernelSockets.Socket s = parse(b, 16, b.get(16) & 0xff); // a dual-stack socket answers as AF_INET6
        // The kernel's lookup falls back to a listener on the port once the connection is gone.
        return s.peer().equals(none.peer()) ? s : none;
    }

    /** Every TCP socket, IPv4 and IPv6 (Java's server sockets are dual-stack). A dump: milliseconds. */
    public synchronized List<KernelSockets.Socket> tcpSockets() {
        List<KernelSockets.Socket> out = new ArrayList<>();
        dump(AF_INET, out);
        dump(AF_INET6, out);
        return out;
    }

    /** nlmsghdr for a sock_diag request; the inet_diag_req_v2 follows. */
    private ByteBuffer header(int extraFlags) {
        ByteBuffer req = ByteBuffer.allocate(REQUEST_LENGTH).order(ByteOrder.nativeOrder());
        req.putInt(REQUEST_LENGTH);                         // nlmsg_len
        req.putShort((short) SOCK_DIAG_BY_FAMILY);          // nlmsg_type
        req.putShort((short) (NLM_F_REQUEST | extraFlags)); // nlmsg_flags
        req.putInt(++seq);                                  // nlmsg_seq
        req.putInt(0);                                      // nlmsg_pid: the kernel
        return req;
    }

    private void dump(int family, List<KernelSockets.Socket> out) {
        ByteBuffer req = header(NLM_F_DUMP);
        req.put((byte) family);                             // sdiag_family
        req.put((byte) IPPROTO_TCP);                        // sdiag_protocol
        req.put((byte) 0);                                  // idiag_ext: no extensions
        req.put((byte) 0);                                  // pad
        req.putInt(ALL_STATES);                             // idiag_states; the sockid stays zero
        LIBC.send(fd, req.array(), REQUEST_LENGTH, 0);
        while (true) {
            int n = (int) LIBC.recv(fd, buffer, buffer.length, 0);
            ByteBuffer b = ByteBuffer.wrap(buffer, 0, n).order(ByteOrder.nativeOrder());
            for (int off = 0; off + 16 <= n; ) {
                int len = b.getInt(off);
                int type = b.getShort(off + 4) & 0xffff;
                if (type == NLMSG_DONE || len < 16) {
                    return;
                }
                if (type == NLMSG_ERROR) {
                    throw new EnvironmentProblem("sock_diag answered with an error (errno " + -b.getInt(off + 16) + ")");
                }
                out.add(parse(b, off + 16, family));
                off += (len + 3) & ~3;                      // NLMSG_ALIGN
            }
        }
    }

    /** One inet_diag_msg: family, state, timer, retrans, sockid (ports and addresses in network order), expires. */
    private static KernelSockets.Socket parse(ByteBuffer b, int at, int family) {
        int state = b.get(at + 1) & 0xff;
        int timer = b.get(at + 2) & 0xff;
        int retrans = b.get(at + 3) & 0xff;
        int sport = Short.toUnsignedInt(Short.reverseBytes(b.getShort(at + 4)));
        int dport = Short.toUnsignedInt(Short.reverseBytes(b.getShort(at + 6)));
        String src = address(b, at + 8, family);
        String dst = address(b, at + 24, family);
        long expires = Integer.toUnsignedLong(b.getInt(at + 52));
        String timerText = timer > 0 && timer < TIMERS.length
                ? "timer:(" + TIMERS[timer] + "," + expires + "ms," + retrans + ")" : "";
        return new KernelSockets.Socket(state < STATES.length ? STATES[state] : "STATE-" + state, src + ":" + sport,
                dst + ":" + dport, timerText);
    }

    /** IPv4, or IPv6 printed as its mapped IPv4 where it is one (as KernelSockets shows them). */
    private static String address(ByteBuffer b, int at, int family) {
        boolean mapped = family == AF_INET6 && b.getLong(at) == 0 && b.getInt(at + 8) == 0xffff0000
                || family == AF_INET6 && b.getLong(at) == 0 && Integer.reverseBytes(b.getInt(at + 8)) == 0x0000ffff;
        int v4at = family == AF_INET ? at : at + 12;
        if (family == AF_INET || mapped) {
            return (b.get(v4at) & 0xff) + "." + (b.get(v4at + 1) & 0xff) + "." + (b.get(v4at + 2) & 0xff) + "."
                    + (b.get(v4at + 3) & 0xff);
        }
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < 16; i += 2) {
            s.append(i == 0 ? "" : ":").append(Integer.toHexString(Short.toUnsignedInt(
                    Short.reverseBytes(b.getShort(at + i)))));
        }
        return s.append("]").toString();
    }

    @Override
    public void close() {
        LIBC.close(fd);
    }
}
