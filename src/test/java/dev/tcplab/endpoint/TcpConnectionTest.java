package dev.tcplab.endpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcplab.text.BothLanguages;
import dev.tcplab.text.Text;
import dev.tcplab.wire.Flags;
import dev.tcplab.wire.Segment;
import dev.tcplab.wire.SeqNum;
import dev.tcplab.wire.TcpOption;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The endpoint in simulated time. Each test reads like a line of RFC 9293's example exchanges:
 * "peer sends SYN+ACK", "we send ACK". The peer's ISN is {@link #PEER_ISN}; ours {@link #OUR_ISN}.
 */
class TcpConnectionTest {

    static final long OUR_ISN = 1000;
    static final long PEER_ISN = 5000;
    static final int US = 61000, PEER = 7;

    ManualClock clock;
    List<Segment> sent;
    List<String> why;
    List<String> transitions;
    ByteArrayOutputStream received;
    TcpConnection conn;
    TcpConfig config = TcpConfig.defaults().withMsl(Duration.ofSeconds(1));

    @BeforeEach
    void setUp() {
        build(OUR_ISN);
    }

    void build(long isn) {
        clock = new ManualClock();
        sent = new ArrayList<>();
        why = new ArrayList<>();
        transitions = new ArrayList<>();
        received = new ByteArrayOutputStream();
        // Every reason and remark the endpoint gives is checked to come in both languages (lab --lang zh
        // shows the Chinese): the tests here walk every path that gives one.
        conn = new TcpConnection(config, clock, US, PEER, () -> isn, (s, w) -> {
            sent.add(s);
            if (w != null) {
                BothLanguages.assertTold(w);
            }
            why.add(w == null ? null : w.en());
        }, new ConnectionListener() {
            @Override
            public void stateChanged(TcpState from, TcpState to, Text cause) {
                BothLanguages.assertTold(cause);
                transitions.add(from + "->" + to);
            }

            @Override
            public void note(Text text) {
                BothLanguages.assertTold(text);
            }

            @Override
            public void dataReceived(byte[] data) {
                received.writeBytes(data);
            }
        });
    }

    // ---- helpers: segments from the peer, and what we sent last

    Segment peer(Flags flags, long seq, long ack) {
        return Segment.of(PEER, US, SeqNum.of(seq), SeqNum.of(ack), flags, 65535);
    }

    Segment peerData(long seq, long ack, String text) {
        return peer(Flags.PSH_ACK, seq, ack).withPayload(text.getBytes(StandardCharsets.US_ASCII));
    }

    Segment last() {
        return sent.get(sent.size() - 1);
    }

    void assertSent(Flags flags, long seq, long ack) {
        Segment s = last();
        assertEquals(flags, s.flags(), "flags of " + s);
        assertEquals(SeqNum.of(seq), s.seq(), "seq of " + s);
        assertEquals(SeqNum.of(ack), s.ack(), "ack of " + s);
    }

    /** CLOSED → SYN_SENT → ESTABLISHED against a peer whose SYN+ACK carries MSS 1460. */
    void establish() {
        conn.open();
        conn.onSegment(peer(Flags.SYN_ACK, PEER_ISN, OUR_ISN + 1)
                .withOptions(List.of(new TcpOption.Mss(1460))));
        assertEquals(TcpState.ESTABLISHED, conn.state());
        sent.clear();
        why.clear();
    }

    void advance(long millis) {
        clock.advance(Duration.ofMillis(millis));
        while (conn.nextDeadline() <= clock.nanos()) {
            conn.onTimer();
        }
    }

    // ======================================================================= CLOSED → SYN_SENT

    @Nested
    class ActiveOpen {
        @Test
        void openSendsSynWithIsnAndMss() {
            conn.open();
            assertEquals(TcpState.SYN_SENT, conn.state());
            assertSent(Flags.SYN, OUR_ISN, 0);
            assertEquals(new TcpOption.Mss(1460), last().option(TcpOption.Mss.class).orElseThrow());
        }

        @Test
        void synAckMovesToEstablishedAndAcksTheirIsnPlusOne() {
            conn.open();
            conn.onSegment(peer(Flags.SYN_ACK, PEER_ISN, OUR_ISN + 1));
            assertEquals(TcpState.ESTABLISHED, conn.state());
            assertSent(Flags.ACK, OUR_ISN + 1, PEER_ISN + 1); // seed: third segment ack = k + 1
            assertEquals(List.of("CLOSED->SYN_SENT", "SYN_SENT->ESTABLISHED"), transitions);
        }

        @Test
        void synAckWithWrongAckIsAnsweredWithRstAndIgnored() {
            conn.open();
            conn.onSegment(peer(Flags.SYN_ACK, PEER_ISN, OUR_ISN + 77));
            assertEquals(TcpState.SYN_SENT, conn.state());
            assertSent(Flags.RST, OUR_ISN + 77, 0);
        }

        @Test
        void rstWithAcceptableAckRefusesTheConnection() {
            conn.open();
            conn.onSegment(peer(Flags.RST_ACK, 0, OUR_ISN + 1));
            assertEquals(TcpState.CLOSED, conn.state());
            assertTrue(conn.closeReason().contains("refused"), conn.closeReason());
        }

        @Test
        void rstWithoutAckInSynSentIsIgnored() {
            conn.open();
            conn.onSegment(peer(Flags.RST, 0, 0));
            assertEquals(TcpState.SYN_SENT, conn.state());
        }

        @Test
        void synWithoutAckIsSimultaneousOpen() {
            conn.open();
            conn.onSegment(peer(Flags.SYN, PEER_ISN, 0));
            assertEquals(TcpState.SYN_RECEIVED, conn.state());
            assertSent(Flags.SYN_ACK, OUR_ISN, PEER_ISN + 1);
            conn.onSegment(peer(Flags.ACK, PEER_ISN + 1, OUR_ISN + 1));
            assertEquals(TcpState.ESTABLISHED, conn.state());
        }
    }

    // ======================================================================= LISTEN → SYN_RECEIVED

    @Nested
    class PassiveOpen {
        Segment clientSyn() {
            return Segment.of(40000, US, SeqNum.of(PEER_ISN), SeqNum.ZERO, Flags.SYN, 65535)
                    .withOptions(List.of(new TcpOption.Mss(1400)));
        }

        @Test
        void synInListenIsAnsweredWithSynAckOfTheirIsnPlusOne() {
            conn.listen();
            assertEquals(TcpState.LISTEN, conn.state());
            conn.onSegment(clientSyn());
            assertEquals(TcpState.SYN_RECEIVED, conn.state());
            assertSent(Flags.SYN_ACK, OUR_ISN, PEER_ISN + 1);
            assertEquals(40000, last().dstPort(), "the remote port is learned from the SYN");
            assertEquals(40000, conn.remotePort());
        }

        @Test
        void thirdSegmentEstablishes() {
            conn.listen();
            conn.onSegment(clientSyn());
            conn.onSegment(Segment.of(40000, US, SeqNum.of(PEER_ISN + 1), SeqNum.of(OUR_ISN + 1), Flags.ACK, 65535));
            assertEquals(TcpState.ESTABLISHED, conn.state());
            assertEquals(List.of("CLOSED->LISTEN", "LISTEN->SYN_RECEIVED", "SYN_RECEIVED->ESTABLISHED"), transitions);
        }

        @Test
        void dataWithTheThirdSegmentIsDelivered() {
            conn.listen();
            conn.onSegment(clientSyn());
            conn.onSegment(Segment.of(40000, US, SeqNum.of(PEER_ISN + 1), SeqNum.of(OUR_ISN + 1), Flags.PSH_ACK, 65535)
                    .withPayload("hi".getBytes()));
            assertEquals(TcpState.ESTABLISHED, conn.state());
            assertEquals("hi", received.toString());
        }

