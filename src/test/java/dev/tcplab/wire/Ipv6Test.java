package dev.tcplab.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** IPv6 as the analysis reads it: addresses printed as RFC 5952 says, headers walked to TCP. */
class Ipv6Test {

    static Ipv6Address v6(String text) throws Exception {
        return Ipv6Address.read(InetAddress.getByName(text).getAddress(), 0);
    }

    @Test
    void addressesArePrintedTheRfc5952Way() throws Exception {
        // The RFC's own examples (§4.1-4.3, §5), given here in their long forms.
        assertEquals("2001:db8::1", v6("2001:0db8:0000:0000:0000:0000:0000:0001").toString());
        assertEquals("2001:db8:0:1:1:1:1:1", v6("2001:db8:0:1:1:1:1:1").toString(), "one zero group stays 0");
        assertEquals("2001:db8::2:1", v6("2001:db8:0:0:0:0:2:1").toString());
        assertEquals("2001:0:0:1::1", v6("2001:0:0:1:0:0:0:1").toString(), "the longest run is shortened");
        assertEquals("2001:db8::1:0:0:1", v6("2001:db8:0:0:1:0:0:1").toString(), "of two equal runs, the first");
        // (Java reads a mapped address as IPv4, so this one is made from its bits.)
        assertEquals("::ffff:192.0.2.1", new Ipv6Address(0, 0xffff_c000_0201L).toString(), "IPv4-mapped in dotted quad");
        assertEquals("::", new Ipv6Address(0, 0).toString());
        assertEquals("::1", v6("::1").toString());
        assertEquals("fe80::", v6("fe80:0:0:0:0:0:0:0").toString());
        assertEquals("fd77:2::2", v6("fd77:2::2").toString());
        assertEquals("1:2:3:4:5:6:7:8", v6("1:2:3:4:5:6:7:8").toString());
    }

    @Test
    void endpointsCompareByValueAndPrintInBrackets() throws Exception {
        HostPort a = new HostPort(v6("fd00::1"), 80), same = new HostPort(v6("fd00:0::1"), 80);
        assertEquals(a, same);
        assertEquals(a.hashCode(), same.hashCode());
        assertNotEquals(a, new HostPort(v6("fd00::2"), 80));
        assertNotEquals(a, new HostPort(v6("fd00::1"), 81));
        assertEquals("[fd00::1]:80", a.toString());
        IllegalStateException e = assertThrows(IllegalStateException.class, a::ipv4);
        assertTrue(e.getMessage().contains("IPv4 only"), e.getMessage());
    }

