package dev.tcplab.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcplab.text.Text;
import dev.tcplab.wire.EthernetFrame;
import dev.tcplab.wire.Flags;
import dev.tcplab.wire.Ipv4Address;
import dev.tcplab.wire.MacAddress;
import dev.tcplab.wire.Segment;
import dev.tcplab.wire.SeqNum;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FaultyFrameLinkTest {
    static final Ipv4Address US = Ipv4Address.parse("10.77.1.1"), PEER = Ipv4Address.parse("10.77.1.2");
    static final MacAddress M = MacAddress.parse("02:00:00:00:00:01");
    final MemoryFrameLink wire = new MemoryFrameLink();
    final List<FaultyFrameLink.Injected> injected = new ArrayList<>();

    static byte[] out(Flags f, long seq, long ack, int len) {
        return EthernetFrame.tcp(M, M, US, PEER, Segment.of(61000, 7, SeqNum.of(seq), SeqNum.of(ack), f, 100)
                .withPayload(new byte[len]), 1);
    }

    static byte[] in(Flags f, long seq, long ack) {
        return EthernetFrame.tcp(M, M, PEER, US, Segment.of(7, 61000, SeqNum.of(seq), SeqNum.of(ack), f, 100), 1);
    }

    FaultyFrameLink link(String... rules) {
        List<FaultRule> r = new ArrayList<>();
        for (String s : rules) {
            String[] p = s.split(" ", 2);
            r.add(FaultRule.parse(FaultRule.Action.valueOf(p[0].toUpperCase()), p[1]));
        }
        return new FaultyFrameLink(wire, r, injected::add);
    }

    @Test
    void parsesTheRuleSyntax() {
        FaultRule r = FaultRule.parse(FaultRule.Action.DELAY, "in:data:3:200ms");
        assertEquals(false, r.outbound());
        assertEquals(SegmentKind.DATA, r.kind());
        assertEquals(3, r.occurrence());
        assertEquals(Duration.ofMillis(200), r.delay());
        assertEquals(0, FaultRule.parse(FaultRule.Action.DROP, "out:third-ack:all").occurrence());
        assertEquals(1, FaultRule.parse(FaultRule.Action.DROP, "out:fin").occurrence());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FaultRule.parse(FaultRule.Action.DROP,
                "out:finn")).getMessage().contains("final-ack"));
        assertThrows(IllegalArgumentException.class, () -> FaultRule.parse(FaultRule.Action.DELAY, "in:data"));
        assertThrows(IllegalArgumentException.class, () -> FaultRule.parse(FaultRule.Action.DROP, "out:fin:0"));
        assertThrows(IllegalArgumentException.class, () -> FaultRule.parse(FaultRule.Action.DROP, "up:fin"));
    }

    @Test
    void parsesAChanceAndWritesItBack() {
        FaultRule r = FaultRule.parse(FaultRule.Action.DROP, "in:any:2.5%");
        assertTrue(r.random());
        assertEquals(2.5, r.percent());
        assertEquals("--drop in:any:2.5%", r.toString());
        assertEquals("--drop in:data:5%", FaultRule.randomDrop(false, SegmentKind.DATA, 5).toString());
        assertEquals(false, FaultRule.parse(FaultRule.Action.DROP, "in:data:all").random());
        assertThrows(IllegalArgumentException.class, () -> FaultRule.parse(FaultRule.Action.DROP, "in:any:0%"));
        assertThrows(IllegalArgumentException.class, () -> FaultRule.parse(FaultRule.Action.DROP, "in:any:101%"));
    }

    @Test
    void aChanceRuleDropsTheSegmentsItsGeneratorChooses() {
        long seed = 20261202L;
        FaultyFrameLink l = new FaultyFrameLink(wire, List.of(FaultRule.randomDrop(false, SegmentKind.DATA, 5)),
                injected::add, new SplittableRandom(seed));
        SplittableRandom twin = new SplittableRandom(seed);
        int expected = 0;
        for (int i = 0; i < 2000; i++) {
            boolean chosen = twin.nextDouble() * 100 < 5;
            expected += chosen ? 1 : 0;
            wire.deliver(EthernetFrame.tcp(M, M, PEER, US, Segment.of(7, 61000, SeqNum.of(1 + 10L * i),
                    SeqNum.of(1), Flags.PSH_ACK, 100).withPayload(new byte[10]), 1));
            Frame f = l.poll();
            assertEquals(chosen, f.fault() != null && f.fault().dropped(), "segment " + i);
        }
        assertEquals(expected, injected.size());
        assertTrue(expected > 50 && expected < 150, "about 5 % of 2000: " + expected);
        l.send(out(Flags.PSH_ACK, 100, 1, 10));
        wire.deliver(in(Flags.ACK, 1, 110));
        assertNull(l.poll().fault(), "pure ACKs are not data: the rule leaves them alone");
        assertEquals(1, wire.sentFrames().size(), "nor does it touch the other way");
    }

    @Test
    void dropsOnlyTheFinalAckOfTheCloseNotOtherPureAcks() {
        FaultyFrameLink l = link("drop out:final-ack");
        l.send(out(Flags.SYN, 100, 0, 0));
        wire.deliver(in(Flags.SYN_ACK, 500, 101));
        l.poll();
        Frame third = l.send(out(Flags.ACK, 101, 501, 0));     // the third handshake ACK: not final
        assertNull(third.fault());
        wire.deliver(in(Flags.FIN_ACK, 501, 101));
        l.poll();
        Frame last = l.send(out(Flags.ACK, 101, 502, 0));      // acknowledges their FIN: final
        assertTrue(last.fault().dropped());
        Frame reAck = l.send(out(Flags.ACK, 101, 502, 0));     // the second one passes (occurrence 1 only)
        assertNull(reAck.fault());
        assertEquals(3, wire.sentFrames().size(), "SYN, third ACK and the re-ACK reached the wire");
        assertEquals(1, injected.size());
    }

    @Test
    void recognisesTheThirdAckByTheirIsn() {
        FaultyFrameLink l = link("drop out:third-ack:all");
        l.send(out(Flags.SYN, 100, 0, 0));
        wire.deliver(in(Flags.SYN_ACK, 500, 101));
        l.poll();
        assertTrue(l.send(out(Flags.ACK, 101, 501, 0)).fault().dropped());
        assertTrue(l.send(out(Flags.ACK, 101, 501, 0)).fault().dropped(), "all of them");
        assertNull(l.send(out(Flags.PSH_ACK, 101, 501, 5)).fault(), "data is not a pure ACK");
    }

    @Test
    void inboundDropIsHandedUpMarkedSoTheLadderCanShowIt() {
        FaultyFrameLink l = link("drop in:syn-ack");
        wire.deliver(in(Flags.SYN_ACK, 500, 101));
        Frame f = l.poll();
        assertNotNull(f);
        assertTrue(f.fault().dropped());
        assertTrue(f.fault().description().en().contains("in:syn-ack:1"));
    }

    @Test
    void duplicateIsDeliveredTwice() {
        FaultyFrameLink l = link("dup in:data");
        wire.deliver(EthernetFrame.tcp(M, M, PEER, US, Segment.of(7, 61000, SeqNum.of(1), SeqNum.of(1),
                Flags.PSH_ACK, 100).withPayload(new byte[3]), 1));
        assertNull(l.poll().fault());
        assertEquals(Text.of("duplicate: --dup in:data:1", "重复：--dup in:data:1"), l.poll().fault().description());
        assertNull(l.poll());
    }

    @Test
    void delayedOutboundLeavesLater() throws Exception {
        FaultyFrameLink l = link("delay out:syn:1:30ms");
        Frame f = l.send(out(Flags.SYN, 100, 0, 0));
        assertTrue(f.fault().description().en().startsWith("held back 30 ms"));
        assertEquals(0, wire.sentFrames().size());
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (wire.sentFrames().isEmpty() && System.nanoTime() < deadline) {
            l.poll();
            Thread.sleep(5);
        }
        assertEquals(1, wire.sentFrames().size());
    }

    /** A simultaneous close made on purpose: our FIN is still on its way when theirs arrives, and not later. */
    @Test
    void ourFinHeldUntilTheirsArrivesLeavesJustBeforeTheirsIsHandedUp() {
        FaultRule rule = FaultRule.heldUntil(SegmentKind.FIN, SegmentKind.FIN, Duration.ofSeconds(10));
        assertEquals("--delay out:fin:1:until-fin", rule.toString());
        assertEquals(rule, FaultRule.parse(FaultRule.Action.DELAY, "out:fin:until-fin"), "as written on the command line");
        assertThrows(IllegalArgumentException.class, () -> FaultRule.parse(FaultRule.Action.DELAY, "in:fin:1:until-fin"));
        assertThrows(IllegalArgumentException.class, () -> FaultRule.parse(FaultRule.Action.DROP, "out:fin:1:until-fin"));
        assertThrows(IllegalArgumentException.class, () -> FaultRule.parse(FaultRule.Action.DELAY, "out:fin:all:until-fin"));
        FaultyFrameLink l = new FaultyFrameLink(wire, List.of(rule), injected::add);
        Frame ours = l.send(out(Flags.FIN_ACK, 101, 501, 0));
        assertTrue(ours.fault().description().en().startsWith("held back until the peer's FIN arrives (at most 10000 "
                + "ms)"), ours.fault().description().en());
        assertNull(l.poll());
        wire.deliver(in(Flags.ACK, 501, 101));
        assertNotNull(l.poll(), "their ACK is handed up");
        assertEquals(0, wire.sentFrames().size(), "an ACK does not end the hold");
        wire.deliver(in(Flags.FIN_ACK, 501, 101));
        Frame theirs = l.poll();
        assertTrue(theirs.data().length > 0 && theirs.fault() == null);
        assertEquals(1, wire.sentFrames().size(), "ours left as theirs came in");
        l.send(out(Flags.FIN_ACK, 101, 501, 0));
        assertEquals(2, wire.sentFrames().size(), "a second FIN goes at once");
        assertThrows(IllegalArgumentException.class, () -> new FaultRule(FaultRule.Action.DROP, true, SegmentKind.FIN,
                1, 0, Duration.ZERO, SegmentKind.FIN));
    }

    /** Their FIN came before ours was sent: ours acknowledges it, there is no crossing to make, and it goes at once. */
    @Test
    void ourFinGoesAtOnceWhenTheirsHasAlreadyArrived() {
        FaultyFrameLink l = new FaultyFrameLink(wire, List.of(FaultRule.heldUntil(SegmentKind.FIN, SegmentKind.FIN,
                Duration.ofSeconds(10))), injected::add);
        wire.deliver(in(Flags.FIN_ACK, 501, 101));
        assertNotNull(l.poll());
        assertNull(l.send(out(Flags.FIN_ACK, 101, 502, 0)).fault());
        assertEquals(1, wire.sentFrames().size());
        assertTrue(injected.isEmpty(), "nothing injected: " + injected);
    }
}
