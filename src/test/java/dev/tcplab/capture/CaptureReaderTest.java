package dev.tcplab.capture;

import static dev.tcplab.capture.SyntheticCaptures.frame;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcplab.wire.Flags;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CaptureReaderTest {
    @TempDir
    Path dir;

    final List<byte[]> frames = List.of(frame(false, 100, 0, Flags.SYN, 0), frame(true, 500, 101, Flags.SYN_ACK, 0),
            frame(false, 101, 501, Flags.PSH_ACK, 300));

    record Read(long frame, long time, int link, byte[] bytes) {
    }

    List<Read> readAll(byte[] file) throws IOException {
        Path p = dir.resolve("c");
        Files.write(p, file);
        List<Read> out = new ArrayList<>();
        try (CaptureReader r = CaptureReader.open(p)) {
            CapturedPacket c = new CapturedPacket();
            while (r.next(c)) {
                out.add(new Read(c.frameNumber, c.timeNanos, c.linkType,
                        Arrays.copyOfRange(c.data, c.offset, c.offset + c.capturedLength)));
            }
        }
        return out;
    }

    void assertFramesAndTimes(List<Read> got) {
        assertEquals(3, got.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(i + 1, got.get(i).frame());
            assertArrayEquals(frames.get(i), got.get(i).bytes());
            assertEquals(1_700_000_000_000_000_000L + i * 1_000_000L, got.get(i).time(), "frame " + (i + 1));
            assertEquals(LinkLayer.ETHERNET, got.get(i).link());
        }
    }

    @Test
    void pcapngNamesItsInterfacesAndCountsThePacketsOfEach() throws IOException {
        try (CaptureReader r = CaptureReader.open(Path.of("captures/two-interfaces-loopback.pcapng"))) {
            CapturedPacket c = new CapturedPacket();
            List<Integer> linkTypes = new ArrayList<>();
            while (r.next(c)) {
                linkTypes.add(c.linkType);
            }
            // Cross-checked with tshark -T fields -e frame.interface_id: 30 packets from each.
            assertEquals(List.of(new CaptureInterface("lo", LinkLayer.ETHERNET, 30),
                    new CaptureInterface("any", LinkLayer.LINUX_SLL, 30)), r.interfaces());
            assertEquals(30, linkTypes.stream().filter(t -> t == LinkLayer.LINUX_SLL).count());
        }
        try (CaptureReader r = CaptureReader.open(Path.of("src/test/resources/captures-external/200722_tcp_anon.pcapng"))) {
            while (r.next(new CapturedPacket())) {
                // to the end
            }
            assertEquals(List.of(new CaptureInterface("interface 0", LinkLayer.ETHERNET, 35)), r.interfaces(),
                    "no if_name option: named by its index");
        }
        assertEquals(List.of(), readInterfacesOf(SyntheticCaptures.pcap(1, false, ByteOrder.LITTLE_ENDIAN, frames)));
    }

    @Test
    void interfaceBlocksBeyondTheBoundAreDamageNotMemory() throws IOException {
        byte[] one = SyntheticCaptures.pcapng(1, 6, ByteOrder.LITTLE_ENDIAN, List.of()); // a section header, one interface
        byte[] idb = Arrays.copyOfRange(one, 28, one.length);
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.writeBytes(Arrays.copyOfRange(one, 0, 28));
        for (int i = 0; i < PcapngReader.MAX_INTERFACES; i++) {
            file.writeBytes(idb);
        }
        assertEquals(PcapngReader.MAX_INTERFACES, readInterfacesOf(file.toByteArray()).size(), "up to the bound: read");
        file.writeBytes(idb);
        CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> readInterfacesOf(file.toByteArray()));
        assertTrue(e.getMessage().contains("one more than the 4096 tcplab keeps"), e.getMessage());
    }

    List<CaptureInterface> readInterfacesOf(byte[] file) throws IOException {
        Path p = dir.resolve("i");
        Files.write(p, file);
        try (CaptureReader r = CaptureReader.open(p)) {
            while (r.next(new CapturedPacket())) {
                // to the end
            }
            return r.interfaces();
        }
    }

    static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream packed = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(packed)) {
            z.write(plain);
        }
        return packed.toByteArray();
    }

    @Test
    void aGzippedCaptureReadsAsTheCaptureItHolds() throws IOException {
        assertFramesAndTimes(readAll(gzip(SyntheticCaptures.pcap(1, true, ByteOrder.LITTLE_ENDIAN, frames))));
        assertFramesAndTimes(readAll(gzip(SyntheticCaptures.pcapng(1, 9, ByteOrder.BIG_ENDIAN, frames))));
        byte[] sample = Files.readAllBytes(Path.of("captures/kernel-mix.pcap"));
        byte[] packed = gzip(sample);
        Path plainFile = dir.resolve("plain.pcap");
        Path packedFile = dir.resolve("packed.pcap.gz");
        Files.write(plainFile, sample);
        Files.write(packedFile, packed);
        try (CaptureReader plain = CaptureReader.open(plainFile); CaptureReader inflated = CaptureReader.open(packedFile)) {
            CapturedPacket a = new CapturedPacket();
            CapturedPacket b = new CapturedPacket();
            int n = 0;
            while (plain.next(a)) {
                assertTrue(inflated.next(b), "packet " + (n + 1));
                assertEquals(a.timeNanos, b.timeNanos);
                assertArrayEquals(Arrays.copyOfRange(a.data, a.offset, a.offset + a.capturedLength),
                        Arrays.copyOfRange(b.data, b.offset, b.offset + b.capturedLength), "packet " + (n + 1));
                n++;
            }
            assertFalse(inflated.next(b), "no more packets than the plain file");
            assertTrue(n > 1000, n + " packets");
            assertEquals(packed.length, inflated.position(), "progress counts the compressed bytes, as on disk");
            assertEquals("pcap", inflated.format());
        }
    }

    @Test
    void aGzippedCaptureCutShortReportsThePacketsBeforeTheCut() throws IOException {
        byte[] packed = gzip(SyntheticCaptures.pcap(1, true, ByteOrder.LITTLE_ENDIAN, frames));
        Path p = dir.resolve("cut.pcap.gz");
        Files.write(p, Arrays.copyOf(packed, packed.length - 30)); // the trailer and the last packet's end
        List<Long> read = new ArrayList<>();
        try (CaptureReader r = CaptureReader.open(p)) {
            CapturedPacket c = new CapturedPacket();
            CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> {
                while (r.next(c)) {
                    read.add(c.frameNumber);
                }
            });
            assertTrue(e.getMessage().contains("the file ends inside packet 3"), e.getMessage());
        }
        assertEquals(List.of(1L, 2L), read);
    }

    @Test
    void otherCompressionsAndGzipTwiceAreNamedWithTheWayOut() throws IOException {
        byte[] pcap = SyntheticCaptures.pcap(1, true, ByteOrder.LITTLE_ENDIAN, frames);
        CaptureFormatException twice = assertThrows(CaptureFormatException.class, () -> readAll(gzip(gzip(pcap))));
        assertTrue(twice.getMessage().contains("is compressed twice over"), twice.getMessage());
        byte[] zstd = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 0, 0, 0, 0};
        CaptureFormatException z = assertThrows(CaptureFormatException.class, () -> readAll(zstd));
        assertTrue(z.getMessage().endsWith("is compressed with zstd, which tcplab does not inflate (gzip it does): "
                + "decompress it first, e.g. zstd -d " + dir.resolve("c")), z.getMessage());
        byte[] xz = {(byte) 0xfd, 0x37, 0x7a, 0x58, 0x5a, 0, 0, 0};
        assertTrue(assertThrows(CaptureFormatException.class, () -> readAll(xz)).getMessage().contains("xz -dk "));
        CaptureFormatException notGzip = assertThrows(CaptureFormatException.class,
                () -> readAll(new byte[] {0x1f, (byte) 0x8b, 1, 2, 3}));
        assertTrue(notGzip.getMessage().contains("starts like a gzip file but is not one"), notGzip.getMessage());
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void pcapInEitherByteOrderAndResolution(boolean nanos) throws IOException {
        assertFramesAndTimes(readAll(SyntheticCaptures.pcap(1, nanos, ByteOrder.LITTLE_ENDIAN, frames)));
        assertFramesAndTimes(readAll(SyntheticCaptures.pcap(1, nanos, ByteOrder.BIG_ENDIAN, frames)));
    }

    @ParameterizedTest
    @ValueSource(ints = {6, 9})
    void pcapngInEitherByteOrderWithItsTimestampResolution(int resolution) throws IOException {
        assertFramesAndTimes(readAll(SyntheticCaptures.pcapng(1, resolution, ByteOrder.LITTLE_ENDIAN, frames)));
        assertFramesAndTimes(readAll(SyntheticCaptures.pcapng(1, resolution, ByteOrder.BIG_ENDIAN, frames)));
    }

    @Test
    void aFileCutInsideAPacketYieldsThePacketsBeforeItThenSaysWhere() throws IOException {
        byte[] whole = SyntheticCaptures.pcap(1, false, ByteOrder.LITTLE_ENDIAN, frames);
        Path p = dir.resolve("cut.pcap");
        Files.write(p, Arrays.copyOf(whole, whole.length - 10));
        try (CaptureReader r = CaptureReader.open(p)) {
            CapturedPacket c = new CapturedPacket();
            assertTrue(r.next(c));
            assertTrue(r.next(c));
            CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> r.next(c));
            assertTrue(e.getMessage().contains("inside packet 3") && e.getMessage().contains("cut short"), e.getMessage());
        }
    }

    @Test
    void emptyGarbageAndMissingFilesAreRefusedWithAReason() throws IOException {
        Path empty = dir.resolve("empty");
        Files.write(empty, new byte[0]);
        assertTrue(assertThrows(CaptureFormatException.class, () -> CaptureReader.open(empty)).getMessage().contains("empty"));
        Path text = dir.resolve("text");
        Files.writeString(text, "GET / HTTP/1.1\r\n\r\n");
        assertTrue(assertThrows(CaptureFormatException.class, () -> CaptureReader.open(text)).getMessage()
                .contains("not a pcap or pcapng file"));
        assertTrue(assertThrows(CaptureFormatException.class, () -> CaptureReader.open(dir.resolve("nope")))
                .getMessage().contains("no such file"));
    }

    @Test
    void anImpossibleRecordLengthIsDamageNotAnEndlessRead() throws IOException {
        byte[] file = SyntheticCaptures.pcap(1, false, ByteOrder.LITTLE_ENDIAN, frames);
        file[24 + 8] = (byte) 0xff;
        file[24 + 11] = (byte) 0x7f; // captured length of packet 1: about 2 GB
        Path p = dir.resolve("bad.pcap");
        Files.write(p, file);
        try (CaptureReader r = CaptureReader.open(p)) {
            CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> r.next(new CapturedPacket()));
            assertTrue(e.getMessage().contains("damaged"), e.getMessage());
        }
    }

    @Test
    void linkLayersLeadToTheIpv4Header() {
        byte[] eth = frame(false, 1, 0, Flags.SYN, 0);
        assertEquals(14, LinkLayer.ipOffset(LinkLayer.ETHERNET, eth, 0, eth.length));
        byte[] ip = Arrays.copyOfRange(eth, 14, eth.length);
        assertEquals(0, LinkLayer.ipOffset(LinkLayer.RAW, ip, 0, ip.length));
        byte[] sll2 = new byte[20 + ip.length];
        sll2[0] = 0x08;
        assertEquals(20, LinkLayer.ipOffset(LinkLayer.LINUX_SLL2, sll2, 0, sll2.length));
        byte[] sll = new byte[16 + ip.length];
        sll[14] = 0x08;
        assertEquals(16, LinkLayer.ipOffset(LinkLayer.LINUX_SLL, sll, 0, sll.length));
        byte[] vlan = new byte[eth.length + 4];
        System.arraycopy(eth, 0, vlan, 0, 12);
        vlan[12] = (byte) 0x81;
        vlan[16] = 0x08;
        assertEquals(18, LinkLayer.ipOffset(LinkLayer.ETHERNET, vlan, 0, vlan.length));
        byte[] arp = eth.clone();
        arp[13] = 0x06;
        assertEquals(LinkLayer.NOT_IP, LinkLayer.ipOffset(LinkLayer.ETHERNET, arp, 0, arp.length));
        assertEquals(LinkLayer.UNKNOWN_LINK, LinkLayer.ipOffset(147, eth, 0, eth.length));
        assertFalse(LinkLayer.known(147));
    }

    @Test
    void linkLayersLeadToTheIpv6HeaderToo() {
        byte[] eth = SyntheticCaptures.frame6(false, 1, 0, Flags.SYN, 0);
        assertEquals(14, LinkLayer.ipOffset(LinkLayer.ETHERNET, eth, 0, eth.length));
        byte[] ip = Arrays.copyOfRange(eth, 14, eth.length);
        assertEquals(0, LinkLayer.ipOffset(LinkLayer.RAW, ip, 0, ip.length));
        assertEquals(0, LinkLayer.ipOffset(LinkLayer.IPV6, ip, 0, ip.length));
        assertEquals(LinkLayer.NOT_IP, LinkLayer.ipOffset(LinkLayer.IPV4, ip, 0, ip.length));
        byte[] sll2 = new byte[20 + ip.length];
        sll2[0] = (byte) 0x86;
        sll2[1] = (byte) 0xdd;
        assertEquals(20, LinkLayer.ipOffset(LinkLayer.LINUX_SLL2, sll2, 0, sll2.length));
        byte[] sll = new byte[16 + ip.length];
        sll[14] = (byte) 0x86;
        sll[15] = (byte) 0xdd;
        assertEquals(16, LinkLayer.ipOffset(LinkLayer.LINUX_SLL, sll, 0, sll.length));
        // A loopback header holds AF_INET6 as the writer's system numbers it: Linux 10, the BSDs 24 and
        // 28, macOS 30; in the writer's byte order (NULL) or in network order (LOOP).
        for (int family : new int[] {10, 24, 28, 30}) {
            byte[] nullLink = new byte[4 + ip.length];
            nullLink[0] = (byte) family;
            assertEquals(4, LinkLayer.ipOffset(LinkLayer.NULL, nullLink, 0, nullLink.length), "AF_INET6 " + family);
            byte[] loop = new byte[4 + ip.length];
            loop[3] = (byte) family;
            assertEquals(4, LinkLayer.ipOffset(LinkLayer.LOOP, loop, 0, loop.length), "AF_INET6 " + family);
        }
        byte[] appleTalk = new byte[4 + ip.length];
        appleTalk[0] = 16;
        assertEquals(LinkLayer.NOT_IP, LinkLayer.ipOffset(LinkLayer.NULL, appleTalk, 0, appleTalk.length));
        assertTrue(LinkLayer.known(LinkLayer.IPV6));
    }
}
