package dev.tcplab.link;

import dev.tcplab.host.WallClock;
import dev.tcplab.text.Text;
import dev.tcplab.wire.EthernetFrame;
import dev.tcplab.wire.MalformedPacketException;
import dev.tcplab.wire.TcpPacket;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
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

    private record Held(long dueNanos, Frame frame, boolean outbound) {
    }

    private final FrameLink inner;
    private final List<FaultRule> rules;
    private final int[] seen;
    private final SegmentClassifier classifier = new SegmentClassifier();
    private final Consumer<Injected> log;
    private final RandomGenerator chance;
    private final List<Held> held = new ArrayList<>();
    private final ArrayDeque<Frame> duplicates = new ArrayDeque<>();

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
        FaultRule r = match(frame, true);
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
                held.add(new Held(System.nanoTime() + r.delay().toNanos(), new Frame(frame, now), true));
                long ms = r.delay().toMillis();
                yield new Frame(frame, now, frame.length, new Frame.Fault(
                        Text.of("held back " + ms + " ms: " + r, "扣留 " + ms + " 毫秒：" + r), false));
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
        FaultRule r = match(f.data(), false);
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
                                "晚到 " + r.delay().toMillis() + " 毫秒：" + r), false)), false));
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

    private FaultRule match(byte[] frame, boolean outbound) {
        TcpPacket p;
        try {
            p = EthernetFrame.decodeTcp(frame, frame.length);
        } catch (MalformedPacketException e) {
            return null;
        }
        if (p == null) {
            return null; // ARP and the rest pass untouched
        }
        Set<SegmentKind> kinds = classifier.classify(p.segment(), outbound);
        FaultRule hit = null;
        for (int i = 0; i < rules.size(); i++) {
            FaultRule r = rules.get(i);
            if (r.outbound() != outbound || !kinds.contains(r.kind())) {
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
