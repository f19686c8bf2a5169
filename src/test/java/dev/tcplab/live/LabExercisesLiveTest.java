package dev.tcplab.live;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcplab.lab.RstGuard;
import dev.tcplab.lab.exercises.Check;
import dev.tcplab.lab.exercises.Exercise;
import dev.tcplab.lab.exercises.ExerciseRunner;
import dev.tcplab.lab.exercises.Exercises;
import dev.tcplab.lab.exercises.Timeline;
import dev.tcplab.text.BothLanguages;
import dev.tcplab.text.Text;
import dev.tcplab.trace.Direction;
import dev.tcplab.trace.TraceEvent;
import dev.tcplab.wire.Segment;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every exercise passes live, and each of its checks fails when the behaviour it claims is taken
 * out of the recorded timeline (a doctored timeline): a check that cannot fail proves nothing.
 */
@Tag("live")
class LabExercisesLiveTest {
    final StringWriter text = new StringWriter();

    @AfterEach
    void nothingLeft() {
        Live.assertNothingLeft();
    }

    ExerciseRunner.Result runLive(String name) {
        Live.require("ip", "ss", "ethtool");
        ExerciseRunner runner = new ExerciseRunner(new ExerciseRunner.Setup(null, null, null, null, RstGuard.ADDRESS,
                Text.Lang.en, (w, capture) -> e -> { }), new PrintWriter(text, true), new PrintWriter(new StringWriter(), true));
        ExerciseRunner.Result r = runner.run(Exercises.named(name).orElseThrow());
        assertTrue(r.passed(), "live run of " + name + " did not pass:\n" + text);
        for (Check c : Exercises.named(name).orElseThrow().checks(r.timelines())) {
            boolean chinese = c.observed().zh().codePoints().anyMatch(cp -> cp >= 0x4e00 && cp <= 0x9fff);
            assertTrue(chinese || !c.observed().en().matches("(?s).*[a-z]{3,}.*"), "--lang zh shows what was seen for '"
                    + c.claim().en() + "' in English: " + c.observed().zh());
        }
        // --lang zh shows the ladder's reasons and remarks in Chinese: every one this exercise gave has its sentence.
        for (Timeline t : r.timelines()) {
            for (TraceEvent e : t.events()) {
                if (e instanceof TraceEvent.StateChange c) {
                    BothLanguages.assertTold(c.cause());
                } else if (e instanceof TraceEvent.Note n) {
                    BothLanguages.assertTold(n.text());
                } else if (e instanceof TraceEvent.SegmentEvent s && s.why() != null) {
                    BothLanguages.assertTold(s.why());
                }
            }
        }
        return r;
    }

    static void assertFails(Exercise ex, List<Timeline> doctored, int check, String what) {
        Check c = ex.checks(doctored).get(check);
        assertFalse(c.passed(), "check '" + c.claim().en() + "' still passes " + what + ": " + c.observed());
    }

    static List<Timeline> replace(List<Timeline> runs, int i, Timeline t) {
        List<Timeline> out = new ArrayList<>(runs);
        out.set(i, t);
        return out;
    }

    static UnaryOperator<TraceEvent> segments(Predicate<TraceEvent.SegmentEvent> which, UnaryOperator<Segment> change) {
        return e -> e instanceof TraceEvent.SegmentEvent s && which.test(s) ? new TraceEvent.SegmentEvent(s.timeNanos(),
                s.direction(), s.src(), s.dst(), change.apply(s.segment()), s.state(), s.why(), s.lost()) : e;
    }

    static Segment withNumbers(Segment s, long seqDelta, long ackDelta) {
        return new Segment(s.srcPort(), s.dstPort(), s.seq().plus(seqDelta), s.ack().plus(ackDelta), s.flags(), s.window(),
                s.urgentPointer(), s.options(), s.payload());
    }

    /** The same remark with {@code from} replaced by {@code to}, in both languages: a doctored timeline. */
    static Text said(Text t, String from, String to) {
        return Text.of(t.en().replace(from, to), t.zh().replace(from, to));
    }

    static Predicate<TraceEvent> kernelNote(String state) {
        return e -> e instanceof TraceEvent.Note n && n.text().en().startsWith("kernel peer's socket")
                && n.text().en().contains(state);
    }

