package dev.tcplab.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tcplab.endpoint.TcpState;
import dev.tcplab.wire.HostPort;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The two rules of Wireshark 4.0's sequence analysis that the project's small captures never
 * exercised, found by comparing a 1.44 M packet capture (its recorder dropped 9 % of the
 * packets) with tshark: a spurious retransmission is also a retransmission and beats
 * out-of-order, and an "ACKed unseen segment" is reported once per gap, not on every ACK past it.
 * {@code captures/recorder-dropped.pcap} checks the same against tshark itself.
 */
class SequenceAnalysisTest {
    private static final long MS = 1_000_000;

    private final FlowSide sender = new FlowSide(HostPort.parse("10.77.2.3:40000"), TcpState.ESTABLISHED);
    private final FlowSide receiver = new FlowSide(HostPort.parse("10.77.2.2:5001"), TcpState.ESTABLISHED);

    private List<Event> data(int seq, int len, long now) {
        return Event.of(SequenceAnalysis.analyze(sender, receiver, seq, 1, true, len, false, false, false, 500, now, 0));
    }

    private List<Event> ack(int ack, long now) {
        return Event.of(SequenceAnalysis.analyze(receiver, sender, 1, ack, true, 0, false, false, false, 500, now, 0));
    }

    @Test
    void dataAlreadyAcknowledgedIsASpuriousRetransmissionEvenWithinTheOutOfOrderWindow() {
        data(1, 100, 0);
        data(101, 100, MS / 10);
        ack(201, MS / 5);
        // 1 ms after the highest segment: within the 3 ms out-of-order window, but the receiver has it all.
        assertEquals(List.of(Event.RETRANSMISSION, Event.SPURIOUS_RETRANSMISSION), data(1, 100, MS));
    }

    @Test
    void aSegmentNotYetAcknowledgedResentSoonAfterIsStillOutOfOrder() {
        data(1, 100, 0);
        data(101, 100, MS / 10);
        assertEquals(List.of(Event.OUT_OF_ORDER), data(1, 100, MS));
    }

    @Test
    void anAckPastWhatWasCapturedIsReportedOncePerGap() {
        data(1, 100, 0);
        assertEquals(List.of(Event.ACK_LOST_SEGMENT), ack(301, MS), "bytes 101-300 were never captured");
        assertEquals(List.of(), ack(401, 2 * MS), "the same gap, the sender silent since: not again");
        assertEquals(List.of(Event.LOST_SEGMENT), data(401, 100, 3 * MS));
        assertEquals(List.of(Event.ACK_LOST_SEGMENT), ack(501, 4 * MS),
                "the sender went on past the gap: the ACK of its new segment is past the unseen bytes again");
        assertEquals(List.of(Event.DUPLICATE_ACK), ack(501, 5 * MS));
    }
}
