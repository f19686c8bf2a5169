package dev.tcplab.link;

import com.sun.jna.Native;
import dev.tcplab.host.EnvironmentProblem;
import dev.tcplab.host.WallClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Path;
import java.sql.Timestamp;
import org.pcap4j.core.BpfProgram.BpfCompileMode;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface.PromiscuousMode;
import org.pcap4j.core.Pcaps;

/**
 * A real interface through pcap4j, as FIELD-NOTES measured it: one handle receives (immediate
 * mode, BPF filter, inbound only, non-blocking so that a poll never hangs) and another sends,
 * since libpcap promises nothing for one handle shared by two threads. Once libpcap has opened the
 * interface (and explained what went wrong, if anything), frames are read from a {@link PacketSocket}
 * with the same filter instead of libpcap's ring, where the kernel allows one: see that class for why.
 *
 * <p>Open it on a thread that is inside the interface's network namespace: the capture socket
 * binds to the namespace it is created in, and keeps it afterwards.
 */
public final class PcapFrameLink implements FrameLink {
    /** Whole frames: jumbo-free Ethernet plus headroom; FIELD-NOTES asks for ≥ 65,535. */
    static final int SNAPLEN = 65_535;
    /** Unused in immediate, non-blocking mode, but libpcap wants one. */
    private static final int TIMEOUT_MS = 10;

    private final String iface;
    private final PcapHandle rx;
    /** Null for a saved capture, which is read and never sent on. */
    private final PcapHandle tx;
    /** The fast read path on rx; null where it is unavailable, and pcap4j's own read is used. */
    private final DirectPcap reader;
    /** tx's pcap_t for the direct send; null: pcap4j's sendPacket. */
    private final com.sun.jna.Pointer txPointer;
    /** The read path of a live interface where the kernel allows it (then rx is closed); null: libpcap's ring. */
    private final PacketSocket socket;

    /** {@code -Dtcplab.reader=ring} reads from libpcap's ring as before PacketSocket, to compare the two. */
    private static final boolean RING_ONLY = "ring".equals(System.getProperty("tcplab.reader"));
    /** Frames read through the socket path on loopback before the live run: C2 compiles after ~15,000 calls. */
    static final int SOCKET_REHEARSAL_READS = 20_000;

    private PcapFrameLink(String iface, PcapHandle rx, PcapHandle tx, PacketSocket socket) {
        this.iface = iface;
        this.rx = rx;
        this.tx = tx;
        this.socket = socket;
        this.reader = rx == null ? null : DirectPcap.of(rx);
        this.txPointer = tx == null || Native.LONG_SIZE != 8 ? null : DirectPcap.pointerOf(tx);
    }

    /**
     * A saved capture's frames, read through the same path as an interface's (libpcap, the direct
     * read, this class): the rehearsal compiles that path with it before a live run. Sending is refused.
     */
    public static PcapFrameLink openSaved(Path capture) {
        Libpcap.configure();
        try {
            return new PcapFrameLink(capture.toString(),
                    Pcaps.openOffline(capture.toString(), PcapHandle.TimestampPrecision.NANO), null, null);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw Libpcap.missing(e);
        } catch (PcapNativeException e) {
            throw new UncheckedIOException(new IOException("cannot read " + capture + ": " + e.getMessage(), e));
        }
    }

    /** Opens the interface with a BPF filter for what the endpoint needs (ARP and its own TCP). */
    public static PcapFrameLink open(String iface, String bpfFilter) {
        Libpcap.configure();
        PcapHandle rx = null;
        try {
            rx = new PcapHandle.Builder(iface).snaplen(SNAPLEN).promiscuousMode(PromiscuousMode.NONPROMISCUOUS)
                    .timeoutMillis(TIMEOUT_MS).immediateMode(true).direction(PcapHandle.PcapDirection.IN)
                    .timestampPrecision(PcapHandle.TimestampPrecision.NANO).build();
            rx.setFilter(bpfFilter, BpfCompileMode.OPTIMIZE);
            rx.setBlockingMode(PcapHandle.BlockingMode.NONBLOCKING);
            PcapHandle tx = new PcapHandle.Builder(iface).snaplen(SNAPLEN).timeoutMillis(TIMEOUT_MS)
                    .immediateMode(true).build();
            // libpcap opened the interface, and explains what goes wrong in doing so; reading then
            // moves to a plain socket with the same filter where the kernel allows one.
            PacketSocket socket = RING_ONLY ? null : socketOrNull(iface, bpfFilter);
            if (socket != null) {
                rx.close();
                rehearseSocketReads();
                return new PcapFrameLink(iface, null, tx, socket);
            }
            return new PcapFrameLink(iface, rx, tx, null);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            close(rx);
            throw Libpcap.missing(e);
        } catch (PcapNativeException | NotOpenException e) {
            close(rx);
            throw explain(iface, e);
        }
    }