    @Test
    void seqAck() {
        Exercise ex = Exercises.named("seq-ack").orElseThrow();
        List<Timeline> runs = runLive("seq-ack").timelines();
        assertFails(ex, replace(runs, 1, runs.get(0)), 0, "when both connections have the same ISNs");
        assertFails(ex, replace(runs, 0, runs.get(0).map(segments(s -> s.direction() == Direction.OUT
                && s.segment().payloadLength() > 0, s -> withNumbers(s, 1, 0)))), 1, "when data starts at ISN+2");
        assertFails(ex, replace(runs, 0, runs.get(0).map(segments(s -> s.direction() == Direction.IN
                && !s.segment().flags().syn() && !s.segment().flags().fin(), s -> withNumbers(s, 0, 5)))), 2,
                "when the acks are 5 past the segments' ends");
        assertFails(ex, replace(runs, 0, runs.get(0).without(e -> e instanceof TraceEvent.SegmentEvent s
                && s.direction() == Direction.IN && s.segment().flags().fin())
                .without(e -> e instanceof TraceEvent.SegmentEvent s && s.direction() == Direction.IN
                        && s.segment().payloadLength() == 0 && s.state().equals("TIME_WAIT") || e instanceof TraceEvent.SegmentEvent s2
                        && s2.direction() == Direction.IN && s2.state().startsWith("FIN_WAIT"))), 3,
                "when nothing acknowledges our FIN");
    }

    @Test
    void handshake() {
        Exercise ex = Exercises.named("handshake").orElseThrow();
        List<Timeline> runs = runLive("handshake").timelines();
        assertFails(ex, replace(runs, 0, runs.get(0).map(segments(s -> s.direction() == Direction.IN
                && s.segment().flags().syn(), s -> withNumbers(s, 0, 1)))), 0, "when the SYN+ACK acknowledges j+2");
        assertFails(ex, replace(runs, 0, runs.get(0).map(segments(s -> s.direction() == Direction.OUT
                && !s.segment().flags().syn(), s -> withNumbers(s, 0, -1)))), 1, "when the third segment acks k");
        assertFails(ex, replace(runs, 0, runs.get(0).without(e -> e instanceof TraceEvent.StateChange c
                && c.to().equals("SYN_SENT"))), 2, "without SYN_SENT");
        assertFails(ex, replace(runs, 0, runs.get(0).without(kernelNote("ESTAB"))), 3, "when the kernel never shows ESTAB");
        assertFails(ex, replace(runs, 1, runs.get(1).without(e -> e instanceof TraceEvent.StateChange c
                && c.to().equals("SYN_RECEIVED"))), 6, "without SYN_RECEIVED on our side");
    }

    @Test
    void close() {
        Exercise ex = Exercises.named("close").orElseThrow();
        List<Timeline> runs = runLive("close").timelines();
        assertFails(ex, replace(runs, 0, runs.get(0).without(e -> e instanceof TraceEvent.SegmentEvent s
                && s.direction() == Direction.IN && s.state().equals("FIN_WAIT_2"))), 0,
                "when the kernel's separate ACK is missing");
        assertFails(ex, replace(runs, 0, runs.get(0).without(kernelNote("CLOSE-WAIT"))), 1, "without CLOSE-WAIT");
        assertFails(ex, replace(runs, 1, runs.get(0)), 2, "when the prompt close also took four segments");
    }

    @Test
    void timeWait() {
        Exercise ex = Exercises.named("time-wait").orElseThrow();
        List<Timeline> runs = runLive("time-wait").timelines();
        List<TraceEvent.SegmentEvent> fins = runs.get(0).in(s -> s.flags().fin());
        TraceEvent.SegmentEvent second = fins.get(fins.size() - 1);
        assertFails(ex, replace(runs, 0, runs.get(0).without(e -> e == second)), 0, "without the retransmitted FIN");
        assertFails(ex, replace(runs, 0, runs.get(0).without(e -> e instanceof TraceEvent.SegmentEvent s
                && s.direction() == Direction.OUT && s.timeNanos() >= second.timeNanos())), 1, "without our second ACK");
        assertFails(ex, replace(runs, 0, runs.get(0).map(e -> e == second ? new TraceEvent.SegmentEvent(
                second.timeNanos() + 400_000_000L, second.direction(), second.src(), second.dst(), second.segment(),
                second.state(), second.why(), second.lost()) : e)), 2, "when CLOSED came less than 2MSL after the last FIN");
        assertFails(ex, replace(runs, 1, runs.get(1).without(kernelNote("TIME-WAIT"))), 3, "without the kernel's TIME-WAIT");
    }

