package dev.tcplab.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcplab.host.WallClock;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The socket read path on loopback (traffic to ourselves only): the kernel filter passes what the
 * expression matches and nothing else, copies of what we sent are skipped, every frame carries the
 * kernel's receive stamp and its length. Needs root (CAP_NET_RAW), as the live tests do.
 */
class PacketSocketTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void readsWhatTheFilterPassesWithTheKernelsStampsAndLengths() throws Exception {
        try (DatagramSocket sink = new DatagramSocket(0, LOOPBACK); DatagramSocket source = new DatagramSocket(0, LOOPBACK);
             DatagramSocket stranger = new DatagramSocket(0, LOOPBACK);
             PacketSocket lo = PacketSocket.open("lo", "udp and src port " + source.getLocalPort()
                     + " and dst port " + sink.getLocalPort())) {
            awaitArrivalStamps(lo, source, sink);
            long before = WallClock.epochNanos();
            for (int i = 0; i < 40; i++) { // more than one batch
                source.send(new DatagramPacket(new byte[100 + i], 100 + i, LOOPBACK, sink.getLocalPort()));
                stranger.send(new DatagramPacket(new byte[10], 10, LOOPBACK, sink.getLocalPort()));
            }
            long after = WallClock.epochNanos();
            List<Frame> frames = new ArrayList<>();
            for (Frame f = lo.next(); f != null; f = lo.next()) {
                frames.add(f);
            }
            assertEquals(40, frames.size(), "each datagram once: its outgoing copy skipped, the stranger's filtered out");
            for (int i = 0; i < frames.size(); i++) {
                Frame f = frames.get(i);
                assertEquals(14 + 20 + 8 + 100 + i, f.data().length, "Ethernet, IPv4, UDP and the payload, in order");
                assertEquals(f.data().length, f.wireLength());
                assertTrue(f.epochNanos() >= before - 1_000_000 && f.epochNanos() <= after + 1_000_000,
                        "the kernel's stamp, on the wall clock: " + f.epochNanos());
            }
            assertNull(lo.next(), "nothing more waits");
        }
    }

    /**
     * The kernel turns its arrival stamps on a moment after the first socket asks for them (a deferred
     * static key); until then a frame is stamped when it is read. Waits, a bounded number of tries,
     * until a frame comes stamped from before its read.
     */
    private static void awaitArrivalStamps(PacketSocket lo, DatagramSocket source, DatagramSocket sink) throws Exception {
        for (int i = 0; i < 200; i++) {
            source.send(new DatagramPacket(new byte[1], 1, LOOPBACK, sink.getLocalPort()));
            Thread.sleep(1);
            long readAt = WallClock.epochNanos();
            Frame f = lo.next();
            assertTrue(f != null, "the datagram was read");
            if (f.epochNanos() < readAt) {
                return;
            }
        }
        throw new AssertionError("the kernel never stamped an arrival in 200 tries");
    }

    @Test
    void aBadFilterOrInterfaceIsRefusedWithTheReason() {
        IllegalStateException bad = assertThrows(IllegalStateException.class, () -> PacketSocket.open("lo", "udp and and"));
        assertTrue(bad.getMessage().contains("bad filter"), bad.getMessage());
        IllegalStateException none = assertThrows(IllegalStateException.class,
                () -> PacketSocket.open("tcplab-none0", "udp"));
        assertTrue(none.getMessage().contains("no interface"), none.getMessage());
    }
}
