package dev.tcplab.wire;

/** An ARP packet for IPv4 over Ethernet (RFC 826): 28 bytes. */
public record ArpPacket(int operation, MacAddress senderMac, Ipv4Address senderIp, MacAddress targetMac,
                        Ipv4Address targetIp) {

    public static final int REQUEST = 1, REPLY = 2;
    public static final int LENGTH = 28;

    public static ArpPacket request(MacAddress myMac, Ipv4Address myIp, Ipv4Address whoHas) {
        return new ArpPacket(REQUEST, myMac, myIp, MacAddress.ZERO, whoHas);
    }

    public ArpPacket replyFrom(MacAddress myMac) {
        return new ArpPacket(REPLY, myMac, targetIp, senderMac, senderIp);
    }

    public void encode(byte[] b, int off) {
        Bytes.put16(b, off, 1);               // hardware type: Ethernet
        Bytes.put16(b, off + 2, 0x0800);      // protocol type: IPv4
        b[off + 4] = 6;                       // hardware address length
        b[off + 5] = 4;                       // protocol address length
        Bytes.put16(b, off + 6, operation);
        senderMac.write(b, off + 8);
        senderIp.write(b, off + 14);
        targetMac.write(b, off + 18);
        targetIp.write(b, off + 24);
    }

    public static ArpPacket decode(byte[] b, int off, int available) throws MalformedPacketException {
        if (available < LENGTH) {
            throw new MalformedPacketException("ARP needs 28 bytes, only " + available + " present");
        }
        if (Bytes.u16(b, off) != 1 || Bytes.u16(b, off + 2) != 0x0800 || b[off + 4] != 6 || b[off + 5] != 4) {
            throw new MalformedPacketException("ARP is not IPv4 over Ethernet");
        }
        return new ArpPacket(Bytes.u16(b, off + 6), MacAddress.read(b, off + 8), Ipv4Address.read(b, off + 14),
                MacAddress.read(b, off + 18), Ipv4Address.read(b, off + 24));
    }
}