    @Test
    void twoWay() {
        Exercise ex = Exercises.named("two-way").orElseThrow();
        List<Timeline> runs = runLive("two-way").timelines();
        List<TraceEvent.SegmentEvent> synAcks = runs.get(0).in(s -> s.flags().syn());
        TraceEvent.SegmentEvent last = synAcks.get(2);
        assertFails(ex, replace(runs, 0, runs.get(0).without(e -> e == last)), 0, "with two SYN+ACKs only");
        long firstGap = synAcks.get(1).timeNanos() - synAcks.get(0).timeNanos();
        assertFails(ex, replace(runs, 0, runs.get(0).map(e -> e == last ? new TraceEvent.SegmentEvent(synAcks.get(1).timeNanos()
                + firstGap, last.direction(), last.src(), last.dst(), last.segment(), last.state(), last.why(), last.lost())
                : e)), 1, "with equal gaps");
        assertFails(ex, replace(runs, 0, runs.get(0).map(e -> kernelNote("SYN-RECV").test(e) ? new TraceEvent.Note(e.timeNanos(),
                said(((TraceEvent.Note) e).text(), "SYN-RECV", "ESTAB")) : e)), 2, "when the kernel says ESTAB");
        Timeline old = runs.get(1);
        long realSyn = old.out(s -> s.flags().syn()).get(1).timeNanos();
        assertFails(ex, replace(runs, 1, old.without(e -> e instanceof TraceEvent.SegmentEvent s && s.direction() == Direction.IN
                && s.timeNanos() < realSyn)), 3, "when the old SYN got no SYN+ACK");
        assertFails(ex, replace(runs, 1, old.without(e -> e instanceof TraceEvent.SegmentEvent s
                && s.segment().flags().rst())), 4, "when the client never reset the stale connection");
        assertFails(ex, replace(runs, 1, old.without(kernelNote("ESTAB"))), 5, "when the real connection never opened");
    }

    @Test
    void keepalive() {
        Exercise ex = Exercises.named("keepalive").orElseThrow();
        List<Timeline> runs = runLive("keepalive").timelines();
        long firstProbe = runs.get(0).in(s -> s.payloadLength() <= 1 && s.flags().ack() && !s.flags().fin()).stream()
                .filter(s -> s.timeNanos() > runs.get(0).in(x -> x.payloadLength() > 1).get(0).timeNanos() + 500_000_000L)
                .findFirst().orElseThrow().timeNanos();
        assertFails(ex, replace(runs, 0, runs.get(0).map(segments(s -> s.direction() == Direction.IN
                && s.timeNanos() >= firstProbe && !s.segment().flags().fin(), s -> withNumbers(s, 1, 0)))), 0,
                "when the probes carry the next seq itself");
        assertFails(ex, replace(runs, 0, runs.get(0).without(e -> e instanceof TraceEvent.SegmentEvent s
                && s.direction() == Direction.OUT && s.timeNanos() >= firstProbe && !s.segment().flags().fin())), 1,
                "when we never answered");
        assertFails(ex, replace(runs, 1, runs.get(1).without(e -> e instanceof TraceEvent.SegmentEvent s
                && s.segment().flags().rst())), 2, "without the kernel's RST");
    }

