package dev.tcplab.link;

import dev.tcplab.wire.EthernetFrame;
import dev.tcplab.wire.Ipv4Address;
import dev.tcplab.wire.Ipv4Tcp;
import dev.tcplab.wire.MacAddress;
import dev.tcplab.wire.MalformedPacketException;
import dev.tcplab.wire.Segment;
import dev.tcplab.wire.TcpPacket;
import org.pcap4j.packet.EthernetPacket;
import org.pcap4j.packet.IllegalRawDataException;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.Packet;

/**
 * Segments to and from pcap4j's packet objects, for code that meets pcap4j (a capture read through
 * libpcap, a packet built with pcap4j's builders). The conversion goes through the bytes on
 * purpose: pcap4j 1.8.2 turns a malformed option and everything after it into "padding" and throws
 * on option kinds ≥ 128 (FIELD-NOTES), while tcplab's codec keeps both.
 */
public final class Pcap4jPackets {
    private Pcap4jPackets() {
    }

    /** The Ethernet frame carrying the segment, as pcap4j's object (its checksums are ours: correct). */
    public static EthernetPacket toPcap4j(MacAddress srcMac, MacAddress dstMac, Ipv4Address src, Ipv4Address dst,
                                          Segment s, int ipId) {
        byte[] frame = EthernetFrame.tcp(srcMac, dstMac, src, dst, s, ipId);
        try {
            return EthernetPacket.newPacket(frame, 0, frame.length);
        } catch (IllegalRawDataException e) {
            throw new IllegalStateException("pcap4j rejected a frame tcplab built: " + e.getMessage(), e);
        }
    }

    /** The TCP segment in any pcap4j packet that holds IPv4, or null when it holds none. */
    public static TcpPacket fromPcap4j(Packet packet) throws MalformedPacketException {
        IpV4Packet ip = packet.get(IpV4Packet.class);
        if (ip == null) {
            return null;
        }
        byte[] raw = ip.getRawData();
        return Ipv4Tcp.decode(raw, 0, raw.length);
    }
}
