package dev.tcplab.link;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import dev.tcplab.host.WallClock;

/**
 * Frames read from a plain AF_PACKET socket with recvmmsg(2), instead of from libpcap's ring. Each
 * batch of waiting frames is copied into the same buffers, which stay warm: libpcap's ring puts two
 * frames in a 4 KB page, and on this project's virtual machines the first read of a page the kernel
 * has just written costs 6-14 µs (bench/ring-read.sh), which was most of a handshake's reaction time.
 * The kernel filter is libpcap's compilation of the same expression; the kernel's receive stamp
 * comes with each frame (SO_TIMESTAMPNS). Open it on a thread inside the interface's namespace.
 */
final class PacketSocket implements AutoCloseable {
    /** Frames taken from the kernel in one call when several wait (a bulk transfer's burst). */
    private static final int BATCH = 32;
    /** Whole frames up to 64 KB (a sender's TSO on a veth); longer ones are cut, as a snaplen would. */
    private static final int FRAME_BYTES = 65_536;
    /** The kernel's queue for this socket: libpcap's ring held ~1,300 frames, this ~3,000. */
    private static final int RECEIVE_QUEUE_BYTES = 8 << 20;

    private static final int AF_PACKET = 17, SOCK_RAW = 3, ETH_P_ALL_NETWORK_ORDER = 0x0300;
    private static final int SOL_SOCKET = 1, SO_RCVBUF = 8, SO_RCVBUFFORCE = 33, SO_ATTACH_FILTER = 26,
            SO_TIMESTAMPNS = 35;
    private static final int MSG_DONTWAIT = 0x40, MSG_TRUNC = 0x20;
    private static final int PACKET_OUTGOING = 4;
    private static final int DLT_EN10MB = 1, PCAP_NETMASK_UNKNOWN = 0xffffffff;
    /** struct sockaddr_ll, struct iovec, struct mmsghdr (a msghdr and its length) on LP64. */
    private static final int SOCKADDR_LL = 20, IOVEC = 16, MMSGHDR = 64, CONTROL = 64;

    /** libc, direct-mapped: these calls are on the receive path. */
    private static final class Libc {
        static {
            Native.register(Libc.class, NativeLibrary.getInstance("c"));
        }

        static native int socket(int domain, int type, int protocol);

        static native int bind(int fd, Pointer address, int length);

        static native int setsockopt(int fd, int level, int name, Pointer value, int length);

        static native int recvmmsg(int fd, Pointer messages, int count, int flags, Pointer timeout);

        static native int if_nametoindex(String name);

        static native int close(int fd);
    }

    /** libpcap, only to compile the filter expression into the kernel's BPF. */
    private static final class Pcap {
        static {
            Native.register(Pcap.class, NativeLibrary.getInstance(System.getProperty(Libpcap.PROPERTY)));
        }

        static native Pointer pcap_open_dead(int linkType, int snaplen);

        static native int pcap_compile(Pointer pcap, Pointer program, String expression, int optimize, int netmask);

        static native void pcap_freecode(Pointer program);

        static native Pointer pcap_geterr(Pointer pcap);

        static native void pcap_close(Pointer pcap);
    }

    private final String name;
    private int fd;
    private final Memory messages = new Memory((long) MMSGHDR * BATCH);
    private final Memory frames = new Memory((long) FRAME_BYTES * BATCH);
    private final Memory addresses = new Memory((long) SOCKADDR_LL * BATCH);
    private final Memory controls = new Memory((long) CONTROL * BATCH);
    private final Memory vectors = new Memory((long) IOVEC * BATCH);
    private int received;
    private int next;

    private PacketSocket(String name, int fd) {
        this.name = name;
        this.fd = fd;
        for (int i = 0; i < BATCH; i++) {
            vectors.setPointer((long) IOVEC * i, frames.share((long) FRAME_BYTES * i));
            vectors.setLong((long) IOVEC * i + 8, FRAME_BYTES);
        }
        messages.clear();
        for (int i = 0; i < BATCH; i++) {
            long m = (long) MMSGHDR * i;
            messages.setPointer(m, addresses.share((long) SOCKADDR_LL * i));
            messages.setPointer(m + 16, vectors.share((long) IOVEC * i));
            messages.setLong(m + 24, 1);
            messages.setPointer(m + 32, controls.share((long) CONTROL * i));
            resetLengths(i);
        }
    }