    @Test
    void window() {
        Exercise ex = Exercises.named("window").orElseThrow();
        List<Timeline> runs = runLive("window").timelines();
        Timeline t = runs.get(0);
        long shutAt = t.in(s -> s.window() == 0 && !s.flags().syn()).get(0).timeNanos();
        long openedAt = t.in(s -> s.window() > 0 && !s.flags().syn()).stream().filter(s -> s.timeNanos() > shutAt)
                .findFirst().orElseThrow().timeNanos();
        Predicate<TraceEvent.SegmentEvent> probe = s -> s.direction() == Direction.OUT && s.segment().payloadLength() == 1;
        assertFails(ex, replace(runs, 0, t.map(segments(s -> s.direction() == Direction.IN, s -> withWindow(s, 2896)))), 0,
                "when the window never fell to 0");
        assertFails(ex, replace(runs, 0, t.map(segments(probe, s -> s.withPayload(new byte[1448])))), 1,
                "when full segments went into the shut window");
        assertFails(ex, replace(runs, 0, t.map(e -> e instanceof TraceEvent.SegmentEvent s && probe.test(s)
                ? new TraceEvent.SegmentEvent(shutAt + (s.timeNanos() - shutAt) / 4, s.direction(), s.src(), s.dst(),
                s.segment(), s.state(), s.why(), s.lost()) : e)), 2, "when the probes came at a quarter of the waits"
                + " (the first 50 ms: no RTO)");
        List<TraceEvent.SegmentEvent> probes = t.segments().stream().filter(probe).toList();
        assertFails(ex, replace(runs, 0, t.map(e -> e instanceof TraceEvent.SegmentEvent s && probe.test(s)
                ? new TraceEvent.SegmentEvent(shutAt + 250_000_000L * (probes.indexOf(s) + 1), s.direction(), s.src(),
                s.dst(), s.segment(), s.state(), s.why(), s.lost()) : e)), 2, "when the probes came 250 ms apart, not"
                + " doubling");
        assertFails(ex, replace(runs, 0, t.without(e -> e instanceof TraceEvent.SegmentEvent s && s.direction() == Direction.IN
                && s.timeNanos() > shutAt && s.timeNanos() < openedAt)), 3, "when nobody answered the probes");
        assertFails(ex, replace(runs, 0, t.map(segments(s -> s.direction() == Direction.IN && s.timeNanos() >= openedAt,
                s -> withWindow(s, 0)))), 4, "when the window never opened");

        // Run 2: our window shut, the kernel probing.
        Timeline k = runs.get(1);
        long oursShut = k.out(s -> s.window() == 0 && !s.flags().syn()).get(0).timeNanos();
        long update = k.out(s -> s.window() > 0).stream().filter(s -> s.timeNanos() > oursShut).findFirst()
                .orElseThrow().timeNanos();
        Predicate<TraceEvent.SegmentEvent> kernelProbe = s -> s.direction() == Direction.IN && s.timeNanos() > oursShut
                && s.timeNanos() < update && s.segment().payloadLength() == 0 && !s.segment().flags().fin();
        assertFails(ex, replace(runs, 1, k.map(segments(kernelProbe, s -> withNumbers(s, 1, 0)))), 5,
                "when the probes carried RCV.NXT itself");
        long firstProbe = k.segments().stream().filter(kernelProbe).findFirst().orElseThrow().timeNanos();
        assertFails(ex, replace(runs, 1, k.map(segments(s -> s.direction() == Direction.OUT && s.timeNanos() > firstProbe
                && s.timeNanos() < update, s -> withWindow(s, 100)))), 6, "when we answered a probe with an open window");

        // Run 3: a slow reader, and a sender that keeps within its window.
        Timeline slow = runs.get(2);
        long firstShut = slow.in(s -> s.window() == 0 && !s.flags().syn()).get(0).timeNanos();
        assertFails(ex, replace(runs, 2, slow.map(segments(s -> s.direction() == Direction.IN && !s.segment().flags().syn(),
                s -> withWindow(s, 100)))), 7, "when the window never shut");
        assertFails(ex, replace(runs, 2, slow.map(segments(s -> s.direction() == Direction.IN && s.timeNanos() > firstShut,
                s -> withWindow(s, 0)))), 7, "when it shut once and never opened");
        TraceEvent.SegmentEvent afterShut = slow.out(s -> s.payloadLength() > 0).stream()
                .filter(s -> s.timeNanos() > firstShut).findFirst().orElseThrow();
        assertFails(ex, replace(runs, 2, slow.map(segments(s -> s == afterShut,
                s -> s.withPayload(new byte[s.payloadLength() + 3000])))), 8, "when a segment ran 3000 bytes past the edge");
        long firstEcho = slow.in(s -> s.payloadLength() > 0).get(0).timeNanos();
        assertFails(ex, replace(runs, 2, slow.without(e -> e instanceof TraceEvent.SegmentEvent s
                && s.direction() == Direction.IN && s.segment().payloadLength() > 0 && s.timeNanos() > firstEcho)), 9,
                "when the echo stopped after its first segment");

        // Run 4: ours reading slowly.
        Timeline ours = runs.get(3);
        long ourFirstZero = ours.out(s -> s.window() == 0 && !s.flags().syn()).get(0).timeNanos();
        assertFails(ex, replace(runs, 3, ours.map(segments(s -> s.direction() == Direction.OUT
                && s.timeNanos() > ourFirstZero && s.segment().window() > 0, s -> withWindow(s, 1)))), 10,
                "when our window reopened by a sliver");
        List<TraceEvent.SegmentEvent> ourSegments = ours.out(s -> !s.flags().syn());
        java.util.Set<TraceEvent.SegmentEvent> updates = new java.util.HashSet<>();
        for (int i = 1; i < ourSegments.size(); i++) {
            Segment before = ourSegments.get(i - 1).segment(), now = ourSegments.get(i).segment();
            if (before.window() == 0 && now.window() > 0 && now.ack().equals(before.ack())) {
                updates.add(ourSegments.get(i));
            }
        }
        assertFails(ex, replace(runs, 3, ours.without(updates::contains)), 11,
                "when our window reopened only in ACKs of new data");
        TraceEvent.SegmentEvent intoOurWindow = ours.in(s -> s.payloadLength() > 0).stream()
                .filter(s -> s.timeNanos() > ourFirstZero).findFirst().orElseThrow();
        assertFails(ex, replace(runs, 3, ours.map(segments(s -> s == intoOurWindow,
                s -> s.withPayload(new byte[s.payloadLength() + 3000])))), 12, "when the kernel ran 3000 bytes past it");
    }

