package dev.tcplab.link;

import dev.tcplab.text.Text;

/**
 * One Ethernet frame as captured or sent, with its wall-clock time in nanoseconds since the epoch
 * (what a pcap record stores), its length on the wire (longer than data when a snaplen cut it), and
 * the fault injected into it, if any.
 */
public record Frame(byte[] data, long epochNanos, int wireLength, Fault fault) {
    public Frame(byte[] data, long epochNanos) {
        this(data, epochNanos, data.length, null);
    }

    public Frame(byte[] data, long epochNanos, int wireLength) {
        this(data, epochNanos, wireLength, null);
    }

    public Frame withFault(Fault f) {
        return new Frame(data, epochNanos, wireLength, f);
    }

    /** What a fault rule did to a frame: dropped it (it never reached the endpoint or the wire), or else. */
    public record Fault(Text description, boolean dropped) {
    }
}
