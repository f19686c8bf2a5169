package dev.tcplab.analysis;

import dev.tcplab.endpoint.TcpState;
import java.util.LinkedHashMap;
import java.util.Map;

/** One connection being analysed: its two sides and what the summary will say. */
final class Connection {
    final int id;
    final FlowSide client;
    final FlowSide server;
    final boolean handshakeSeen;
    long firstFrame;
    long lastFrame;
    long startNanos;
    long lastNanos;
    long handshakeRtt = -1;
    /**
     * Wireshark's initial RTT (ts_first_rtt), which its out-of-order test uses: from the latest bare SYN
     * to the first pure ACK after it, from either side; 0 until then. Unlike {@link #handshakeRtt} it needs
     * no SYN+ACK, so a capture that missed the SYN+ACK has one.
     */
    long initialRtt;
    long lastBareSynNanos = Long.MIN_VALUE;
    boolean simultaneousOpen;
    boolean simultaneousClose;
    FlowSide resetBy;
    boolean resetAfterSilence;
    FlowSide firstToTimeWait;
    boolean bothInTimeWait;
    private final int[] eventCounts = new int[Event.values().length];

    Connection(int id, FlowSide client, FlowSide server, boolean handshakeSeen) {
        this.id = id;
        this.client = client;
        this.server = server;
        this.handshakeSeen = handshakeSeen;
    }

    FlowSide peerOf(FlowSide side) {
        return side == client ? server : client;
    }

    void count(int events) {
        for (int rest = events; rest != 0; rest &= rest - 1) {
            eventCounts[Integer.numberOfTrailingZeros(rest)]++;
        }
    }

    void enteredTimeWait(FlowSide side) {
        if (firstToTimeWait == null) {
            firstToTimeWait = side;
        } else if (firstToTimeWait != side) {
            bothInTimeWait = true;
        }
    }

    /** Closed for good: nothing more the observer expects, except a FIN retransmitted into TIME_WAIT. */
    boolean finished() {
        return done(client.state) && done(server.state);
    }

    private static boolean done(TcpState s) {
        return s == TcpState.CLOSED || s == TcpState.TIME_WAIT;
    }

    /** Let go while still open, because too many connections were open at once (Analyzer's bound on memory). */
    boolean released;

    CloseKind closeKind() {
        boolean bothFins = client.sentFin && server.sentFin;
        boolean finsDone = bothFins && client.finAcked && server.finAcked;
        if (resetBy != null && !finsDone) {
            if (!resetBy.sentSyn && peerOf(resetBy).sentSyn) {
                return CloseKind.REFUSED; // the RST answered the SYN: what a client's connect() reports as refused
            }
            return resetAfterSilence ? CloseKind.HALF_OPEN : CloseKind.RESET;
        }
        if (bothFins) {
            if (simultaneousClose) {
                return CloseKind.SIMULTANEOUS;
            }
            FlowSide first = client.finFrame <= server.finFrame ? client : server;
            FlowSide second = peerOf(first);
            // Four segments when the second closer ACKed the first FIN in a segment before its own FIN.
            boolean separateAck = second.ackedPeerFinFrame != 0 && second.ackedPeerFinFrame < second.finFrame;
            return separateAck ? CloseKind.FOUR_WAY : CloseKind.THREE_SEGMENT;
        }
        if (client.unansweredInRow >= 2 || server.unansweredInRow >= 2) {
            return CloseKind.HALF_OPEN;
        }
        if (released) {
            return CloseKind.RELEASED;
        }
        return client.sentFin || server.sentFin ? CloseKind.HALF_CLOSED : CloseKind.OPEN;
    }

    ConnectionSummary summary() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (Event e : Event.values()) {
            if (eventCounts[e.ordinal()] > 0) {
                counts.put(e.jsonName, (long) eventCounts[e.ordinal()]);
            }
        }
        String timeWait = bothInTimeWait ? "both" : firstToTimeWait == null ? null : role(firstToTimeWait);
        return new ConnectionSummary(id, client.address, server.address, firstFrame, lastFrame, startNanos, lastNanos,
                client.packets, server.packets, client.payloadBytes, server.payloadBytes, handshakeSeen, handshakeRtt,
                closeKind(), timeWait, resetBy == null ? null : role(resetBy), client.state, server.state, counts,
                client.reading.bytesPerSecond(), server.reading.bytesPerSecond());
    }

    String role(FlowSide side) {
        return side == client ? "client" : "server";
    }
}