        @Test
        void ackInListenGetsRst() {
            conn.listen();
            conn.onSegment(Segment.of(40000, US, SeqNum.of(1), SeqNum.of(777), Flags.ACK, 100));
            assertSent(Flags.RST, 777, 0);
            assertEquals(TcpState.LISTEN, conn.state());
        }

        @Test
        void wrongAckInSynReceivedGetsRstAndStays() {
            conn.listen();
            conn.onSegment(clientSyn());
            conn.onSegment(Segment.of(40000, US, SeqNum.of(PEER_ISN + 1), SeqNum.of(OUR_ISN + 99), Flags.ACK, 100));
            assertSent(Flags.RST, OUR_ISN + 99, 0);
            assertEquals(TcpState.SYN_RECEIVED, conn.state());
        }

        @Test
        void rstInSynReceivedReturnsToListen() {
            conn.listen();
            conn.onSegment(clientSyn());
            conn.onSegment(Segment.of(40000, US, SeqNum.of(PEER_ISN + 1), SeqNum.ZERO, Flags.RST, 0));
            assertEquals(TcpState.LISTEN, conn.state());
            assertEquals(TcpConnection.NEVER, conn.nextDeadline());
        }

        @Test
        void lostThirdSegmentMeansSynAckIsRetransmitted() {
            conn.listen();
            conn.onSegment(clientSyn());
            advance(1000);
            assertEquals(2, sent.size());
            assertSent(Flags.SYN_ACK, OUR_ISN, PEER_ISN + 1);
        }

        @Test
        void retransmittedSynInSynReceivedIsAnsweredWithSynAckAgain() {
            conn.listen();
            conn.onSegment(clientSyn());
            conn.onSegment(clientSyn());
            assertEquals(2, sent.size());
            assertSent(Flags.SYN_ACK, OUR_ISN, PEER_ISN + 1);
        }
    }

    // ======================================================================= SYN_SENT retransmission

    @Nested
    class FoundByFuzzing {
        /**
         * EndpointFuzzTest's first finding: closed in SYN_RECEIVED (the FIN may leave at once), then
         * the RTO ran out. The go-back put SND.NXT on our unacknowledged SYN and the next send
         * indexed the send buffer at -1. Now the RTO resends the SYN+ACK and the FIN.
         */
        @Test
        void closedInSynReceivedThenTheRtoResendsSynAckAndFin() {
            conn.listen();
            conn.onSegment(peer(Flags.SYN, PEER_ISN, 0));
            conn.close();
            assertEquals(TcpState.FIN_WAIT_1, conn.state());
            sent.clear();
            advance(1100);
            assertEquals(Flags.SYN_ACK, sent.get(0).flags(), "the SYN+ACK first: " + sent);
            assertTrue(sent.stream().anyMatch(x -> x.flags().fin()), "then the FIN: " + sent);
            conn.onSegment(peer(Flags.ACK, PEER_ISN + 1, OUR_ISN + 2)); // acknowledges SYN and FIN
            assertEquals(TcpState.FIN_WAIT_2, conn.state());
        }
    }

    @Nested
    class SynRetransmission {
        @Test
        void synIsRetransmittedWithDoublingRtoThenGivesUp() {
            config = config.withSynRetries(3);
            build(OUR_ISN);
            conn.open();
            List<Long> sendTimes = new ArrayList<>();
            sendTimes.add(clock.nanos());
            for (int i = 0; i < 200 && conn.state() != TcpState.CLOSED; i++) {
                int before = sent.size();
                advance(100);
                if (sent.size() > before) {
                    sendTimes.add(clock.nanos());
                }
            }
            // RFC 6298: 1 s initial RTO, doubling: retransmissions at +1, +3, +7 s; give up at +15 s.
            assertEquals(List.of(0L, 1_000L, 3_000L, 7_000L),
                    sendTimes.stream().map(n -> n / 1_000_000).toList());
            assertTrue(sent.stream().allMatch(s -> s.flags().equals(Flags.SYN) && s.seq().equals(SeqNum.of(OUR_ISN))));
            assertEquals(TcpState.CLOSED, conn.state());
            assertEquals(15_000L, clock.nanos() / 1_000_000);
            assertTrue(conn.closeReason().contains("4 transmissions"), conn.closeReason());
        }

        @Test
        void synAckAfterRetransmissionStillEstablishes() {
            conn.open();
            advance(1000);
            assertEquals(2, sent.size());
            assertEquals("retransmission 1 (RTO now 2000 ms)", why.get(1));
            conn.onSegment(peer(Flags.SYN_ACK, PEER_ISN, OUR_ISN + 1));
            assertEquals(TcpState.ESTABLISHED, conn.state());
            assertEquals(TcpConnection.NEVER, conn.nextDeadline());
        }
    }

    // ======================================================================= ESTABLISHED

    @Nested
    class Established {
        @Test
        void sendSegmentsByMssWithPushOnTheLast() {
            establish();
            conn.send(new byte[3000]);
            assertEquals(3, sent.size());
            assertEquals(List.of(1460, 1460, 80), sent.stream().map(Segment::payloadLength).toList());
            assertEquals(SeqNum.of(OUR_ISN + 1 + 2920), sent.get(2).seq());
            assertEquals(Flags.PSH_ACK, sent.get(2).flags());
            assertEquals(Flags.ACK, sent.get(0).flags());
        }

        @Test
        void ackOfDataAdvancesSndUnaAndStopsTheTimer() {
            establish();
            conn.send("hello".getBytes());
            assertTrue(conn.nextDeadline() < TcpConnection.NEVER);
            conn.onSegment(peer(Flags.ACK, PEER_ISN + 1, OUR_ISN + 6));
            assertEquals(SeqNum.of(OUR_ISN + 6), conn.sndUna());
            assertEquals(0, conn.unacknowledgedBytes());
            assertEquals(TcpConnection.NEVER, conn.nextDeadline());
        }

        @Test
        void receivedDataIsDeliveredAndAckedAtLastBytePlusOne() {
            establish();
            conn.onSegment(peerData(PEER_ISN + 1, OUR_ISN + 1, "hello"));
            assertEquals("hello", received.toString());
            assertSent(Flags.ACK, OUR_ISN + 1, PEER_ISN + 1 + 5); // seed: ack = last byte + 1
        }

        @Test
        void outOfOrderDataIsHeldAndDeliveredWhenTheGapFills() {
            establish();
            conn.onSegment(peerData(PEER_ISN + 1 + 3, OUR_ISN + 1, "lo"));
            assertEquals("", received.toString());
            assertSent(Flags.ACK, OUR_ISN + 1, PEER_ISN + 1); // duplicate ACK names the gap
            conn.onSegment(peerData(PEER_ISN + 1, OUR_ISN + 1, "hel"));
            assertEquals("hello", received.toString());
            assertSent(Flags.ACK, OUR_ISN + 1, PEER_ISN + 6);
        }

        @Test
        void duplicateDataIsAckedButNotDeliveredTwice() {
            establish();
            conn.onSegment(peerData(PEER_ISN + 1, OUR_ISN + 1, "abc"));
            conn.onSegment(peerData(PEER_ISN + 1, OUR_ISN + 1, "abc"));
            assertEquals("abc", received.toString());
            assertSent(Flags.ACK, OUR_ISN + 1, PEER_ISN + 4);
        }

