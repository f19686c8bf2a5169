package dev.tcplab.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcplab.wire.ChecksumStatus;
import dev.tcplab.wire.Flags;
import dev.tcplab.wire.Ipv4Address;
import dev.tcplab.wire.MacAddress;
import dev.tcplab.wire.Segment;
import dev.tcplab.wire.SeqNum;
import dev.tcplab.wire.TcpOption;
import dev.tcplab.wire.TcpPacket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pcap4j.packet.EthernetPacket;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.IpV4Rfc791Tos;
import org.pcap4j.packet.SimpleBuilder;
import org.pcap4j.packet.UnknownPacket;
import org.pcap4j.packet.namednumber.IpNumber;
import org.pcap4j.packet.namednumber.IpVersion;
import org.pcap4j.packet.namednumber.TcpPort;

/** pcap4j as a second, independent codec: it must read our bytes as we meant them, and we its. */
class Pcap4jPacketsTest {
    static final Ipv4Address A = Ipv4Address.parse("10.77.1.1"), B = Ipv4Address.parse("10.77.1.2");

    @Test
    void pcap4jReadsOurSegmentFieldForFieldAndFindsTheChecksumGood() throws Exception {
        Segment s = Segment.of(61000, 7, SeqNum.of(0xFFFF_FFF0L), SeqNum.of(123), Flags.PSH_ACK, 64240)
                .withOptions(List.of(new TcpOption.Nop(), new TcpOption.Nop(), new TcpOption.Timestamps(5, 6)))
                .withPayload("abc".getBytes());
        EthernetPacket eth = Pcap4jPackets.toPcap4j(MacAddress.randomLocal(), MacAddress.randomLocal(), A, B, s, 9);
        org.pcap4j.packet.TcpPacket tcp = eth.get(org.pcap4j.packet.TcpPacket.class);
        org.pcap4j.packet.TcpPacket.TcpHeader h = tcp.getHeader();
        assertEquals(61000, h.getSrcPort().valueAsInt()); // above 32767: FIELD-NOTES' signed-short quirk
        assertEquals(0xFFFF_FFF0L, h.getSequenceNumberAsLong());
        assertEquals(123L, h.getAcknowledgmentNumberAsLong());
        assertTrue(h.getPsh() && h.getAck() && !h.getSyn() && !h.getFin());
        assertEquals(64240, h.getWindowAsInt());
        assertArrayEquals("abc".getBytes(), tcp.getPayload().getRawData());
        assertTrue(tcp.hasValidChecksum((Inet4Address) InetAddress.getByName("10.77.1.1"),
                (Inet4Address) InetAddress.getByName("10.77.1.2"), false), "pcap4j verifies our TCP checksum");
        assertTrue(eth.get(IpV4Packet.class).getHeader().hasValidChecksum(false), "and our IPv4 header checksum");
    }

    @Test
    void weReadWhatPcap4jBuilds() throws Exception {
        Inet4Address src = (Inet4Address) InetAddress.getByName("10.77.1.2");
        Inet4Address dst = (Inet4Address) InetAddress.getByName("10.77.1.1");
        org.pcap4j.packet.TcpPacket.Builder tcp = new org.pcap4j.packet.TcpPacket.Builder()
                .srcPort(TcpPort.getInstance((short) 7)).dstPort(TcpPort.getInstance((short) 61000))
                .sequenceNumber((int) 3_000_000_000L).acknowledgmentNumber(77).syn(true).ack(true)
                .window((short) 65160).srcAddr(src).dstAddr(dst)
                .payloadBuilder(new UnknownPacket.Builder().rawData(new byte[] {1, 2}))
                .correctChecksumAtBuild(true).correctLengthAtBuild(true).paddingAtBuild(true);
        IpV4Packet ip = new IpV4Packet.Builder().version(IpVersion.IPV4).tos(IpV4Rfc791Tos.newInstance((byte) 0))
                .ttl((byte) 64).protocol(IpNumber.TCP).srcAddr(src).dstAddr(dst).payloadBuilder(tcp)
                .correctChecksumAtBuild(true).correctLengthAtBuild(true).build();
        TcpPacket ours = Pcap4jPackets.fromPcap4j(new SimpleBuilder(ip).build());
        assertEquals(7, ours.segment().srcPort());
        assertEquals(61000, ours.segment().dstPort());
        assertEquals(3_000_000_000L, ours.segment().seq().value());
        assertEquals(Flags.SYN_ACK, ours.segment().flags());
        assertEquals(65160, ours.segment().window());
        assertArrayEquals(new byte[] {1, 2}, ours.segment().payload());
        assertEquals(ChecksumStatus.VALID, ours.checksum());
    }
}
