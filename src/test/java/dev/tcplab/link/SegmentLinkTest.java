package dev.tcplab.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tcplab.wire.ArpPacket;
import dev.tcplab.wire.EthernetFrame;
import dev.tcplab.wire.Flags;
import dev.tcplab.wire.HostPort;
import dev.tcplab.wire.MacAddress;
import dev.tcplab.wire.Segment;
import dev.tcplab.wire.SeqNum;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the endpoint's side of the link does with ARP and with frames that are not its own. */
class SegmentLinkTest {
    static final HostPort US = HostPort.parse("10.77.1.1:61000");
    static final HostPort PEER = HostPort.parse("10.77.1.2:7");
    static final MacAddress OUR_MAC = MacAddress.parse("02:00:00:00:00:01");
    static final MacAddress PEER_MAC = MacAddress.parse("0a:00:00:00:00:02");

    final MemoryFrameLink wire = new MemoryFrameLink();
    final SegmentLink link = new SegmentLink(wire, OUR_MAC, US, PEER);

    byte[] tcpFrom(HostPort src, HostPort dst, MacAddress dstMac) {
        Segment s = Segment.of(src.port(), dst.port(), SeqNum.of(1), SeqNum.of(2), Flags.SYN_ACK, 100);
        return EthernetFrame.tcp(PEER_MAC, dstMac, src.ipv4(), dst.ipv4(), s, 1);
    }

    @Test
    void answersArpRequestsForItsAddressEvenUnicastReprobes() throws Exception {
        wire.deliver(EthernetFrame.arp(PEER_MAC, MacAddress.BROADCAST, ArpPacket.request(PEER_MAC, PEER.ipv4(), US.ipv4())));
        wire.deliver(EthernetFrame.arp(PEER_MAC, OUR_MAC, ArpPacket.request(PEER_MAC, PEER.ipv4(), US.ipv4())));
        assertNull(link.poll());
        List<byte[]> sent = wire.sentFrames();
        assertEquals(2, sent.size());
        for (byte[] f : sent) {
            ArpPacket reply = EthernetFrame.decodeArp(f);
            assertEquals(ArpPacket.REPLY, reply.operation());
            assertEquals(OUR_MAC, reply.senderMac());
            assertEquals(US.addr(), reply.senderIp());
            assertEquals(PEER_MAC, reply.targetMac());
        }
        assertEquals(PEER_MAC, link.peerMac(), "learned from the peer's own request");
    }

    @Test
    void ignoresArpForOtherAddresses() {
        wire.deliver(EthernetFrame.arp(PEER_MAC, MacAddress.BROADCAST,
                ArpPacket.request(PEER_MAC, PEER.ipv4(), HostPort.parse("10.77.1.99:0").ipv4())));
        assertNull(link.poll());
        assertEquals(List.of(), wire.sentFrames());
    }

    @Test
    void deliversOnlySegmentsOfItsOwnConnection() {
        wire.deliver(tcpFrom(PEER, HostPort.parse("10.77.1.1:61001"), OUR_MAC));   // another port of ours
        wire.deliver(tcpFrom(HostPort.parse("10.77.1.3:7"), US, OUR_MAC));        // another host
        wire.deliver(tcpFrom(PEER, US, MacAddress.parse("02:00:00:00:00:99")));    // another MAC
        wire.deliver(tcpFrom(PEER, US, OUR_MAC));                                  // ours
        SegmentLink.Inbound in = link.poll();
        assertNotNull(in);
        assertEquals(US, in.packet().destination());
        assertNull(link.poll());
        assertEquals(3, link.framesIgnored());
    }

    @Test
    void resolvesThePeerByArpOrSaysWhoDidNotAnswer() {
        wire.answerWith(f -> {
            try {
                ArpPacket a = EthernetFrame.decodeArp(f);
                return a == null ? List.of() : List.of(EthernetFrame.arp(PEER_MAC, OUR_MAC, a.replyFrom(PEER_MAC)));
            } catch (Exception e) {
                return List.of();
            }
        });
        assertEquals(PEER_MAC, link.resolvePeer(1, Duration.ofMillis(100)));

        SegmentLink lonely = new SegmentLink(new MemoryFrameLink(), OUR_MAC, US, PEER);
        PeerUnreachableException e = assertThrows(PeerUnreachableException.class,
                () -> lonely.resolvePeer(2, Duration.ofMillis(10)));
        assertEquals(true, e.getMessage().contains("after 2 requests"), e.getMessage());
    }

    /** Issue 7, safety: a listening endpoint answers only for the address and port it was given. */
    @Test
    void aListenerTakesOnlySegmentsForItsOwnAddressAndPortFromItsPeer() {
        HostPort listening = HostPort.parse("10.77.1.1:8080");
        SegmentLink listener = new SegmentLink(wire, OUR_MAC, listening, new HostPort(PEER.addr(), 0));
        HostPort client = new HostPort(PEER.addr(), 40000);
        wire.deliver(tcpFrom(client, HostPort.parse("10.77.1.1:8081"), OUR_MAC));  // another port
        wire.deliver(tcpFrom(client, HostPort.parse("10.77.1.5:8080"), OUR_MAC));  // an address not given
        wire.deliver(tcpFrom(HostPort.parse("10.77.1.3:40000"), listening, OUR_MAC)); // another host
        wire.deliver(tcpFrom(client, listening, OUR_MAC));                          // ours
        SegmentLink.Inbound in = listener.poll();
        assertNotNull(in);
        assertEquals(listening, in.packet().destination());
        assertNull(listener.poll());
        assertEquals(3, listener.framesIgnored());
        assertEquals(List.of(), wire.sentFrames(), "nothing answered for what is not ours");
    }
}