        @Test
        void overlappingRetransmissionDeliversOnlyTheNewBytes() {
            establish();
            conn.onSegment(peerData(PEER_ISN + 1, OUR_ISN + 1, "abc"));
            conn.onSegment(peerData(PEER_ISN + 2, OUR_ISN + 1, "bcdef"));
            assertEquals("abcdef", received.toString());
        }

        @Test
        void dataIsRetransmittedOnTimeoutWithBackoffAndAbortsAfterTheLimit() {
            config = config.withDataRetries(2);
            build(OUR_ISN);
            establish();
            conn.send("x".getBytes());
            long rto = conn.currentRto();
            clock.advance(Duration.ofNanos(rto));
            conn.onTimer();
            assertEquals(2, sent.size());
            assertEquals(sent.get(0), sent.get(1), "the retransmission repeats the segment");
            assertEquals(2 * rto, conn.currentRto());
            clock.advance(Duration.ofNanos(2 * rto));
            conn.onTimer();
            clock.advance(Duration.ofNanos(4 * rto));
            conn.onTimer();
            assertEquals(3, sent.size());
            assertEquals(TcpState.CLOSED, conn.state());
            assertTrue(conn.closeReason().startsWith("timed out"), conn.closeReason());
        }

        @Test
        void unacceptableSegmentIsAnsweredWithAnAckOfRcvNxt() {
            establish();
            conn.onSegment(peerData(PEER_ISN + 1 + 100_000, OUR_ISN + 1, "far"));
            assertEquals("", received.toString());
            assertSent(Flags.ACK, OUR_ISN + 1, PEER_ISN + 1);
        }

        @Test
        void ackOfUnsentDataIsAnsweredAndDropped() {
            establish();
            conn.onSegment(peerData(PEER_ISN + 1, OUR_ISN + 50, "zz"));
            assertEquals("", received.toString());
            assertSent(Flags.ACK, OUR_ISN + 1, PEER_ISN + 1);
        }

        @Test
        void rstAtRcvNxtResets() {
            establish();
            conn.onSegment(peer(Flags.RST, PEER_ISN + 1, 0));
            assertEquals(TcpState.CLOSED, conn.state());
            assertTrue(conn.closeReason().contains("reset"), conn.closeReason());
        }

        @Test
        void rstInWindowButNotAtRcvNxtGetsAChallengeAck() {
            establish();
            conn.onSegment(peer(Flags.RST, PEER_ISN + 10, 0));
            assertEquals(TcpState.ESTABLISHED, conn.state());
            assertSent(Flags.ACK, OUR_ISN + 1, PEER_ISN + 1);
            assertTrue(why.get(why.size() - 1).contains("RFC 5961"));
        }

        @Test
        void synInEstablishedGetsAChallengeAck() {
            establish();
            conn.onSegment(peer(Flags.SYN, PEER_ISN + 1, 0));
            assertEquals(TcpState.ESTABLISHED, conn.state());
            assertSent(Flags.ACK, OUR_ISN + 1, PEER_ISN + 1);
        }
    }

    // ======================================================================= active close

    @Nested
    class ActiveClose {
        @Test
        void closeSendsFinAndEntersFinWait1() {
            establish();
            conn.close();
            assertEquals(TcpState.FIN_WAIT_1, conn.state());
            assertSent(Flags.FIN_ACK, OUR_ISN + 1, PEER_ISN + 1);
        }

        @Test
        void finFollowsQueuedData() {
            establish();
            conn.send("bye".getBytes());
            conn.close();
            assertEquals(2, sent.size());
            assertEquals(3, sent.get(0).payloadLength());
            assertSent(Flags.FIN_ACK, OUR_ISN + 4, PEER_ISN + 1);
        }

        @Test
        void fourSegmentCloseGoesThroughFinWait2ToTimeWaitAndClosedAfter2Msl() {
            establish();
            conn.close();
            conn.onSegment(peer(Flags.ACK, PEER_ISN + 1, OUR_ISN + 2)); // ACK of our FIN: FIN consumed one
            assertEquals(TcpState.FIN_WAIT_2, conn.state());
            conn.onSegment(peer(Flags.FIN_ACK, PEER_ISN + 1, OUR_ISN + 2));
            assertEquals(TcpState.TIME_WAIT, conn.state());
            assertSent(Flags.ACK, OUR_ISN + 2, PEER_ISN + 2);
            advance(1999);
            assertEquals(TcpState.TIME_WAIT, conn.state());
            advance(1);
            assertEquals(TcpState.CLOSED, conn.state());
            assertEquals(List.of("CLOSED->SYN_SENT", "SYN_SENT->ESTABLISHED", "ESTABLISHED->FIN_WAIT_1",
                    "FIN_WAIT_1->FIN_WAIT_2", "FIN_WAIT_2->TIME_WAIT", "TIME_WAIT->CLOSED"), transitions);
        }

        @Test
        void mergedAckAndFinGoesStraightToTimeWait() {
            establish();
            conn.close();
            conn.onSegment(peer(Flags.FIN_ACK, PEER_ISN + 1, OUR_ISN + 2));
            assertEquals(TcpState.TIME_WAIT, conn.state());
            assertTrue(transitions.contains("FIN_WAIT_1->FIN_WAIT_2"));
        }

        @Test
        void finCrossingOursIsSimultaneousCloseThroughClosing() {
            establish();
            conn.close();
            conn.onSegment(peer(Flags.FIN_ACK, PEER_ISN + 1, OUR_ISN + 1)); // does not ack our FIN
            assertEquals(TcpState.CLOSING, conn.state());
            assertSent(Flags.ACK, OUR_ISN + 2, PEER_ISN + 2);
            conn.onSegment(peer(Flags.ACK, PEER_ISN + 2, OUR_ISN + 2));
            assertEquals(TcpState.TIME_WAIT, conn.state());
        }

        @Test
        void timeWaitReAcksARetransmittedFinAndRestarts2Msl() {
            establish();
            conn.close();
            conn.onSegment(peer(Flags.FIN_ACK, PEER_ISN + 1, OUR_ISN + 2));
            advance(1500);
            int before = sent.size();
            conn.onSegment(peer(Flags.FIN_ACK, PEER_ISN + 1, OUR_ISN + 2)); // our ACK was lost
            assertEquals(before + 1, sent.size());
            assertSent(Flags.ACK, OUR_ISN + 2, PEER_ISN + 2);
            advance(1999); // 3.5 s after entering TIME_WAIT: the restart kept it
            assertEquals(TcpState.TIME_WAIT, conn.state());
            advance(1);
            assertEquals(TcpState.CLOSED, conn.state());
        }

        @Test
        void lostFinIsRetransmitted() {
            establish();
            conn.close();
            clock.advance(Duration.ofNanos(conn.currentRto()));
            conn.onTimer();
            assertEquals(2, sent.size());
            assertSent(Flags.FIN_ACK, OUR_ISN + 1, PEER_ISN + 1);
        }

        @Test
        void dataFromThePeerInFinWait2IsStillDelivered() {
            establish();
            conn.close();
            conn.onSegment(peer(Flags.ACK, PEER_ISN + 1, OUR_ISN + 2));
            conn.onSegment(peerData(PEER_ISN + 1, OUR_ISN + 2, "late"));
            assertEquals("late", received.toString());
            assertEquals(TcpState.FIN_WAIT_2, conn.state());
        }

        @Test
        void segmentAfterClosedIsAnsweredWithRst() {
            establish();
            conn.close();
            conn.onSegment(peer(Flags.FIN_ACK, PEER_ISN + 1, OUR_ISN + 2));
            advance(2000);
            assertEquals(TcpState.CLOSED, conn.state());
            conn.onSegment(peerData(PEER_ISN + 2, OUR_ISN + 2, "?"));
            assertSent(Flags.RST, OUR_ISN + 2, 0);
        }
    }