    private static PacketSocket socketOrNull(String iface, String filter) {
        try {
            return PacketSocket.open(iface, filter);
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /**
     * The socket read path's first live frames would run interpreted or in C1's profiling tier
     * (the in-memory rehearsal reads from a queue, and from a saved capture through libpcap): UDP
     * datagrams sent to ourselves on this namespace's loopback are read back through this class
     * first. The thread is inside the interface's namespace; loopback traffic leaves nothing behind.
     */
    private static void rehearseSocketReads() {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (DatagramSocket sink = new DatagramSocket(0, loopback); DatagramSocket source = new DatagramSocket(0, loopback);
             PacketSocket lo = PacketSocket.open("lo", "udp and src port " + source.getLocalPort() + " and dst port "
                     + sink.getLocalPort())) {
            PcapFrameLink link = new PcapFrameLink("lo", null, null, lo);
            DatagramPacket datagram = new DatagramPacket(new byte[60], 60, loopback, sink.getLocalPort());
            int reads = 0;
            for (int sent = 0; sent < 2 * SOCKET_REHEARSAL_READS && reads < SOCKET_REHEARSAL_READS; sent++) {
                source.send(datagram);
                while (link.poll() != null) {
                    reads++;
                }
            }
        } catch (IOException | RuntimeException | LinkageError e) {
            // no loopback here: the live run starts with that path cold, as it did before
        }
    }

    private static EnvironmentProblem explain(String iface, Exception e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("No such device") || m.contains("doesn't exist")) {
            return new EnvironmentProblem("no interface named '" + iface + "' here: list them with 'ip -br link'.", e);
        }
        if (m.contains("Operation not permitted") || m.contains("permission")) {
            return new EnvironmentProblem("not allowed to capture on '" + iface + "': run as root (sudo) or give "
                    + "java CAP_NET_RAW and CAP_NET_ADMIN.", e);
        }
        if (m.contains("is not up") || m.contains("Network is down")) {
            return new EnvironmentProblem("interface '" + iface + "' is down: ip link set " + iface + " up.", e);
        }
        return new EnvironmentProblem("cannot open '" + iface + "' with libpcap: " + m, e);
    }

    @Override
    public Frame send(byte[] frame) {
        if (tx == null) {
            throw new UnsupportedOperationException(iface + " is a saved capture: frames are read from it, not sent");
        }
        // Stamp before sending: on a veth the peer kernel's answer can be captured (and stamped)
        // before sendPacket returns, and the ladder must not show the answer ahead of the question.
        long stamp = WallClock.epochNanos();
        if (txPointer != null && tx.isOpen() && DirectPcap.send(txPointer, frame)) {
            return new Frame(frame, stamp);
        }
        try {
            tx.sendPacket(frame);
            return new Frame(frame, stamp);
        } catch (PcapNativeException | NotOpenException e) {
            throw new EnvironmentProblem("sending on '" + iface + "' failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Frame poll() {
        if (socket != null) {
            return socket.next();
        }
        if (reader != null) {
            return rx.isOpen() ? reader.next() : null;
        }
        try {
            byte[] data = rx.getNextRawPacket();
            if (data == null) {
                return null;
            }
            Timestamp ts = rx.getTimestamp(); // per thread, valid right after the read
            long nanos = ts.getTime() / 1000 * 1_000_000_000L + ts.getNanos();
            Integer orig = rx.getOriginalLength();
            return new Frame(data, nanos, orig == null ? data.length : orig);
        } catch (NotOpenException e) {
            return null;
        }
    }

    @Override
    public String name() {
        return iface;
    }

    @Override
    public void close() {
        if (socket != null) {
            socket.close();
        }
        close(rx);
        close(tx);
    }

    private static void close(PcapHandle h) {
        if (h != null && h.isOpen()) {
            h.close();
        }
    }
}
