package dev.tcplab.link;

import dev.tcplab.host.WallClock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A link in memory for tests: frames sent are kept (and optionally answered by a function playing
 * the other host); frames to receive are queued by the test.
 */
public final class MemoryFrameLink implements FrameLink {
    private final ArrayDeque<Frame> inbox = new ArrayDeque<>();
    private final List<byte[]> sent = new ArrayList<>();
    private Function<byte[], List<byte[]>> peer = f -> List.of();

    /** Plays the other host: each frame we send may produce frames that come back. */
    public void answerWith(Function<byte[], List<byte[]>> peerBehaviour) {
        this.peer = peerBehaviour;
    }

    public synchronized void deliver(byte[] frame) {
        inbox.add(new Frame(frame, WallClock.epochNanos()));
    }

    public synchronized List<byte[]> sentFrames() {
        return List.copyOf(sent);
    }

    @Override
    public synchronized Frame send(byte[] frame) {
        sent.add(frame.clone());
        for (byte[] reply : peer.apply(frame.clone())) {
            inbox.add(new Frame(reply, WallClock.epochNanos()));
        }
        return new Frame(frame, WallClock.epochNanos());
    }

    @Override
    public synchronized Frame poll() {
        return inbox.poll();
    }

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public void close() {
    }
}