    // ======================================================================= passive close

    @Nested
    class PassiveClose {
        @Test
        void peerFinLeadsToCloseWaitThenOurCloseToLastAckThenClosed() {
            establish();
            conn.onSegment(peer(Flags.FIN_ACK, PEER_ISN + 1, OUR_ISN + 1));
            assertEquals(TcpState.CLOSE_WAIT, conn.state());
            assertSent(Flags.ACK, OUR_ISN + 1, PEER_ISN + 2); // ACK at once: FIN consumed one number
            conn.send("still talking".getBytes()); // half-close: we may still send
            conn.close();
            assertEquals(TcpState.LAST_ACK, conn.state());
            assertSent(Flags.FIN_ACK, OUR_ISN + 1 + 13, PEER_ISN + 2);
            conn.onSegment(peer(Flags.ACK, PEER_ISN + 2, OUR_ISN + 1 + 13 + 1));
            assertEquals(TcpState.CLOSED, conn.state());
        }

        @Test
        void finWithDataDeliversTheDataThenCloses() {
            establish();
            conn.onSegment(peer(Flags.of(dev.tcplab.wire.Flag.FIN, dev.tcplab.wire.Flag.ACK), PEER_ISN + 1, OUR_ISN + 1)
                    .withPayload("end".getBytes()));
            assertEquals("end", received.toString());
            assertEquals(SeqNum.of(PEER_ISN + 1 + 3 + 1), conn.rcvNxt());
        }

        @Test
        void outOfOrderFinWaitsForTheGap() {
            establish();
            conn.onSegment(peer(Flags.FIN_ACK, PEER_ISN + 1 + 2, OUR_ISN + 1));
            assertEquals(TcpState.ESTABLISHED, conn.state());
            conn.onSegment(peerData(PEER_ISN + 1, OUR_ISN + 1, "ab"));
            assertEquals(TcpState.CLOSE_WAIT, conn.state());
            assertEquals("ab", received.toString());
        }

        @Test
        void rstInCloseWaitResets() {
            establish();
            conn.onSegment(peer(Flags.FIN_ACK, PEER_ISN + 1, OUR_ISN + 1));
            conn.onSegment(peer(Flags.RST, PEER_ISN + 2, 0));
            assertEquals(TcpState.CLOSED, conn.state());
        }
    }

    // ======================================================================= RST in each state

    @Nested
    class ResetInEachState {
        @Test
        void rstInFinWait1() {
            establish();
            conn.close();
            conn.onSegment(peer(Flags.RST, PEER_ISN + 1, 0));
            assertEquals(TcpState.CLOSED, conn.state());
        }

        @Test
        void rstInFinWait2() {
            establish();
            conn.close();
            conn.onSegment(peer(Flags.ACK, PEER_ISN + 1, OUR_ISN + 2));
            conn.onSegment(peer(Flags.RST, PEER_ISN + 1, 0));
            assertEquals(TcpState.CLOSED, conn.state());
        }

        @Test
        void rstInLastAck() {
            establish();
            conn.onSegment(peer(Flags.FIN_ACK, PEER_ISN + 1, OUR_ISN + 1));
            conn.close();
            conn.onSegment(peer(Flags.RST, PEER_ISN + 2, 0));
            assertEquals(TcpState.CLOSED, conn.state());
        }

        @Test
        void rstInTimeWaitCloses() {
            establish();
            conn.close();
            conn.onSegment(peer(Flags.FIN_ACK, PEER_ISN + 1, OUR_ISN + 2));
            conn.onSegment(peer(Flags.RST, PEER_ISN + 2, 0));
            assertEquals(TcpState.CLOSED, conn.state());
            assertEquals(TcpConnection.TIME_WAIT_CUT_SHORT.en(), conn.closeReason(), "the remark names what happened");
        }

        @Test
        void rstOutsideTheWindowIsIgnored() {
            establish();
            conn.onSegment(peer(Flags.RST, PEER_ISN + 1 + 1_000_000, 0));
            assertEquals(TcpState.ESTABLISHED, conn.state());
        }

        @Test
        void abortSendsRst() {
            establish();
            conn.abort(Text.of("test", "测试"));
            assertEquals(TcpState.CLOSED, conn.state());
            assertSent(Flags.RST, OUR_ISN + 1, 0);
        }
    }

    // ======================================================================= keep-alive

    @Nested
    class Keepalive {
        @Test
        void peerProbeWithRcvNxtMinusOneIsAnsweredWithAnAck() {
            establish();
            conn.onSegment(peer(Flags.ACK, PEER_ISN, OUR_ISN + 1)); // PEER_ISN = RCV.NXT − 1: a probe
            assertSent(Flags.ACK, OUR_ISN + 1, PEER_ISN + 1);
            assertTrue(why.get(why.size() - 1).startsWith("keep-alive ACK"));
        }

        @Test
        void probeWithOneGarbageByteIsAnsweredToo() {
            establish();
            conn.onSegment(peer(Flags.ACK, PEER_ISN, OUR_ISN + 1).withPayload(new byte[] {0}));
            assertSent(Flags.ACK, OUR_ISN + 1, PEER_ISN + 1);
            assertEquals("", received.toString(), "the garbage byte is not data");
        }

        @Test
        void ourProbesGoOutAfterIdleThenEveryIntervalAndAbortAfterCount() {
            config = config.withKeepalive(new TcpConfig.Keepalive(Duration.ofSeconds(2), Duration.ofSeconds(1), 3));
            build(OUR_ISN);
            establish();
            advance(1999);
            assertEquals(0, sent.size());
            advance(1);
            assertSent(Flags.ACK, OUR_ISN, PEER_ISN + 1); // SEG.SEQ = SND.NXT − 1
            assertTrue(why.get(0).startsWith("keep-alive probe 1 of 3"));
            advance(1000);
            advance(1000);
            assertEquals(3, sent.size());
            assertEquals(TcpState.ESTABLISHED, conn.state());
            advance(1000); // the third probe's interval passes unanswered
            assertEquals(TcpState.CLOSED, conn.state());
            assertSent(Flags.RST, OUR_ISN + 1, 0);
            assertTrue(conn.closeReason().contains("3 probes unanswered"), conn.closeReason());
        }

        @Test
        void anAnswerRestartsTheIdleTime() {
            config = config.withKeepalive(new TcpConfig.Keepalive(Duration.ofSeconds(2), Duration.ofSeconds(1), 3));
            build(OUR_ISN);
            establish();
            advance(2000);
            advance(1000);
            assertEquals(2, sent.size());
            conn.onSegment(peer(Flags.ACK, PEER_ISN + 1, OUR_ISN + 1)); // the answer
            advance(1999);
            assertEquals(2, sent.size(), "idle counts again from the answer");
            advance(1);
            assertEquals(3, sent.size());
            assertTrue(why.get(2).startsWith("keep-alive probe 1 of 3"), "the count starts over");
        }

        @Test
        void noProbesWithoutKeepaliveConfigured() {
            establish();
            advance(10_000);
            assertEquals(0, sent.size());
            assertEquals(TcpConnection.NEVER, conn.nextDeadline());
        }

        @Test
        void seedFiguresAreTwoHoursSeventyFiveSecondsTenProbes() {
            assertEquals(Duration.ofHours(2), TcpConfig.Keepalive.SEED.idle());
            assertEquals(Duration.ofSeconds(75), TcpConfig.Keepalive.SEED.interval());
            assertEquals(10, TcpConfig.Keepalive.SEED.count());
        }
    }