    /** A 40-byte header with {@code next} and the given payload length, then {@code rest}. */
    static byte[] packet(int next, int payloadLength, byte[] rest) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(40 + rest.length);
        b.putInt(0x60000000).putShort((short) payloadLength).put((byte) next).put((byte) 64);
        b.put(InetAddress.getByName("fd00::1").getAddress()).put(InetAddress.getByName("fd00::2").getAddress());
        return b.put(rest).array();
    }

    @Test
    void extensionHeadersAreWalkedToTheUpperLayer() throws Exception {
        byte[] tcp = new byte[20];
        // Hop-by-hop (8 bytes), then destination options (16 bytes), then TCP.
        byte[] ext = new byte[8 + 16];
        ext[0] = 60;
        ext[1] = 0;
        ext[8] = 6;
        ext[9] = 1;
        byte[] p = packet(0, ext.length + tcp.length, concat(ext, tcp));
        Ipv6Header h = Ipv6Header.decode(p, 0, p.length);
        assertEquals(6, h.protocol());
        assertEquals(40 + 24, h.headerLength());
        assertEquals(p.length, h.totalLength());
        assertEquals("fd00::1", h.src().toString());
        assertEquals("fd00::2", h.dst().toString());
        assertFalse(h.moreFragments());
    }

    @Test
    void fragmentsAreRecognised() throws Exception {
        byte[] first = new byte[8];
        first[0] = 6;
        first[3] = 1; // offset 0, more fragments
        Ipv6Header h = Ipv6Header.decode(packet(44, 28, concat(first, new byte[20])), 0, 68);
        assertTrue(h.moreFragments());
        assertEquals(0, h.fragmentOffset());
        byte[] later = new byte[8];
        later[0] = 6;
        later[2] = 0x05; // offset 0x0500 & 0xfff8 = 1280 bytes, last fragment
        h = Ipv6Header.decode(packet(44, 28, concat(later, new byte[20])), 0, 68);
        assertFalse(h.moreFragments());
        assertEquals(1280, h.fragmentOffset());
    }

    @Test
    void damagedHeadersAreRefusedWithAReason() throws Exception {
        assertTrue(assertThrows(MalformedPacketException.class, () -> Ipv6Header.decode(new byte[30], 0, 30))
                .getMessage().contains("40 bytes"));
        byte[] v4 = packet(6, 20, new byte[20]);
        v4[0] = 0x45;
        assertTrue(assertThrows(MalformedPacketException.class, () -> Ipv6Header.decode(v4, 0, v4.length))
                .getMessage().contains("not 6"));
        byte[] ext = new byte[8];
        ext[0] = 6;
        ext[1] = 10; // 88 bytes claimed, 8 present
        byte[] longExt = packet(0, 28, concat(ext, new byte[20]));
        assertTrue(assertThrows(MalformedPacketException.class, () -> Ipv6Header.decode(longExt, 0, longExt.length))
                .getMessage().contains("run past"));
        byte[] jumbo = packet(0, 0, new byte[28]);
        assertTrue(assertThrows(MalformedPacketException.class, () -> Ipv6Header.decode(jumbo, 0, jumbo.length))
                .getMessage().contains("jumbogram"));
        byte[] loop = new byte[8 * 20];
        for (int i = 0; i < 20; i++) {
            loop[8 * i] = 0; // hop-by-hop after hop-by-hop, twenty times
        }
        byte[] chain = packet(0, loop.length, loop);
        assertTrue(assertThrows(MalformedPacketException.class, () -> Ipv6Header.decode(chain, 0, chain.length))
                .getMessage().contains("extension headers"));
        byte[] hop = new byte[16];
        hop[0] = 6;
        hop[1] = 1; // 16 bytes, all in the packet, but the capture kept only 4 of them
        byte[] cut = packet(0, 36, concat(hop, new byte[20]));
        assertTrue(assertThrows(MalformedPacketException.class, () -> Ipv6Header.decode(cut, 0, 44)).getMessage()
                .contains("captured bytes"));
        assertTrue(assertThrows(MalformedPacketException.class, () -> Ipv6Header.decode(cut, 0, 50)).getMessage()
                .contains("cut by the capture"));
    }

    /** Random chains of extension headers: a reason or a header, never another exception or a read past. */
    @Test
    void randomHeaderChainsAreReadOrRefused() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(20261202);
        int[] nextHeaders = {0, 6, 17, 43, 44, 51, 59, 60};
        for (int i = 0; i < 100_000; i++) {
            byte[] b = new byte[40 + random.nextInt(200)];
            random.nextBytes(b);
            b[0] = (byte) (0x60 | (b[0] & 0x0f));
            b[6] = (byte) nextHeaders[random.nextInt(nextHeaders.length)];
            for (int at = 40; at < b.length; at += 8) {
                b[at] = (byte) nextHeaders[random.nextInt(nextHeaders.length)];
                b[at + 1 < b.length ? at + 1 : at] &= 0x03; // short extension headers, so that chains form
            }
            int available = random.nextInt(b.length + 1);
            try {
                Ipv6Header h = Ipv6Header.decode(b, 0, available);
                assertTrue(h.headerLength() <= available && h.headerLength() <= h.totalLength(), "input " + i);
            } catch (MalformedPacketException expected) {
                // a reason: fine
            }
        }
    }

    @Test
    void theTcpChecksumCoversTheIpv6PseudoHeader() throws Exception {
        Ipv6Address a = v6("fd00::1"), b = v6("fd00::2");
        Segment s = Segment.of(1000, 80, SeqNum.of(1), SeqNum.of(0), Flags.SYN, 1000).withPayload(new byte[7]);
        byte[] tcp = TcpCodec.encode(a, b, s);
        assertEquals(ChecksumStatus.VALID, TcpCodec.decode(a, b, tcp, 0, tcp.length, tcp.length).checksum());
        assertEquals(ChecksumStatus.INVALID, TcpCodec.decode(b, v6("fd00::3"), tcp, 0, tcp.length, tcp.length)
                .checksum(), "another pseudo-header: the sum no longer holds");
    }

    static byte[] concat(byte[] x, byte[] y) {
        byte[] z = new byte[x.length + y.length];
        System.arraycopy(x, 0, z, 0, x.length);
        System.arraycopy(y, 0, z, x.length, y.length);
        return z;
    }
}
