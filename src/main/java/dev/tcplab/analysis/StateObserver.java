package dev.tcplab.analysis;

import dev.tcplab.endpoint.TcpState;

/**
 * Infers both sides' RFC 9293 states from the middle of the wire. The sender's state changes by
 * what it sends (a SYN, a FIN); the receiver's by processing the segment as §3.10.7.4 orders it
 * (ACK first, then FIN), assuming it arrives. Where the numbers show that a side sent something
 * before it could have received the other's (its FIN does not ACK the FIN already seen), the
 * observer concludes a simultaneous open or close, as the RFC's figures 12 and 13 describe.
 */
final class StateObserver {

    private StateObserver() {
    }

    /**
     * A segment's numbers, relative, and how far its sender had sent before it (relative, 0 when nothing
     * was seen): the observer needs no more.
     */
    record Facts(long frame, long now, int seq, int ack, boolean ackBit, int seglen, boolean syn, boolean fin,
                 boolean rst, int senderNext) {
    }

    /** Applies one segment from {@code s} to {@code d}; returns tcplab's own events for it. */
    static int observe(Connection c, FlowSide s, FlowSide d, Facts f) {
        if (f.rst()) {
            if (!acceptableReset(s, d, f)) {
                return Event.RST.bit; // the receiver drops it (RFC 9293 §3.10.7): no state changes
            }
            if (c.resetBy == null) {
                c.resetBy = s;
                // A side that resets after its probes or retransmissions went unanswered: the peer had vanished.
                c.resetAfterSilence = s.unansweredInRow >= 2;
            }
            boolean cutsTimeWait = d.state == TcpState.TIME_WAIT;
            s.state = TcpState.CLOSED;
            d.state = TcpState.CLOSED;
            return Event.RST.bit | (cutsTimeWait ? Event.TIME_WAIT_CUT_SHORT.bit : 0);
        }
        int events = 0;
        boolean retransmittedFin = false;
        if (f.syn()) {
            sentSyn(c, s, d, f);
        }
        if (f.fin()) {
            retransmittedFin = s.sentFin;
            if (!retransmittedFin) {
                sentFin(c, s, d, f);
            }
        }
        if (f.ackBit()) {
            events |= receiveAck(c, s, d, f);
        }
        if (f.fin()) {
            if (retransmittedFin) {
                if (d.state == TcpState.TIME_WAIT) {
                    events |= Event.FIN_IN_TIME_WAIT.bit;
                }
            } else {
                events |= receiveFin(c, d, f);
            }
        }
        return events;
    }

    /**
     * Whether the receiver acts on a RST (RFC 9293 §3.10.7.3 and .4): in SYN_SENT only one that acknowledges
     * its SYN; later, one whose sequence number is in the receiver's window, from what the sender had sent on.
     * Not, then, a RST answering an old ACK or an old SYN that arrived after the connection closed, whose
     * number is long past or anywhere (as TIME_WAIT's side drops it). Ahead of what the capture saw is
     * allowed: the capture may have missed the sender's last segments.
     */
    private static boolean acceptableReset(FlowSide s, FlowSide d, Facts f) {
        if (d.state == TcpState.SYN_SENT) {
            return f.ackBit() && f.ack() > 0;
        }
        if (f.senderNext() == 0 || d.window < 0) {
            return true; // nothing to measure it against
        }
        int past = f.seq() - f.senderNext();
        return past >= 0 && past < Math.max(1L, (long) d.window << d.shift());
    }