    /**
     * Opens a socket on {@code iface} that passes what {@code filter} (tcpdump's syntax) matches.
     * Throws {@link IllegalStateException} with the failing step when the kernel refuses.
     */
    static PacketSocket open(String iface, String filter) {
        Libpcap.configure();
        int index = Libc.if_nametoindex(iface);
        if (index == 0) {
            throw new IllegalStateException("no interface " + iface);
        }
        int fd = Libc.socket(AF_PACKET, SOCK_RAW, 0); // protocol 0: nothing arrives before the filter is in
        if (fd < 0) {
            throw new IllegalStateException("socket(AF_PACKET) refused: " + Native.getLastError());
        }
        PacketSocket s = new PacketSocket(iface, fd);
        try {
            s.attach(filter);
            Memory value = new Memory(4);
            value.setInt(0, 1);
            s.check(Libc.setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, value, 4), "SO_TIMESTAMPNS");
            value.setInt(0, RECEIVE_QUEUE_BYTES);
            if (Libc.setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, value, 4) != 0) {
                Libc.setsockopt(fd, SOL_SOCKET, SO_RCVBUF, value, 4); // without CAP_NET_ADMIN: up to rmem_max
            }
            Memory address = new Memory(SOCKADDR_LL);
            address.clear();
            address.setShort(0, (short) AF_PACKET);
            address.setShort(2, (short) ETH_P_ALL_NETWORK_ORDER);
            address.setInt(4, index);
            s.check(Libc.bind(fd, address, SOCKADDR_LL), "bind");
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private void attach(String filter) {
        Pointer dead = Pcap.pcap_open_dead(DLT_EN10MB, FRAME_BYTES);
        Memory program = new Memory(16); // struct bpf_program: bf_len, bf_insns
        try {
            if (Pcap.pcap_compile(dead, program, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
                throw new IllegalStateException("bad filter '" + filter + "': " + Pcap.pcap_geterr(dead).getString(0));
            }
            Memory socketFilter = new Memory(16); // struct sock_fprog: len, filter
            socketFilter.clear();
            socketFilter.setShort(0, (short) program.getInt(0));
            socketFilter.setPointer(8, program.getPointer(8));
            check(Libc.setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, socketFilter, 16), "SO_ATTACH_FILTER");
            Pcap.pcap_freecode(program);
        } finally {
            Pcap.pcap_close(dead);
        }
    }

    private void check(int rc, String what) {
        if (rc != 0) {
            throw new IllegalStateException(what + " refused on " + name + ": errno " + Native.getLastError());
        }
    }

    /** The next frame that arrived (not one we sent), or null when none waits. */
    Frame next() {
        while (true) {
            if (next == received && !fill()) {
                return null;
            }
            int i = next++;
            long m = (long) MMSGHDR * i;
            if ((addresses.getByte((long) SOCKADDR_LL * i + 10) & 0xff) == PACKET_OUTGOING) {
                continue; // a copy of what this host sent
            }
            int wire = messages.getInt(m + 56);
            byte[] data = frames.getByteArray((long) FRAME_BYTES * i, Math.min(wire, FRAME_BYTES));
            return new Frame(data, stamp(i, m), wire);
        }
    }

    /** The kernel's receive time of message {@code i}: its SCM_TIMESTAMPNS control message. */
    private long stamp(int i, long m) {
        long c = (long) CONTROL * i;
        if (messages.getLong(m + 40) >= 32 && controls.getInt(c + 8) == SOL_SOCKET
                && controls.getInt(c + 12) == SO_TIMESTAMPNS) {
            return controls.getLong(c + 16) * 1_000_000_000L + controls.getLong(c + 24);
        }
        return WallClock.epochNanos();
    }

    private boolean fill() {
        if (fd < 0) {
            return false;
        }
        // The kernel shortened the lengths of the messages it filled last time; only those need resetting
        // (each write is a native call, and an empty poll must stay cheap).
        for (int i = 0; i < received; i++) {
            resetLengths(i);
        }
        int n = Libc.recvmmsg(fd, messages, BATCH, MSG_DONTWAIT | MSG_TRUNC, Pointer.NULL);
        received = Math.max(0, n);
        next = 0;
        return received > 0;
    }

    private void resetLengths(int i) {
        long m = (long) MMSGHDR * i;
        messages.setInt(m + 8, SOCKADDR_LL);   // msg_namelen
        messages.setLong(m + 40, CONTROL);     // msg_controllen
    }

    @Override
    public void close() {
        if (fd >= 0) {
            Libc.close(fd);
            fd = -1;
        }
    }
}
