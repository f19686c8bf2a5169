package dev.tcplab.lab;

/** How the host kernel is kept from answering the peer with RST (DESIGN.md, decisions). */
public enum RstGuard {
    /** The endpoint uses an address no kernel interface owns and answers ARP for it itself. */
    ADDRESS,
    /** The endpoint uses a kernel-owned address; an iptables rule drops the kernel's RSTs. */
    FIREWALL,
    /**
     * A kernel-owned address and no rule: the host kernel answers the peer's SYN+ACK with RST and
     * the connection dies. Here to show why a guard is needed.
     */
    NONE;

    /** Whether the endpoint uses an address (and MAC) that the host kernel owns. */
    public boolean usesKernelAddress() {
        return this != ADDRESS;
    }
}
