package dev.tcplab.analysis;

import dev.tcplab.endpoint.TcpState;
import dev.tcplab.text.Text;
import dev.tcplab.wire.HostPort;
import dev.tcplab.wire.Segment;

/**
 * One TCP segment of a capture, as the analysis sees it.
 *
 * @param frame      1-based frame number in the file (as tshark numbers frames)
 * @param timeNanos  since the first packet of the file
 * @param epochNanos the capture's own timestamp
 * @param fromClient sent by the side that opened the connection (or, without a SYN, the likely client)
 * @param segment    the header; the captured payload only when the analyzer was asked to keep payloads
 *                   (and then shorter than {@code length} when a snaplen cut it)
 * @param seq        relative to the sender's ISN
 * @param ack        relative to the receiver's ISN; -1 when the ACK bit is clear
 * @param length     payload bytes on the wire
 * @param window     in bytes: the field scaled once both SYNs offered window scaling
 * @param stateSrc   the sender's state after sending it, as an observer infers
 * @param stateDst   the receiver's state once it has processed it
 * @param events     a mask of {@link Event}s
 * @param note       a remark for the ladder (the handshake's RTT), or null
 */
public record AnalyzedSegment(long frame, long timeNanos, long epochNanos, int conn, boolean fromClient,
                              HostPort src, HostPort dst, Segment segment, long seq, long ack, int length,
                              long window, TcpState stateSrc, TcpState stateDst, int events, Text note) {

    public long seqAbs() {
        return segment.seq().value();
    }

    public long ackAbs() {
        return segment.ack().value();
    }

    public boolean has(Event e) {
        return e.in(events);
    }
}
