package dev.tcplab.link;

import dev.tcplab.wire.ArpPacket;
import dev.tcplab.wire.EthernetFrame;
import dev.tcplab.wire.HostPort;
import dev.tcplab.wire.Ipv4Address;
import dev.tcplab.wire.MacAddress;
import dev.tcplab.wire.MalformedPacketException;
import dev.tcplab.wire.Segment;
import dev.tcplab.wire.TcpPacket;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * What the userspace endpoint needs from a link: its own address on the wire (it answers ARP for
 * it, since no kernel interface owns it), the peer's MAC, and TCP segments of its one connection
 * in and out. Everything else that arrives is ignored: frames for other MACs, addresses or ports.
 */
public final class SegmentLink {
    /** FIELD-NOTES: park ~20 µs between empty reads gives the best reaction time measured. */
    private static final long IDLE_PARK_NANOS = 20_000;

    private final FrameLink link;
    private final MacAddress ourMac;
    private final HostPort us;
    /** The peer; port 0 while a listening endpoint does not know it yet (see {@link #lockPeerPort}). */
    private HostPort peer;
    private MacAddress peerMac;
    private int ipId;
    private long framesIgnored;

    /** A segment for us and the frame that carried it. */
    public record Inbound(TcpPacket packet, Frame frame) {
    }

    public SegmentLink(FrameLink link, MacAddress ourMac, HostPort us, HostPort peer) {
        this.link = link;
        this.ourMac = ourMac;
        this.us = us;
        this.peer = peer;
    }

    /**
     * The BPF filter that lets through only what endpoints at {@code us} can use (FIELD-NOTES: let
     * ARP through). Our port is checked in {@link #poll}, so that one capture serves connections
     * from several ports in a row.
     */
    public static String bpfFilter(Ipv4Address us, HostPort peer) {
        String port = peer.port() == 0 ? "" : " and src port " + peer.port();
        return "arp or (tcp and src host " + peer.addr() + " and dst host " + us + port + ")";
    }

    /** A listening endpoint learned its peer's port from the SYN: from now on only that port is ours. */
    public void lockPeerPort(int port) {
        if (peer.port() == 0) {
            peer = new HostPort(peer.addr(), port);
        }
    }

    /** Uses a MAC already learned (by an earlier connection on the same link) instead of asking again. */
    public void assumePeerMac(MacAddress mac) {
        this.peerMac = mac;
    }

    /**
     * Resolves the peer's MAC: an ARP request per try, answered within {@code perTry}; the
     * endpoint's own ARP answers go out meanwhile. Throws after {@code tries} unanswered requests.
     */
    public MacAddress resolvePeer(int tries, Duration perTry) {
        for (int attempt = 1; attempt <= tries && peerMac == null; attempt++) {
            link.send(EthernetFrame.arp(ourMac, MacAddress.BROADCAST, ArpPacket.request(ourMac, us.ipv4(), peer.ipv4())));
            long deadline = System.nanoTime() + perTry.toNanos();
            while (peerMac == null && System.nanoTime() < deadline) {
                if (poll() == null) {
                    LockSupport.parkNanos(IDLE_PARK_NANOS);
                }
            }
        }
        if (peerMac == null) {
            throw new PeerUnreachableException("no ARP answer from " + peer.addr() + " on " + link.name() + " after "
                    + tries + " requests " + perTry.toMillis() + " ms apart: is the peer up and on this link?");
        }
        return peerMac;
    }

    public MacAddress peerMac() {
        return peerMac;
    }

    /** Sends one segment to the peer; returns the frame as sent (with its time). */
    public Frame send(Segment s) {
        if (peerMac == null) {
            throw new IllegalStateException("peer MAC unknown: resolve it first");
        }
        ipId = (ipId + 1) & 0xffff;
        return link.send(EthernetFrame.tcp(ourMac, peerMac, us.ipv4(), peer.ipv4(), s, ipId));
    }

    /**
     * Handles waiting frames until one carries a segment of our connection; null once none is
     * left. ARP requests for our address are answered on the way.
     */
    public Inbound poll() {
        Frame f;
        while ((f = link.poll()) != null) {
            Inbound in = handle(f);
            if (in != null) {
                return in;
            }
        }
        return null;
    }

    /** Frames that arrived but were not for this endpoint (other hosts, ports, protocols). */
    public long framesIgnored() {
        return framesIgnored;
    }

    private Inbound handle(Frame f) {
        byte[] b = f.data();
        if (!EthernetFrame.isFor(b, ourMac)) {
            framesIgnored++;
            return null;
        }
        try {
            ArpPacket arp = EthernetFrame.decodeArp(b);
            if (arp != null) {
                onArp(arp);
                return null;
            }
            TcpPacket p = EthernetFrame.decodeTcp(b, b.length);
            if (p != null && p.destination().equals(us) && p.src().equals(peer.addr())
                    && (peer.port() == 0 || p.segment().srcPort() == peer.port())) {
                return new Inbound(p, f);
            }
        } catch (MalformedPacketException e) {
            // not ours to repair: a malformed frame is ignored like any other stranger
        }
        framesIgnored++;
        return null;
    }

    private void onArp(ArpPacket arp) {
        if (arp.senderIp().equals(peer.addr())) {
            peerMac = arp.senderMac(); // learn from requests too: the kernel re-asks before it trusts us
        }
        if (arp.operation() == ArpPacket.REQUEST && arp.targetIp().equals(us.addr())) {
            link.send(EthernetFrame.arp(ourMac, arp.senderMac(), arp.replyFrom(ourMac)));
        }
    }
}
