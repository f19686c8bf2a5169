package dev.tcplab.lab;

import dev.tcplab.wire.ArpPacket;
import dev.tcplab.wire.EthernetFrame;
import dev.tcplab.wire.Flags;
import dev.tcplab.wire.Ipv4Address;
import dev.tcplab.wire.MacAddress;
import dev.tcplab.wire.MalformedPacketException;
import dev.tcplab.wire.Segment;
import dev.tcplab.wire.SeqNum;
import dev.tcplab.wire.TcpOption;
import dev.tcplab.wire.TcpPacket;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The other host of a {@link Rehearsal}, in memory: answers ARP and the handshake with the options
 * Linux sends (MSS, SACK-permitted, timestamps, window scale), then either echoes what it gets or
 * streams bytes in full-sized segments, several per ACK, and closes: the shapes a live run meets,
 * so that the JIT compiles the paths a live run takes.
 */
final class RehearsalPeer implements Function<byte[], List<byte[]>> {
    static final Ipv4Address ADDRESS = Ipv4Address.parse("192.0.2.2"); // TEST-NET-1: never on a wire
    private static final MacAddress MAC = MacAddress.parse("02:00:00:00:00:02");
    private static final int MSS = 1448, WINDOW = 64_240, SEGMENTS_PER_ACK = 24, IN_FLIGHT = 128 * 1024;
    private static final byte[] BLOCK = new byte[MSS];

    private final long streamBytes;
    private final SeqNum isn = SeqNum.of(777);
    private SeqNum next;          // our SND.NXT while streaming
    private long streamed;
    private boolean finSent;
    private long tsVal = 1;

    /** @param streamBytes 0: echo what arrives; more: send that many bytes after the handshake, then FIN */
    RehearsalPeer(long streamBytes) {
        this.streamBytes = streamBytes;
    }

    @Override
    public List<byte[]> apply(byte[] frame) {
        try {
            ArpPacket arp = EthernetFrame.decodeArp(frame);
            if (arp != null) {
                return List.of(EthernetFrame.arp(MAC, arp.senderMac(),
                        new ArpPacket(ArpPacket.REPLY, MAC, ADDRESS, arp.senderMac(), arp.senderIp())));
            }
            TcpPacket p = EthernetFrame.decodeTcp(frame, frame.length);
            return p == null ? List.of() : answer(p, EthernetFrame.source(frame));
        } catch (MalformedPacketException e) {
            return List.of();
        }
    }

    private List<byte[]> answer(TcpPacket p, MacAddress to) {
        Segment s = p.segment();
        SeqNum theirNext = s.seq().plus(s.seqLength());
        long theirTs = s.option(TcpOption.Timestamps.class).map(TcpOption.Timestamps::tsVal).orElse(0L);
        List<byte[]> out = new ArrayList<>();
        if (s.flags().syn()) {
            next = isn.plus(1);
            out.add(frame(to, p, Segment.of(7, s.srcPort(), isn, theirNext, Flags.SYN_ACK, WINDOW)
                    .withOptions(List.of(new TcpOption.Mss(MSS + 12), new TcpOption.SackPermitted(),
                            new TcpOption.Timestamps(tsVal++, theirTs), new TcpOption.Nop(), new TcpOption.WindowScale(7)))));
        } else if (s.flags().fin()) {
            out.add(frame(to, p, withTs(Segment.of(7, s.srcPort(), s.ack(), theirNext,
                    finSent ? Flags.ACK : Flags.FIN_ACK, WINDOW), theirTs)));
        } else if (streamBytes == 0 && s.payloadLength() > 0) {
            out.add(frame(to, p, withTs(Segment.of(7, s.srcPort(), s.ack(), theirNext, Flags.ACK, WINDOW), theirTs)));
            out.add(frame(to, p, withTs(Segment.of(7, s.srcPort(), s.ack(), theirNext, Flags.PSH_ACK, WINDOW)
                    .withPayload(s.payload()), theirTs)));
        } else if (streamBytes > 0 && !finSent) {
            for (int i = 0; i < SEGMENTS_PER_ACK && streamed < streamBytes && next.minus(s.ack()) < IN_FLIGHT; i++) {
                int len = (int) Math.min(MSS, streamBytes - streamed);
                byte[] data = len == MSS ? BLOCK : new byte[len];
                out.add(frame(to, p, withTs(Segment.of(7, s.srcPort(), next, theirNext, Flags.ACK, WINDOW)
                        .withPayload(data), theirTs)));
                next = next.plus(len);
                streamed += len;
            }
            if (streamed == streamBytes) {
                finSent = true;
                out.add(frame(to, p, withTs(Segment.of(7, s.srcPort(), next, theirNext, Flags.FIN_ACK, WINDOW), theirTs)));
            }
        }
        return out;
    }

    private Segment withTs(Segment s, long theirTs) {
        return s.withOptions(List.of(new TcpOption.Nop(), new TcpOption.Nop(), new TcpOption.Timestamps(tsVal++, theirTs)));
    }

    private static byte[] frame(MacAddress to, TcpPacket p, Segment s) {
        return EthernetFrame.tcp(MAC, to, p.destination().ipv4(), p.source().ipv4(), s, 1);
    }
}