    private static void sentSyn(Connection c, FlowSide s, FlowSide d, Facts f) {
        s.synTime = f.now();
        if (s.sentSyn) {
            if (s.state == TcpState.CLOSED && !f.ackBit() && c.resetBy != null) {
                // The same SYN again after a reset: a refused connect tried again (Windows does so twice), a new
                // active open. The receiver, as on the first SYN, is taken to be listening.
                s.state = TcpState.SYN_SENT;
                s.synAcked = false;
                d.state = TcpState.SYN_RECEIVED;
                d.sentSyn = false;
                d.synAcked = false;
            }
            return; // otherwise a retransmitted SYN changes no state
        }
        s.sentSyn = true;
        if (f.ackBit()) {
            s.state = TcpState.SYN_RECEIVED; // a SYN+ACK: the answer of a side that received a SYN
        } else if (d.sentSyn && !d.synAcked) {
            // Both sent a bare SYN: a simultaneous open. Each receives the other's SYN in SYN_SENT.
            s.state = TcpState.SYN_RECEIVED;
            d.state = TcpState.SYN_RECEIVED;
            c.simultaneousOpen = true;
        } else {
            s.state = TcpState.SYN_SENT;
            d.state = TcpState.SYN_RECEIVED; // LISTEN, on receiving a SYN
        }
    }

    private static void sentFin(Connection c, FlowSide s, FlowSide d, Facts f) {
        s.sentFin = true;
        s.finSeq = f.seq() + f.seglen() + (f.syn() ? 1 : 0);
        s.finFrame = f.frame();
        boolean acksPeerFin = d.sentFin && f.ackBit() && f.ack() - (d.finSeq + 1) >= 0;
        switch (s.state) {
            case CLOSE_WAIT -> {
                if (acksPeerFin) {
                    s.state = TcpState.LAST_ACK;
                } else {
                    // It closed before the peer's FIN reached it: FIN_WAIT_1, then CLOSING on that FIN.
                    s.state = TcpState.CLOSING;
                    c.simultaneousClose = true;
                }
            }
            case ESTABLISHED, SYN_RECEIVED, SYN_SENT -> s.state = TcpState.FIN_WAIT_1;
            default -> {
            }
        }
    }

    private static int receiveAck(Connection c, FlowSide s, FlowSide d, Facts f) {
        int events = 0;
        if (d.sentSyn && !d.synAcked && f.ack() - 1 >= 0) {
            d.synAcked = true;
            if (d.state == TcpState.SYN_SENT && f.syn()) {
                d.state = TcpState.ESTABLISHED; // the client, on the SYN+ACK
            } else if (d.state == TcpState.SYN_RECEIVED) {
                d.state = TcpState.ESTABLISHED;
                if (!f.syn() && s.state == TcpState.ESTABLISHED) {
                    events |= Event.HANDSHAKE_COMPLETE.bit;
                    if (s.synTime != Long.MIN_VALUE) {
                        c.handshakeRtt = f.now() - s.synTime;
                    }
                }
            }
        }
        if (d.sentFin && f.ack() - (d.finSeq + 1) >= 0) {
            if (s.ackedPeerFinFrame == 0) {
                s.ackedPeerFinFrame = f.frame();
            }
            if (!d.finAcked) {
                d.finAcked = true;
                switch (d.state) {
                    case FIN_WAIT_1 -> d.state = TcpState.FIN_WAIT_2;
                    case CLOSING -> {
                        d.state = TcpState.TIME_WAIT;
                        c.enteredTimeWait(d);
                        events |= Event.TIME_WAIT.bit;
                    }
                    case LAST_ACK -> d.state = TcpState.CLOSED;
                    default -> {
                    }
                }
            }
        }
        return events;
    }

    private static int receiveFin(Connection c, FlowSide d, Facts f) {
        switch (d.state) {
            case ESTABLISHED, SYN_RECEIVED -> d.state = TcpState.CLOSE_WAIT;
            case FIN_WAIT_1 -> {
                d.state = TcpState.CLOSING;
                c.simultaneousClose = true;
            }
            case FIN_WAIT_2 -> {
                d.state = TcpState.TIME_WAIT;
                c.enteredTimeWait(d);
                return Event.TIME_WAIT.bit;
            }
            default -> {
            }
        }
        return 0;
    }
}
