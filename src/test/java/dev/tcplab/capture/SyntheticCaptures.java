package dev.tcplab.capture;

import dev.tcplab.wire.EthernetFrame;
import dev.tcplab.wire.Flags;
import dev.tcplab.wire.Ipv4Address;
import dev.tcplab.wire.Ipv6Address;
import dev.tcplab.wire.MacAddress;
import dev.tcplab.wire.Segment;
import dev.tcplab.wire.SeqNum;
import dev.tcplab.wire.TcpCodec;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/** Builds capture files byte by byte, in either format and byte order, for the reader's tests. */
public final class SyntheticCaptures {
    public static final Ipv4Address A = Ipv4Address.parse("10.0.0.1"), B = Ipv4Address.parse("10.0.0.2");
    static final MacAddress MAC_A = MacAddress.parse("02:00:00:00:00:01"), MAC_B = MacAddress.parse("02:00:00:00:00:02");

    private SyntheticCaptures() {
    }

    /** An Ethernet frame carrying one segment from A:1000 to B:80 (or back, when {@code fromB}). */
    public static byte[] frame(boolean fromB, long seq, long ack, Flags flags, int payload) {
        Segment s = Segment.of(fromB ? 80 : 1000, fromB ? 1000 : 80, SeqNum.of(seq), SeqNum.of(ack), flags, 1000)
                .withPayload(new byte[payload]);
        return fromB ? EthernetFrame.tcp(MAC_B, MAC_A, B, A, s, 0) : EthernetFrame.tcp(MAC_A, MAC_B, A, B, s, 0);
    }

    /** The same from A's port {@code clientPort} to B:80 (or back): one connection per client port. */
    public static byte[] frame(int clientPort, boolean fromB, long seq, long ack, Flags flags) {
        Segment s = Segment.of(fromB ? 80 : clientPort, fromB ? clientPort : 80, SeqNum.of(seq), SeqNum.of(ack), flags, 1000);
        return fromB ? EthernetFrame.tcp(MAC_B, MAC_A, B, A, s, 0) : EthernetFrame.tcp(MAC_A, MAC_B, A, B, s, 0);
    }

    /** Any segment between A:clientPort and B:80, its window, payload length and options the caller's. */
    public static byte[] frame(int clientPort, boolean fromB, long seq, long ack, Flags flags, int window, int payload,
                               List<dev.tcplab.wire.TcpOption> options) {
        Segment s = Segment.of(fromB ? 80 : clientPort, fromB ? clientPort : 80, SeqNum.of(seq), SeqNum.of(ack), flags,
                window).withPayload(new byte[payload]).withOptions(options);
        return fromB ? EthernetFrame.tcp(MAC_B, MAC_A, B, A, s, 0) : EthernetFrame.tcp(MAC_A, MAC_B, A, B, s, 0);
    }

    public static final Ipv6Address A6 = ipv6("fd00::1"), B6 = ipv6("fd00::2");

    /** The IPv6 twin of {@link #frame}: the same ports, between fd00::1 and fd00::2. */
    public static byte[] frame6(boolean fromB, long seq, long ack, Flags flags, int payload) {
        return frame6(A6, B6, fromB, seq, ack, flags, payload);
    }

    /** The same between two addresses of the caller's. */
    public static byte[] frame6(Ipv6Address a, Ipv6Address b, boolean fromB, long seq, long ack, Flags flags,
                                int payload) {
        Segment s = Segment.of(fromB ? 80 : 1000, fromB ? 1000 : 80, SeqNum.of(seq), SeqNum.of(ack), flags, 1000)
                .withPayload(new byte[payload]);
        Ipv6Address src = fromB ? b : a, dst = fromB ? a : b;
        byte[] tcp = TcpCodec.encode(src, dst, s);
        byte[] frame = new byte[14 + 40 + tcp.length];
        (fromB ? MAC_A : MAC_B).write(frame, 0);
        (fromB ? MAC_B : MAC_A).write(frame, 6);
        ByteBuffer ip = ByteBuffer.wrap(frame, 12, frame.length - 12);
        ip.putShort((short) 0x86dd).putInt(0x60000000).putShort((short) tcp.length).put((byte) TcpCodec.PROTOCOL)
                .put((byte) 64);
        ip.putLong(src.high()).putLong(src.low()).putLong(dst.high()).putLong(dst.low()).put(tcp);
        return frame;
    }