    // ======================================================================= zero window: the persist timer

    @Nested
    class ZeroWindow {
        /** The peer's ACK of everything up to {@code ack}, offering {@code window} bytes. */
        Segment window(long ack, int window) {
            return Segment.of(PEER, US, SeqNum.of(PEER_ISN + 1), SeqNum.of(ack), Flags.ACK, window);
        }

        /** ESTABLISHED, the peer's window shut, then "hello" queued: nothing may leave yet. */
        void shutWithHelloWaiting() {
            establish();
            conn.onSegment(window(OUR_ISN + 1, 0));
            conn.send("hello".getBytes(StandardCharsets.US_ASCII));
            assertEquals(0, sent.size(), "the window is zero: no data");
        }

        @Test
        void aShutWindowIsProbedAfterOneRtoWithOneByteOfNewData() {
            shutWithHelloWaiting();
            long rto = conn.currentRto() / 1_000_000;
            advance(rto - 1);
            assertEquals(0, sent.size());
            advance(1);
            assertEquals(1, sent.size(), "one probe");
            assertSent(Flags.ACK, OUR_ISN + 1, PEER_ISN + 1);
            assertEquals("h", new String(last().payload(), StandardCharsets.US_ASCII), "the first byte that waits");
            assertTrue(why.get(0).startsWith("zero-window probe 1: one byte into the shut window"), why.get(0));
            assertEquals(1, conn.zeroWindowProbesSent());
        }

        @Test
        void probesComeAtDoublingIntervalsWhileThePeerAnswersZero() {
            shutWithHelloWaiting();
            long rto = conn.currentRto() / 1_000_000;
            List<Long> at = new ArrayList<>();
            for (long t = 0; t <= 30 * rto && at.size() < 4; t++) {
                advance(1);
                if (sent.size() > at.size()) {
                    at.add(t + 1);
                    conn.onSegment(window(OUR_ISN + 1, 0)); // the answer: still shut
                }
            }
            assertEquals(List.of(rto, 3 * rto, 7 * rto, 15 * rto), at, "RTO, then 2, 4, 8 RTOs apart (SHLD-29, -30)");
            for (Segment s : sent) {
                assertEquals(SeqNum.of(OUR_ISN + 1), s.seq(), "the same byte each time, until the window opens");
                assertEquals(1, s.payload().length);
            }
        }

        @Test
        void aPeerThatKeepsAnsweringKeepsTheConnectionOpen() {
            shutWithHelloWaiting();
            for (int i = 0; i < 3 * config.dataRetries(); i++) {
                advance((conn.nextDeadline() - clock.nanos()) / 1_000_000);
                conn.onSegment(window(OUR_ISN + 1, 0));
            }
            assertEquals(TcpState.ESTABLISHED, conn.state(), "MUST-37: open as long as the peer answers");
            assertEquals(3L * config.dataRetries(), conn.zeroWindowProbesSent());
            assertEquals(60_000_000_000L, conn.nextDeadline() - clock.nanos(), "the interval stops at the RTO's bound");
        }

        @Test
        void probesNobodyAnswersEndTheConnection() {
            shutWithHelloWaiting();
            for (int i = 0; i < config.dataRetries(); i++) {
                advance((conn.nextDeadline() - clock.nanos()) / 1_000_000);
            }
            assertEquals(config.dataRetries(), sent.size());
            assertEquals(TcpState.ESTABLISHED, conn.state());
            advance((conn.nextDeadline() - clock.nanos()) / 1_000_000);
            assertEquals(TcpState.CLOSED, conn.state());
            assertTrue(conn.closeReason().contains(config.dataRetries() + " zero-window probes unanswered"),
                    conn.closeReason());
        }

        @Test
        void aLostWindowUpdateNoLongerStallsTheConnection() {
            shutWithHelloWaiting();
            // The peer's application read; its window update (an ACK offering 65535) was lost. Without
            // the persist timer both sides would now wait for ever.
            advance(conn.currentRto() / 1_000_000);
            assertEquals(1, sent.size(), "the probe");
            conn.onSegment(window(OUR_ISN + 2, 65535)); // the peer took the byte, and says its window is open
            assertEquals(2, sent.size());
            assertSent(Flags.PSH_ACK, OUR_ISN + 2, PEER_ISN + 1);
            assertEquals("ello", new String(last().payload(), StandardCharsets.US_ASCII));
            conn.onSegment(window(OUR_ISN + 6, 65535));
            assertEquals(TcpConnection.NEVER, conn.nextDeadline(), "all acknowledged: no timer left");
        }

        @Test
        void aProbeByteThePeerDroppedGoesAgainWithWhatFollows() {
            shutWithHelloWaiting();
            advance(conn.currentRto() / 1_000_000);
            conn.onSegment(window(OUR_ISN + 1, 65535)); // window open, the probe's byte not taken
            assertSent(Flags.PSH_ACK, OUR_ISN + 1, PEER_ISN + 1);
            assertEquals("hello", new String(last().payload(), StandardCharsets.US_ASCII));
            assertTrue(conn.nextDeadline() < TcpConnection.NEVER, "the retransmission timer runs on it");
        }

        @Test
        void answersToAProbeAreNotDuplicateAcks() {
            shutWithHelloWaiting();
            advance(conn.currentRto() / 1_000_000);
            for (int i = 0; i < 4; i++) {
                conn.onSegment(window(OUR_ISN + 1, 0));
            }
            assertEquals(1, sent.size(), "no fast retransmission: the same ACK says the window is shut, not a loss");
        }

        @Test
        void aWindowThatShutsWithDataInFlightIsLeftToTheRetransmissionTimerUntilAllIsAcknowledged() {
            establish();
            conn.send("abcdef".getBytes(StandardCharsets.US_ASCII));
            conn.send("ghij".getBytes(StandardCharsets.US_ASCII));
            sent.clear();
            why.clear();
            conn.onSegment(window(OUR_ISN + 1 + 6, 0)); // "abcdef" taken, window now shut; "ghij" in flight
            assertEquals(0, sent.size());
            conn.onSegment(window(OUR_ISN + 1 + 10, 0));  // everything taken, still shut: nothing waits
            assertEquals(TcpConnection.NEVER, conn.nextDeadline(), "nothing waits: no probe needed");
            conn.send("k".getBytes(StandardCharsets.US_ASCII));
            assertTrue(conn.nextDeadline() < TcpConnection.NEVER, "now a byte waits: the persist timer runs");
        }
    }

    // ======================================================================= our window, when our application does not read

    @Nested
    class OurWindow {
        /** {@code n} bytes from the peer in full segments from RCV.NXT = PEER_ISN + 1 + {@code from}. */
        long peerSends(long from, int n) {
            for (int sent = 0; sent < n; sent += 1460) {
                int len = Math.min(1460, n - sent);
                conn.onSegment(peer(Flags.ACK, PEER_ISN + 1 + from + sent, OUR_ISN + 1).withPayload(new byte[len]));
            }
            return from + n;
        }

        @Test
        void whileOurApplicationDoesNotReadTheWindowShrinksByWhatArrivesAndItsRightEdgeStays() {
            establish();
            conn.holdReading();
            peerSends(0, 1000);
            assertEquals(65535 - 1000, last().window());
            assertEquals(PEER_ISN + 1 + 65535, last().ack().value() + last().window(), "the right edge");
            peerSends(1000, 4000);
            assertEquals(65535 - 5000, last().window());
            assertEquals(PEER_ISN + 1 + 65535, last().ack().value() + last().window(), "still there");
        }

