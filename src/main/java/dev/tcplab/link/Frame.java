package dev.tcplab.link;

/**
 * One Ethernet frame as captured or sent, with its wall-clock time in nanoseconds since the epoch
 * (what a pcap record stores) and its length on the wire (longer than data when a snaplen cut it).
 */
public record Frame(byte[] data, long epochNanos, int wireLength) {
    public Frame(byte[] data, long epochNanos) {
        this(data, epochNanos, data.length);
    }
}
