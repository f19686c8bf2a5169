package dev.tcplab.endpoint;

import dev.tcplab.text.Text;
import dev.tcplab.wire.Segment;

/** Where the endpoint puts the segments it decides to send; the link layer is behind it. */
@FunctionalInterface
public interface SegmentSink {
    /**
     * @param why null for an ordinary segment, else what made it (for example
     *            "retransmission 2 (RTO 400 ms)" or "challenge ACK (RFC 5961)")
     */
    void transmit(Segment segment, Text why);
}