        @Test
        void aFullBufferOffersZeroAndThePeersProbeIsAnsweredWithZero() {
            establish();
            conn.holdReading();
            long next = peerSends(0, 65535);
            assertEquals(0, last().window(), "the buffer is full");
            conn.onSegment(peer(Flags.ACK, PEER_ISN + next, OUR_ISN + 1)); // Linux's probe: seq = RCV.NXT − 1
            assertSent(Flags.ACK, OUR_ISN + 1, PEER_ISN + 1 + next);
            assertEquals(0, last().window());
            assertTrue(why.get(why.size() - 1).startsWith("zero-window probe ACK: our window is still 0"), why.toString());
            conn.onSegment(peerData(PEER_ISN + 1 + next, OUR_ISN + 1, "more"));
            assertSent(Flags.ACK, OUR_ISN + 1, PEER_ISN + 1 + next);
            assertEquals(65535, received.size(), "nothing beyond a zero window is taken");
        }

        @Test
        void readingAFullBufferSendsAWindowUpdateAtOnce() {
            establish();
            conn.holdReading();
            long next = peerSends(0, 65535);
            sent.clear();
            why.clear();
            conn.readHeld();
            assertEquals(1, sent.size(), "a window update: the peer would otherwise wait for its probe");
            assertSent(Flags.ACK, OUR_ISN + 1, PEER_ISN + 1 + next);
            assertEquals(65535, last().window());
            assertTrue(why.get(0).startsWith("window update: our application read the 65535 bytes waiting"), why.get(0));
            peerSends(next, 1000);
            assertEquals(65535, last().window(), "reading again: the window stays whole");
        }

        @Test
        void readingALittleSendsNoUpdate() {
            establish();
            conn.holdReading();
            peerSends(0, 100);
            sent.clear();
            conn.readHeld();
            assertEquals(0, sent.size(), "100 bytes more of window is not worth a segment (RFC 1122 §4.2.3.3)");
        }

        @Test
        void aSlowReaderOpensItsWindowOnlyBySegmentsAndTellsThePeerEachTime() {
            establish();
            conn.holdReading();
            long next = peerSends(0, 65535);
            assertEquals(0, last().window(), "the buffer is full");
            sent.clear();
            assertEquals(800, conn.read(800));
            assertEquals(0, sent.size(), "800 bytes of room is less than a segment: not offered (RFC 1122 §4.2.3.3)");
            conn.onSegment(peer(Flags.ACK, PEER_ISN + next, OUR_ISN + 1)); // a probe: still 0
            assertEquals(0, last().window(), "the small opening is held back from the probe's answer too");
            sent.clear();
            why.clear();
            assertEquals(800, conn.read(800));
            assertEquals(1, sent.size(), "1,600 bytes read: a segment's worth, and the peer is told");
            assertEquals(1600, last().window());
            assertEquals(PEER_ISN + 1 + next + 1600, last().ack().value() + last().window(), "the right edge moved 1,600");
            assertTrue(why.get(0).startsWith("window update: our application has read enough for the window to grow by "
                    + "1600 bytes, to 1600"), why.toString());
            next = peerSends(next, 1460);
            assertEquals(140, last().window(), "what arrives takes from the window; the right edge stays");
            assertEquals(PEER_ISN + 1 + next + 140, last().ack().value() + last().window());
        }

        @Test
        void aReadOfMoreThanWaitsReadsWhatWaits() {
            establish();
            conn.holdReading();
            peerSends(0, 3000);
            assertEquals(3000, conn.unreadBytes());
            assertEquals(3000, conn.read(10_000));
            assertEquals(0, conn.unreadBytes());
            assertEquals(0, conn.read(10_000));
            assertEquals(65535, last().window(), "all read: the whole buffer again");
        }

        @Test
        void anApplicationThatReadsKeepsTheWholeWindowOpen() {
            establish();
            peerSends(0, 100_000);
            assertEquals(65535, last().window());
        }
    }

    // ======================================================================= options (RFC 7323, RFC 2018)

    @Nested
    class Options {
        /** What Linux's SYN+ACK carries when our SYN offered everything: MSS, SACK ok, TS, wscale 10. */
        Segment linuxSynAck(long tsVal, long tsEcr) {
            return peer(Flags.SYN_ACK, PEER_ISN, OUR_ISN + 1).withOptions(List.of(new TcpOption.Mss(1460),
                    new TcpOption.SackPermitted(), new TcpOption.Timestamps(tsVal, tsEcr), new TcpOption.Nop(),
                    new TcpOption.WindowScale(10)));
        }

        @Test
        void ourSynOffersWhatLinuxOffersInLinuxsOrder() {
            conn.open();
            List<String> kinds = last().options().stream().map(o -> o.getClass().getSimpleName()).toList();
            assertEquals(List.of("Mss", "SackPermitted", "Timestamps", "Nop", "WindowScale"), kinds);
            assertEquals(65535, last().window(), "a SYN's window is never scaled");
        }

        @Test
        void agreedScalingShiftsBothWindows() {
            conn.open();
            conn.onSegment(linuxSynAck(100, 0));
            assertEquals(256 * 1024 >> 7, last().window(), "our 256 KiB announced with our shift 7");
            conn.onSegment(peer(Flags.ACK, PEER_ISN + 1, OUR_ISN + 1)
                    .withOptions(List.of(new TcpOption.Timestamps(101, 0))));
            assertEquals(65535 << 10, conn.sndWnd(), "their field 65535 with their shift 10");
        }

        /**
         * A buffer set on purpose gets Linux's shift for a buffer locked with SO_RCVBUF (log2 − 15): a small one
         * is announced exactly (shift 0, as kernel-mix.pcap's slow reader's 2,896-byte buffer), where shift 7
         * would round its window to 128-byte steps and draw odd-sized segments from the sender. Without a shift,
         * the window is whole segments (1,448 bytes with timestamps), as Linux offers it.
         */
        @Test
        void theShiftWeOfferFollowsABufferSetOnPurpose() {
            for (int[] c : new int[][] {{2896, 0, 2896}, {16 * 1024, 0, 11 * 1448}, {65535, 0, 45 * 1448},
                    {1000, 0, 1000}, {128 * 1024, 2, 32768}, {1 << 20, 5, 32768}, {8 << 20, 8, 32768},
                    {TcpConfig.DEFAULT_RECEIVE_WINDOW, 7, 2048}}) {
                config = config.withReceiveWindow(c[0]);
                build(OUR_ISN);
                conn.open();
                assertEquals(c[1], last().option(TcpOption.WindowScale.class).orElseThrow().shift(), c[0] + " bytes");
                conn.onSegment(linuxSynAck(100, 0));
                assertEquals(c[2], last().window(), "the window field of " + c[0] + " bytes");
            }
        }

        /**
         * A slow reader with a small buffer (4,000 bytes: 2 segments offered) opens its window by whole segments
         * and never moves its right edge left for the rounding.
         */
        @Test
        void withoutAShiftASlowReaderOffersWholeSegments() {
            config = config.withReceiveWindow(4000);
            build(OUR_ISN);
            conn.open();
            conn.onSegment(linuxSynAck(100, 0));
            assertEquals(2896, last().window());
            conn.holdReading();
            conn.onSegment(peerData(PEER_ISN + 1, OUR_ISN + 1, "x".repeat(1448))
                    .withOptions(List.of(new TcpOption.Timestamps(101, 0))));
            assertEquals(1448, last().window(), "the right edge stays");
            assertEquals(1448, conn.read(1448));
            assertEquals(2896, last().window(), "4,000 bytes free again: two whole segments");
            assertEquals(PEER_ISN + 1 + 1448 + 2896, last().ack().value() + last().window());
        }