    @Test
    void loss() {
        Exercise ex = Exercises.named("loss").orElseThrow();
        List<Timeline> runs = runLive("loss").timelines();

        // Run 1: our segment lost twice, the timer's waits.
        Timeline t = runs.get(0);
        List<TraceEvent.SegmentEvent> data = t.segments().stream().filter(s -> s.direction() == Direction.OUT
                && s.segment().payloadLength() > 0).toList();
        TraceEvent.SegmentEvent first = data.get(0);
        assertFails(ex, replace(runs, 0, t.map(segments(s -> s.direction() == Direction.OUT && s != first
                && s.segment().payloadLength() > 0, s -> withNumbers(s, 100, 0)))), 0,
                "when the retransmissions carried other bytes");
        assertFails(ex, replace(runs, 0, t.map(movedTo(data.get(1), first.timeNanos() + 50_000_000L)
                .andThen(movedTo(data.get(2), first.timeNanos() + 150_000_000L))::apply)), 1,
                "when the first retransmission came 50 ms after the segment (no RTO)");
        assertFails(ex, replace(runs, 0, t.map(movedTo(data.get(2), data.get(1).timeNanos()
                + (data.get(1).timeNanos() - first.timeNanos())))), 1, "when the second wait did not double");
        assertFails(ex, replace(runs, 0, t.without(e -> e instanceof TraceEvent.SegmentEvent s
                && s.direction() == Direction.IN && s.segment().payloadLength() > 0)), 2, "without the echo");

        // Run 2: one segment of a burst lost, the duplicate ACKs, the fast retransmit.
        Timeline burst = runs.get(1);
        TraceEvent.SegmentEvent lost = burst.segments().stream().filter(s -> s.direction() == Direction.OUT && s.lost())
                .findFirst().orElseThrow();
        TraceEvent.SegmentEvent again = burst.out(s -> s.seq().equals(lost.segment().seq()) && s.payloadLength() > 0)
                .stream().filter(s -> s.timeNanos() > lost.timeNanos()).findFirst().orElseThrow();
        assertFails(ex, replace(runs, 1, burst.map(segments(s -> s.direction() == Direction.IN,
                s -> s.withOptions(List.of())))), 3, "when the kernel's ACKs carried no SACK blocks");
        assertFails(ex, replace(runs, 1, burst.map(movedTo(again, lost.timeNanos() + 300_000_000L))), 4,
                "when the retransmission came 300 ms after the loss, as a timer's would");
        assertFails(ex, replace(runs, 1, burst.map(segments(s -> s.direction() == Direction.IN
                && s.timeNanos() > again.timeNanos() && !s.segment().ack().equals(lost.segment().seq()),
                s -> withNumbers(s, 0, lost.segment().seq().plus(lost.segment().payloadLength()).minus(s.ack()))))), 5,
                "when the kernel's ACK covered only the retransmitted segment");

        // Run 3: the kernel's echo lost, and its copy.
        Timeline echo = runs.get(2);
        TraceEvent.SegmentEvent theirs = echo.segments().stream().filter(s -> s.direction() == Direction.IN && s.lost())
                .findFirst().orElseThrow();
        assertFails(ex, replace(runs, 2, echo.without(e -> e instanceof TraceEvent.SegmentEvent s
                && s.direction() == Direction.IN && !s.lost() && s.segment().payloadLength() > 0)), 6,
                "without the kernel's copy");
        TraceEvent.SegmentEvent ourAck = echo.out(s -> s.ack().equals(theirs.segment().seq()
                .plus(theirs.segment().payloadLength())) && !s.flags().syn()).get(0);
        assertFails(ex, replace(runs, 2, echo.map(movedTo(ourAck, theirs.timeNanos() + 1_000_000L))), 7,
                "when tcplab acknowledged the lost echo");
    }

    /** One segment's event at another time: a doctored timeline. */
    static UnaryOperator<TraceEvent> movedTo(TraceEvent.SegmentEvent which, long timeNanos) {
        return e -> e == which ? new TraceEvent.SegmentEvent(timeNanos, which.direction(), which.src(), which.dst(),
                which.segment(), which.state(), which.why(), which.lost()) : e;
    }

    static Segment withWindow(Segment s, int window) {
        return new Segment(s.srcPort(), s.dstPort(), s.seq(), s.ack(), s.flags(), window, s.urgentPointer(), s.options(),
                s.payload());
    }
}
