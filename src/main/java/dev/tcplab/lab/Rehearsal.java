package dev.tcplab.lab;

import dev.tcplab.endpoint.TcpConfig;
import dev.tcplab.link.MemoryFrameLink;
import dev.tcplab.link.SegmentLink;
import dev.tcplab.trace.JsonLinesRenderer;
import dev.tcplab.trace.LadderRenderer;
import dev.tcplab.trace.TraceSink;
import dev.tcplab.wire.ArpPacket;
import dev.tcplab.wire.EthernetFrame;
import dev.tcplab.wire.Flags;
import dev.tcplab.wire.HostPort;
import dev.tcplab.wire.Ipv4Address;
import dev.tcplab.wire.MacAddress;
import dev.tcplab.wire.MalformedPacketException;
import dev.tcplab.wire.Segment;
import dev.tcplab.wire.SeqNum;
import dev.tcplab.wire.TcpOption;
import dev.tcplab.wire.TcpPacket;
import java.io.PrintWriter;
import java.io.Writer;
import java.time.Duration;
import java.util.List;

/**
 * Runs the whole connect path in memory against a scripted peer, a few hundred times, while the
 * lab network is still being built: class loading, lambda bootstrap and the JIT are done before
 * the real SYN leaves, so the first live handshake reacts as fast as the fiftieth. (A cold JVM took
 * ~20 ms to answer the first SYN+ACK; see the README's performance section.)
 */
public final class Rehearsal {
    private static final Ipv4Address US = Ipv4Address.parse("192.0.2.1"); // TEST-NET-1: never on a wire
    private static final Ipv4Address THEM = Ipv4Address.parse("192.0.2.2");
    private static final MacAddress THEIR_MAC = MacAddress.parse("02:00:00:00:00:02");

    private Rehearsal() {
    }

    /** Starts the rehearsal on a background thread; join it before the live run. */
    public static Thread start(int connections) {
        Thread t = new Thread(() -> run(connections), "rehearsal");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
        return t;
    }

    static void run(int connections) {
        PrintWriter nowhere = new PrintWriter(Writer.nullWriter());
        byte[] payload = "rehearsal\n".getBytes();
        TcpConfig cfg = TcpConfig.defaults().withMsl(Duration.ZERO);
        for (int i = 0; i < connections; i++) {
            HostPort us = new HostPort(US, 61000 + i % 4000);
            HostPort them = new HostPort(THEM, 7);
            MemoryFrameLink memory = new MemoryFrameLink();
            memory.answerWith(f -> answer(f));
            SegmentLink link = new SegmentLink(memory, MacAddress.randomLocal(), us, them);
            link.resolvePeer(1, Duration.ofMillis(100));
            TraceSink trace = TraceSink.both(new LadderRenderer(nowhere, false), new JsonLinesRenderer(nowhere));
            LiveSession s = new LiveSession(link, cfg, us, them, () -> 12345, trace, 0);
            s.run(new ConnectScript(payload, payload.length, Duration.ofSeconds(1).toNanos(), 0, false), Duration.ofSeconds(1).toNanos());
            trace.finish();
        }
    }

    /** A tiny echo peer: ARP reply, SYN+ACK, ACK and echo of data, FIN+ACK for a FIN. */
    private static List<byte[]> answer(byte[] frame) {
        try {
            ArpPacket arp = EthernetFrame.decodeArp(frame);
            if (arp != null) {
                return List.of(EthernetFrame.arp(THEIR_MAC, arp.senderMac(),
                        new ArpPacket(ArpPacket.REPLY, THEIR_MAC, THEM, arp.senderMac(), arp.senderIp())));
            }
            TcpPacket p = EthernetFrame.decodeTcp(frame, frame.length);
            if (p == null) {
                return List.of();
            }
            Segment s = p.segment();
            MacAddress to = EthernetFrame.source(frame);
            SeqNum peerIsn = SeqNum.of(777);
            SeqNum ourNext = s.seq().plus(s.seqLength());
            if (s.flags().syn()) {
                return List.of(frame(to, p, Segment.of(7, s.srcPort(), peerIsn, ourNext, Flags.SYN_ACK, 64240)
                        .withOptions(List.of(new TcpOption.Mss(1460)))));
            }
            SeqNum peerNext = s.ack();
            if (s.flags().fin()) {
                return List.of(frame(to, p, Segment.of(7, s.srcPort(), peerNext, ourNext, Flags.FIN_ACK, 64240)));
            }
            if (s.payloadLength() > 0) {
                return List.of(frame(to, p, Segment.of(7, s.srcPort(), peerNext, ourNext, Flags.ACK, 64240)),
                        frame(to, p, Segment.of(7, s.srcPort(), peerNext, ourNext, Flags.PSH_ACK, 64240)
                                .withPayload(s.payload())));
            }
            return List.of();
        } catch (MalformedPacketException e) {
            return List.of();
        }
    }

    private static byte[] frame(MacAddress to, TcpPacket p, Segment s) {
        return EthernetFrame.tcp(THEIR_MAC, to, p.dst(), p.src(), s, 1);
    }
}