        @Test
        void agreedTimestampsGoOnEverySegmentEchoingTheirsAndShrinkTheMss() {
            conn.open();
            conn.onSegment(linuxSynAck(5000, 0));
            TcpOption.Timestamps ts = last().option(TcpOption.Timestamps.class).orElseThrow();
            assertEquals(5000, ts.tsEcr(), "TSecr echoes their TSval");
            conn.send(new byte[3000]);
            assertEquals(1448, sent.get(sent.size() - 3).payloadLength(), "1460 − 12 bytes of timestamp option");
        }

        /** As a Windows client: SACK and window scale, no timestamps; so no option on later segments, and no 12 bytes less. */
        @Test
        void withoutTimestampsOurSynOffersTheRestAndSegmentsCarryTheWholeMss() {
            config = config.withTimestamps(false);
            build(OUR_ISN);
            conn.open();
            assertEquals(List.of("Mss", "SackPermitted", "Nop", "WindowScale"),
                    last().options().stream().map(o -> o.getClass().getSimpleName()).toList());
            conn.onSegment(linuxSynAck(5000, 0)); // Linux answers with timestamps only when the SYN offered them
            assertFalse(last().option(TcpOption.Timestamps.class).isPresent(), "not echoed: we did not offer them");
            conn.onSegment(peer(Flags.ACK, PEER_ISN + 1, OUR_ISN + 1));
            assertEquals(65535 << 10, conn.sndWnd(), "window scale still agreed");
            conn.send(new byte[3000]);
            assertEquals(1460, sent.get(sent.size() - 3).payloadLength(), "the whole MSS");
        }

        /** Listening, a SYN that offers timestamps is answered without them when we offer none. */
        @Test
        void withoutTimestampsAPeersOfferIsNotTakenUp() {
            config = config.withTimestamps(false);
            build(OUR_ISN);
            conn.listen();
            conn.onSegment(peer(Flags.SYN, PEER_ISN, 0).withOptions(List.of(new TcpOption.Mss(1460),
                    new TcpOption.SackPermitted(), new TcpOption.Timestamps(7, 0), new TcpOption.Nop(),
                    new TcpOption.WindowScale(7))));
            assertEquals(List.of("Mss", "SackPermitted", "Nop", "WindowScale"),
                    last().options().stream().map(o -> o.getClass().getSimpleName()).toList(), "our SYN+ACK");
        }

        @Test
        void withoutTheirWindowScaleOurWindowStaysBelow64KiB() {
            conn.open();
            conn.onSegment(peer(Flags.SYN_ACK, PEER_ISN, OUR_ISN + 1).withOptions(List.of(new TcpOption.Mss(1460))));
            assertEquals(65535, last().window());
            assertTrue(last().options().isEmpty(), "no timestamps either: the peer did not offer them");
        }

        @Test
        void pawsDropsASegmentWithAnOlderTimestamp() {
            conn.open();
            conn.onSegment(linuxSynAck(5000, 0));
            conn.onSegment(peerData(PEER_ISN + 1, OUR_ISN + 1, "new").withOptions(List.of(new TcpOption.Timestamps(6000, 1))));
            assertEquals("new", received.toString());
            conn.onSegment(peerData(PEER_ISN + 4, OUR_ISN + 1, "old").withOptions(List.of(new TcpOption.Timestamps(5500, 1))));
            assertEquals("new", received.toString(), "an older TSval: an old duplicate, not accepted");
            assertTrue(why.get(why.size() - 1).startsWith("PAWS"));
        }

        /**
         * Karn's rule (RFC 6298 §3): an ACK of a retransmitted segment gives no RTT sample, so the RTO stays
         * backed off until a segment sent once is acknowledged. Timing retransmissions by the TSval an ACK
         * echoes (RFC 7323 §4, as Linux does) was tried and not kept: docs/reliability.md says why.
         */
        @Test
        void karnsRuleKeepsTheBackOffUntilASegmentSentOnceIsAcknowledged() {
            conn.open();
            conn.onSegment(linuxSynAck(5000, 0));
            assertEquals(200, conn.currentRto() / 1_000_000, "the SYN's RTT sample: 0, so the 200 ms floor");
            conn.send("x".getBytes());
            advance(200);
            advance(400);
            assertEquals(800, conn.currentRto() / 1_000_000, "backed off twice");
            long echo = last().option(TcpOption.Timestamps.class).orElseThrow().tsVal();
            advance(10);
            conn.onSegment(peer(Flags.ACK, PEER_ISN + 1, OUR_ISN + 2).withOptions(List.of(new TcpOption.Timestamps(5001, echo))));
            assertEquals(800, conn.currentRto() / 1_000_000, "no sample from the retransmitted segment");
            conn.send("y".getBytes());
            long echoY = last().option(TcpOption.Timestamps.class).orElseThrow().tsVal();
            advance(10);
            conn.onSegment(peer(Flags.ACK, PEER_ISN + 1, OUR_ISN + 3).withOptions(List.of(new TcpOption.Timestamps(5002, echoY))));
            assertEquals(200, conn.currentRto() / 1_000_000, "a segment sent once and acknowledged: a sample, the RTO back down");
        }

        @Test
        void extensionsOffSendsMssOnly() {
            config = config.withExtensions(false);
            build(OUR_ISN);
            conn.open();
            assertEquals(List.of(new TcpOption.Mss(1460)), last().options());
        }
    }

    // ======================================================================= bulk data: RFC 5681, 6582, 2018

    @Nested
    class BulkData {
        static final int MSS = 1460;

        Segment ackOf(long ack) {
            return peer(Flags.ACK, PEER_ISN + 1, ack);
        }

        @Test
        void theFirstFlightIsTheInitialWindowOfTenSegments() {
            establish();
            conn.send(new byte[100 * MSS]);
            assertEquals(CongestionControl.INITIAL_SEGMENTS, sent.size(), "RFC 6928: ten segments, then wait");
            conn.onSegment(ackOf(OUR_ISN + 1 + 2 * MSS));
            // RFC 5681 (2): cwnd grows by min(N, SMSS) per ACK: two segments freed, one more allowed.
            assertEquals(13, sent.size(), "slow start: two acknowledged, three more sent");
        }

        @Test
        void thirdDuplicateAckRetransmitsTheLostSegmentAtOnce() {
            establish();
            conn.send(new byte[10 * MSS]);
            sent.clear();
            why.clear();
            conn.onSegment(ackOf(OUR_ISN + 1)); // segment 1 lost; 2, 3, 4 arrived: three duplicates
            conn.onSegment(ackOf(OUR_ISN + 1));
            assertEquals(0, sent.size());
            conn.onSegment(ackOf(OUR_ISN + 1));
            assertEquals(SeqNum.of(OUR_ISN + 1), sent.get(0).seq(), "the hole, without waiting for the RTO");
            assertTrue(why.get(0).startsWith("fast retransmit"));
        }

        @Test
        void partialAckInRecoveryRetransmitsTheNextHole() {
            establish();
            conn.send(new byte[10 * MSS]);
            for (int i = 0; i < 3; i++) {
                conn.onSegment(ackOf(OUR_ISN + 1));
            }
            sent.clear();
            why.clear();
            conn.onSegment(ackOf(OUR_ISN + 1 + 3 * MSS)); // up to the second hole at segment 4
            assertEquals(SeqNum.of(OUR_ISN + 1 + 3 * MSS), sent.get(0).seq());
            assertTrue(why.get(0).startsWith("NewReno"));
        }

