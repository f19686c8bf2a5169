package dev.tcplab.lab;

/** How the host kernel is kept from answering the peer with RST (DESIGN.md, decisions). */
public enum RstGuard {
    /** The endpoint uses an address no kernel interface owns and answers ARP for it itself. */
    ADDRESS,
    /** The endpoint uses a kernel-owned address; an iptables rule drops the kernel's RSTs. */
    FIREWALL
}