    /**
     * An Ethernet frame of {@link #frame} or {@link #frame6} cut into IP fragments of its payload (the TCP
     * segment), each piece {@code size} bytes (a multiple of 8) but the last, with identification {@code id}.
     * IPv6 fragments carry a Fragment header, as RFC 8200 §4.5 has them.
     */
    public static List<byte[]> fragments(byte[] frame, int size, int id) {
        boolean v6 = (frame[14] & 0xf0) == 0x60;
        int header = v6 ? 40 : (frame[14] & 0x0f) * 4;
        byte[] payload = java.util.Arrays.copyOfRange(frame, 14 + header, frame.length);
        List<byte[]> pieces = new java.util.ArrayList<>();
        for (int offset = 0; offset < payload.length; offset += size) {
            int length = Math.min(size, payload.length - offset);
            boolean more = offset + length < payload.length;
            int extra = v6 ? 8 : 0;
            byte[] piece = new byte[14 + header + extra + length];
            System.arraycopy(frame, 0, piece, 0, 14 + header);
            ByteBuffer ip = ByteBuffer.wrap(piece); // absolute indices: the IP header starts at 14
            if (v6) {
                ip.putShort(14 + 4, (short) (8 + length)).put(14 + 6, (byte) 44);       // next: a Fragment header
                ip.put(14 + 40, (byte) TcpCodec.PROTOCOL).put(14 + 41, (byte) 0)
                        .putShort(14 + 42, (short) (offset | (more ? 1 : 0))).putInt(14 + 44, id);
            } else {
                ip.putShort(14 + 2, (short) (header + length)).putShort(14 + 4, (short) id)
                        .putShort(14 + 6, (short) ((more ? 0x2000 : 0) | offset / 8)).putShort(14 + 10, (short) 0);
                int sum = 0;
                for (int i = 0; i < header; i += 2) {
                    sum += (piece[14 + i] & 0xff) << 8 | piece[15 + i] & 0xff;
                }
                sum = (sum & 0xffff) + (sum >>> 16);
                sum = (sum & 0xffff) + (sum >>> 16);
                ip.putShort(14 + 10, (short) ~sum);
            }
            System.arraycopy(payload, offset, piece, 14 + header + extra, length);
            pieces.add(piece);
        }
        return pieces;
    }

    public static Ipv6Address ipv6(String text) {
        try {
            byte[] a = java.net.InetAddress.getByName(text).getAddress();
            return Ipv6Address.read(a, 0);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    /** A classic pcap file; timestamps 1 ms apart, in nanoseconds or microseconds. */
    public static byte[] pcap(int linkType, boolean nanos, ByteOrder order, List<byte[]> frames) {
        long[] times = new long[frames.size()];
        for (int i = 0; i < times.length; i++) {
            times[i] = i * 1_000_000L;
        }
        return pcap(linkType, nanos, order, frames, times);
    }

    /** A classic little-endian Ethernet pcap file with each frame at its own time, in microseconds. */
    public static byte[] pcapAt(List<byte[]> frames, long[] micros) {
        long[] times = new long[micros.length];
        for (int i = 0; i < times.length; i++) {
            times[i] = micros[i] * 1_000;
        }
        return pcap(1, false, ByteOrder.LITTLE_ENDIAN, frames, times);
    }

    /** Frame i at {@code times[i]} nanoseconds after the file's first second. */
    private static byte[] pcap(int linkType, boolean nanos, ByteOrder order, List<byte[]> frames, long[] times) {
        ByteBuffer b = ByteBuffer.allocate(24 + frames.stream().mapToInt(f -> 16 + f.length).sum()).order(order);
        b.putInt(nanos ? 0xa1b23c4d : 0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
                .putInt(65535).putInt(linkType);
        for (int i = 0; i < frames.size(); i++) {
            byte[] f = frames.get(i);
            long fraction = times[i] % 1_000_000_000;
            b.putInt((int) (1_700_000_000 + times[i] / 1_000_000_000)).putInt((int) (nanos ? fraction : fraction / 1000))
                    .putInt(f.length).putInt(f.length).put(f);
        }
        return b.array();
    }

    /** A pcapng file: section header, one interface (with a timestamp resolution of 10^-resolution s), packets. */
    public static byte[] pcapng(int linkType, int resolution, ByteOrder order, List<byte[]> frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        block(out, order, 0x0a0d0d0a, ByteBuffer.allocate(16).order(order).putInt(0x1a2b3c4d).putShort((short) 1)
                .putShort((short) 0).putLong(-1).array());
        ByteBuffer idb = ByteBuffer.allocate(16).order(order).putShort((short) linkType).putShort((short) 0)
                .putInt(0).putShort((short) 9).putShort((short) 1).put((byte) resolution).put(new byte[3]);
        block(out, order, 1, idb.array());
        long ticksPerMs = (long) Math.pow(10, resolution) / 1000;
        long t = 1_700_000_000L * 1000 * ticksPerMs;
        for (byte[] f : frames) {
            int padded = (f.length + 3) & ~3;
            ByteBuffer epb = ByteBuffer.allocate(20 + padded).order(order).putInt(0).putInt((int) (t >>> 32))
                    .putInt((int) t).putInt(f.length).putInt(f.length).put(f);
            block(out, order, 6, epb.array());
            t += ticksPerMs;
        }
        return out.toByteArray();
    }

    private static void block(ByteArrayOutputStream out, ByteOrder order, int type, byte[] body) {
        int len = 12 + body.length;
        ByteBuffer b = ByteBuffer.allocate(len).order(order).putInt(type).putInt(len).put(body).putInt(len);
        out.writeBytes(b.array());
    }
}