        @Test
        void afterATimeoutEverythingUnacknowledgedIsSentAgainFromOneSegment() {
            establish();
            conn.send(new byte[4 * MSS]);
            sent.clear();
            clock.advance(Duration.ofNanos(conn.currentRto()));
            conn.onTimer();
            assertEquals(1, sent.size(), "cwnd back to one segment");
            assertEquals(MSS, conn.congestionWindow());
            conn.onSegment(ackOf(OUR_ISN + 1 + MSS));
            assertEquals(List.of(OUR_ISN + 1 + MSS, OUR_ISN + 1 + 2 * MSS),
                    sent.subList(1, 3).stream().map(x -> x.seq().value()).toList(), "slow start again: two");
        }

        @Test
        void aRetransmissionCarriesOnlyBytesSentBefore() {
            establish();
            conn.onSegment(Segment.of(PEER, US, SeqNum.of(PEER_ISN + 1), SeqNum.of(OUR_ISN + 1), Flags.ACK, 100));
            conn.send(new byte[5000]);            // the peer's window lets 100 bytes out
            assertEquals(100, last().payloadLength());
            sent.clear();
            clock.advance(Duration.ofNanos(conn.currentRto()));
            conn.onTimer();
            assertEquals(100, sent.get(0).payloadLength(), "the 100 bytes again, none never sent before");
            conn.onSegment(Segment.of(PEER, US, SeqNum.of(PEER_ISN + 1), SeqNum.of(OUR_ISN + 101), Flags.ACK, 100));
            assertEquals(SeqNum.of(OUR_ISN + 101), conn.sndUna(), "and its ACK is taken");
        }

        @Test
        void anAckForDataSentBeforeAGoBackIsStillAccepted() {
            establish();
            conn.send(new byte[4 * MSS]);
            clock.advance(Duration.ofNanos(conn.currentRto()));
            conn.onTimer();
            conn.onSegment(ackOf(OUR_ISN + 1 + 4 * MSS)); // the originals arrived after all
            assertEquals(0, conn.unacknowledgedBytes());
            assertEquals(TcpConnection.NEVER, conn.nextDeadline());
        }

        @Test
        void outOfOrderDataIsReportedWithSackBlocks() {
            conn.open();
            conn.onSegment(peer(Flags.SYN_ACK, PEER_ISN, OUR_ISN + 1).withOptions(List.of(new TcpOption.Mss(1460),
                    new TcpOption.SackPermitted())));
            conn.onSegment(peerData(PEER_ISN + 11, OUR_ISN + 1, "later"));
            conn.onSegment(peerData(PEER_ISN + 21, OUR_ISN + 1, "latest"));
            TcpOption.Sack sack = last().option(TcpOption.Sack.class).orElseThrow();
            assertEquals(List.of(PEER_ISN + 21, PEER_ISN + 27, PEER_ISN + 11, PEER_ISN + 16),
                    java.util.Arrays.stream(sack.edges()).boxed().toList(), "the newest block first");
            assertSent(Flags.ACK, OUR_ISN + 1, PEER_ISN + 1);
        }

        @Test
        void delayedAcksAcknowledgeEverySecondSegmentOrAfter40Ms() {
            config = config.withDelayedAcks(true);
            build(OUR_ISN);
            establish();
            conn.onSegment(peerData(PEER_ISN + 1, OUR_ISN + 1, "a"));
            assertEquals(0, sent.size(), "the first segment waits");
            conn.onSegment(peerData(PEER_ISN + 2, OUR_ISN + 1, "b"));
            assertSent(Flags.ACK, OUR_ISN + 1, PEER_ISN + 3);
            conn.onSegment(peerData(PEER_ISN + 3, OUR_ISN + 1, "c"));
            assertEquals(1, sent.size());
            advance(40);
            assertSent(Flags.ACK, OUR_ISN + 1, PEER_ISN + 4);
            assertTrue(why.get(1).startsWith("delayed ACK"));
        }

        @Test
        void aBurstOfInOrderSegmentsGetsOneAckAtItsEnd() {
            config = config.withDelayedAcks(true);
            build(OUR_ISN);
            establish();
            conn.beginBurst();
            for (int i = 0; i < 10; i++) {
                conn.onSegment(peerData(PEER_ISN + 1 + i, OUR_ISN + 1, "x"));
            }
            assertEquals(0, sent.size(), "nothing until the burst ends");
            conn.endBurst();
            assertEquals(1, sent.size());
            assertSent(Flags.ACK, OUR_ISN + 1, PEER_ISN + 11);
        }

        @Test
        void aLongBurstIsStillAckedEvery16Segments() {
            config = config.withDelayedAcks(true);
            build(OUR_ISN);
            establish();
            conn.beginBurst();
            for (int i = 0; i < 20; i++) {
                conn.onSegment(peerData(PEER_ISN + 1 + i, OUR_ISN + 1, "x"));
            }
            assertEquals(1, sent.size());
            assertEquals(SeqNum.of(PEER_ISN + 1 + TcpConnection.MAX_SEGMENTS_PER_ACK), sent.get(0).ack());
            conn.endBurst();
            assertSent(Flags.ACK, OUR_ISN + 1, PEER_ISN + 21);
        }

        @Test
        void aGapInsideABurstIsAckedAtOnce() {
            config = config.withDelayedAcks(true);
            build(OUR_ISN);
            establish();
            conn.beginBurst();
            conn.onSegment(peerData(PEER_ISN + 1, OUR_ISN + 1, "a"));
            conn.onSegment(peerData(PEER_ISN + 3, OUR_ISN + 1, "c"));
            assertEquals(1, sent.size(), "out of order: a duplicate ACK at once, burst or not");
            assertSent(Flags.ACK, OUR_ISN + 1, PEER_ISN + 2);
            conn.endBurst();
            assertEquals(1, sent.size(), "nothing new to acknowledge at the end");
        }

        @Test
        void withoutDelayedAcksABurstChangesNothing() {
            establish();
            conn.beginBurst();
            conn.onSegment(peerData(PEER_ISN + 1, OUR_ISN + 1, "a"));
            conn.onSegment(peerData(PEER_ISN + 2, OUR_ISN + 1, "b"));
            assertEquals(2, sent.size());
            conn.endBurst();
            assertEquals(2, sent.size());
        }
    }

    // ======================================================================= wraparound

    @Nested
    class SequenceWraparound {
        @Test
        void aWholeConnectionAcrossTwoToThe32() {
            long isn = 0xFFFF_FFFEL; // ISN + 1 = 2^32 - 1, data wraps to 0
            build(isn);
            conn.open();
            long peerIsn = 0xFFFF_FFFFL;
            conn.onSegment(peer(Flags.SYN_ACK, peerIsn, isn + 1));
            assertEquals(TcpState.ESTABLISHED, conn.state());
            assertEquals(SeqNum.of(0), conn.rcvNxt()); // 2^32 - 1 + 1 wraps to 0
            conn.send("abcd".getBytes());
            assertEquals(SeqNum.of(0xFFFF_FFFFL), last().seq());
            conn.onSegment(peer(Flags.ACK, 0, 3)); // acks 2^32-1 .. 2 across the wrap
            assertEquals(0, conn.unacknowledgedBytes());
            conn.onSegment(peerData(0, 3, "xyz"));
            assertArrayEquals("xyz".getBytes(), received.toByteArray());
            assertEquals(SeqNum.of(3), conn.rcvNxt());
            conn.close();
            assertSent(Flags.FIN_ACK, 3, 3);
            conn.onSegment(peer(Flags.FIN_ACK, 3, 4));
            assertEquals(TcpState.TIME_WAIT, conn.state());
            assertFalse(conn.rcvNxt().equals(SeqNum.of(3)));
        }
    }
}
