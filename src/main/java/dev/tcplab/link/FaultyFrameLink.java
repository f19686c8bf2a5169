package dev.tcplab.link;

import dev.tcplab.host.WallClock;
import dev.tcplab.text.Text;
import dev.tcplab.wire.EthernetFrame;
import dev.tcplab.wire.MalformedPacketException;
import dev.tcplab.wire.TcpPacket;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * Fault injection as a decorator of the link: the endpoint never knows. Outbound frames a rule
 * drops never reach the wire; inbound ones were on the wire (and in the capture) but are handed up
 * marked as dropped, so the ladder can show the loss while the endpoint ignores them. Delayed frames
 * are released by later calls of {@link #poll()}, which the live loop makes continuously.
 */
public final class FaultyFrameLink implements FrameLink {

    /** What was injected, for the run's record beside the capture. */
    public record Injected(long epochNanos, FaultRule rule, boolean outbound, TcpPacket packet) {
    }

    /** @param releasedBy for an outbound frame, the kind of arriving segment that sends it sooner; or null */
    private record Held(long dueNanos, Frame frame, boolean outbound, SegmentKind releasedBy) {
    }

    /** A TCP segment and the kinds it is, or null for frames that are not TCP. */
    private record Classified(TcpPacket packet, Set<SegmentKind> kinds) {
    }

    private final FrameLink inner;
    private final List<FaultRule> rules;
    private final int[] seen;
    private final SegmentClassifier classifier = new SegmentClassifier();
    private final Consumer<Injected> log;
    private final RandomGenerator chance;
    private final List<Held> held = new ArrayList<>();
    private final ArrayDeque<Frame> duplicates = new ArrayDeque<>();
    /** The kinds of segment the peer has sent so far: a hold until one of them arrives has nothing to wait for. */
    private final Set<SegmentKind> arrived = EnumSet.noneOf(SegmentKind.class);

    public FaultyFrameLink(FrameLink inner, List<FaultRule> rules, Consumer<Injected> log) {
        this(inner, rules, log, new SplittableRandom());
    }

    /** @param chance decides the rules that hit by chance ({@link FaultRule#random()}); tests seed it */
    public FaultyFrameLink(FrameLink inner, List<FaultRule> rules, Consumer<Injected> log, RandomGenerator chance) {
        this.inner = inner;
        this.rules = List.copyOf(rules);
        this.seen = new int[rules.size()];
        this.log = log;
        this.chance = chance;
    }

    @Override
    public Frame send(byte[] frame) {
        FaultRule r = match(classify(frame, true), true);
        if (r == null) {
            return inner.send(frame);
        }
        long now = WallClock.epochNanos();
        return switch (r.action()) {
            case DROP -> new Frame(frame, now, frame.length, new Frame.Fault(lost(r), true));
            case DUP -> {
                Frame f = inner.send(frame);
                inner.send(frame);
                yield f.withFault(new Frame.Fault(Text.of("sent twice: " + r, "发送了两次：" + r), false));
            }
            case DELAY -> {
                held.add(new Held(System.nanoTime() + r.delay().toNanos(), new Frame(frame, now), true, r.until()));
                long ms = r.delay().toMillis();
                String awaited = r.until() == null ? null : r.until().word.toUpperCase(Locale.ROOT);
                Text why = awaited == null ? Text.of("held back " + ms + " ms: " + r, "扣留 " + ms + " 毫秒：" + r)
                        : Text.of("held back until the peer's " + awaited + " arrives (at most " + ms + " ms): " + r,
                        "扣留到对端的 " + awaited + " 到达为止（最多 " + ms + " 毫秒）：" + r);
                yield new Frame(frame, now, frame.length, new Frame.Fault(why, false));
            }
        };
    }

    @Override
    public Frame poll() {
        Frame due = releaseDue();
        if (due != null) {
            return due;
        }
        if (!duplicates.isEmpty()) {
            return duplicates.poll();
        }
        Frame f = inner.poll();
        if (f == null) {
            return null;
        }
        Classified c = classify(f.data(), false);
        if (c != null) {
            releaseAwaiting(c.kinds());
            arrived.addAll(c.kinds());
        }
        FaultRule r = match(c, false);
        if (r == null) {
            return f;
        }
        return switch (r.action()) {
            case DROP -> f.withFault(new Frame.Fault(lost(r), true));
            case DUP -> {
                duplicates.add(f.withFault(new Frame.Fault(Text.of("duplicate: " + r, "重复：" + r), false)));
                yield f;
            }
            case DELAY -> {
                held.add(new Held(System.nanoTime() + r.delay().toNanos(),
                        f.withFault(new Frame.Fault(Text.of("arrived " + r.delay().toMillis() + " ms late: " + r,
                                "晚到 " + r.delay().toMillis() + " 毫秒：" + r), false)), false, null));
                yield null;
            }
        };
    }

    private static Text lost(FaultRule r) {
        return Text.of("lost: " + r, "丢失：" + r);
    }

    /** Sends held outbound frames that are due; returns the first due inbound one, if any. */
    private Frame releaseDue() {
        if (held.isEmpty()) {
            return null;
        }
        long now = System.nanoTime();
        Iterator<Held> it = held.iterator();
        while (it.hasNext()) {
            Held h = it.next();
            if (now - h.dueNanos() < 0) {
                continue;
            }
            it.remove();
            if (h.outbound()) {
                inner.send(h.frame().data());
            } else {
                return h.frame();
            }
        }
        return null;
    }

    /**
     * Sends the held frames of ours that wait for a segment of one of {@code kinds}, before it is handed up: they
     * were on the way when it arrived, and so the peer gets them without its answer to that segment.
     */
    private void releaseAwaiting(Set<SegmentKind> kinds) {
        Iterator<Held> it = held.iterator();
        while (it.hasNext()) {
            Held h = it.next();
            if (h.outbound() && h.releasedBy() != null && kinds.contains(h.releasedBy())) {
                it.remove();
                inner.send(h.frame().data());
            }
        }
    }

    /** Decodes and classifies a frame; every TCP frame each way goes through here once, in order. */
    private Classified classify(byte[] frame, boolean outbound) {
        TcpPacket p;
        try {
            p = EthernetFrame.decodeTcp(frame, frame.length);
        } catch (MalformedPacketException e) {
            return null;
        }
        if (p == null) {
            return null; // ARP and the rest pass untouched
        }
        return new Classified(p, classifier.classify(p.segment(), outbound));
    }

    private FaultRule match(Classified c, boolean outbound) {
        if (c == null) {
            return null;
        }
        TcpPacket p = c.packet();
        Set<SegmentKind> kinds = c.kinds();
        FaultRule hit = null;
        for (int i = 0; i < rules.size(); i++) {
            FaultRule r = rules.get(i);
            boolean nothingToAwait = r.until() != null && arrived.contains(r.until());
            if (r.outbound() != outbound || !kinds.contains(r.kind()) || nothingToAwait) {
                continue;
            }
            seen[i]++;
            if (hit == null && hits(r, seen[i])) {
                hit = r;
            }
        }
        if (hit != null) {
            log.accept(new Injected(WallClock.epochNanos(), hit, outbound, p));
        }
        return hit;
    }

    private boolean hits(FaultRule r, int nth) {
        if (r.random()) {
            return chance.nextDouble() * 100 < r.percent();
        }
        return r.occurrence() == 0 || r.occurrence() == nth;
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public void close() {
        inner.close();
    }

}
