package dev.tcplab.wire;

/**
 * An IP address as a packet carries it. The live side speaks IPv4 only (the lab network and
 * {@code --iface}); captures read by {@code analyze} and {@code replay} may hold IPv6 as well.
 */
public sealed interface IpAddress permits Ipv4Address, Ipv6Address {
}
