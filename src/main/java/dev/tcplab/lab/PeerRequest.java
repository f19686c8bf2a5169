package dev.tcplab.lab;

import dev.tcplab.netns.KernelClient;
import dev.tcplab.netns.KernelPeer;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a lab run asks of the kernel peer on another machine ({@link PeerAgent}), sent as one JSON
 * object: be a server on {@code port} with a behaviour (its {@code replies}, if any, a recorded
 * server's, instead of an echo), or a client that connects to
 * {@code connectTo} and sends {@code payload}, or plays a recorded client ({@code playing});
 * with {@code sysctls} set for the run's length.
 */
public record PeerRequest(String role, int port, String connectTo, String payload, long closeDelayMillis,
                          boolean closeFirst, KernelPeer.Keepalive keepalive, long sendBytes, boolean discard,
                          boolean resetOnClose, Map<String, String> sysctls, long readDelayMillis,
                          long readRate, List<Reply> replies, Playing playing) {
    public static final String SERVER = "server", CLIENT = "client";

    /** A server with the lab's peer options (loss stays a lab-network feature: it is not sent). */
    static PeerRequest server(int port, PeerOptions p) {
        return new PeerRequest(SERVER, port, null, null, p.closeDelay().toMillis(), p.closeFirst(), p.keepalive(),
                p.sendBytes(), p.discard(), p.resetOnClose(), p.sysctls(), p.readDelay().toMillis(),
                p.readRate(), p.answers().stream().map(Reply::of).toList(), null);
    }

    /** A client of a tcplab that listens at {@code connectTo}. */
    static PeerRequest client(String connectTo, byte[] payload, PeerOptions p) {
        return new PeerRequest(CLIENT, 0, connectTo, new String(payload, java.nio.charset.StandardCharsets.UTF_8),
                0, false, null, 0, false, false, p.sysctls(), 0, 0, List.of(), null);
    }

    /** A client of a tcplab that listens at {@code connectTo}, playing a recorded client (`replay --as server`). */
    public static PeerRequest player(String connectTo, Playing playing, PeerOptions p) {
        return new PeerRequest(CLIENT, 0, connectTo, null, 0, false, null, 0, false, false, p.sysctls(), 0, 0, List.of(),
                playing);
    }

    /**
     * A recorded client for the agent's kernel to play ({@link KernelClient.Play}, in a form JSON carries: times
     * in nanoseconds, each write's bytes in base64), and how long the agent lets it run.
     */
    public record Playing(List<Write> writes, boolean closeFirst, long finAfterServerBytes, long idleBeforeFinNanos,
                          long closeDelayNanos, long turnWaitNanos, KernelPeer.Keepalive keepalive,
                          boolean resetOnClose, long limitNanos) {
        /** One write, once the server has sent {@code afterServerBytes}, {@code pauseNanos} after that. */
        public record Write(long afterServerBytes, byte[] data, long pauseNanos) {
        }

        public Playing {
            writes = writes == null ? List.of() : List.copyOf(writes);
            long max = PeerAgent.MAX_RUN.toNanos();
            for (Write w : writes) {
                if (w.data() == null || w.afterServerBytes() < 0 || w.pauseNanos() < 0 || w.pauseNanos() > max) {
                    throw new IllegalArgumentException("a write without data, or with a count or pause out of range");
                }
            }
            if (finAfterServerBytes < 0 || outOfRange(idleBeforeFinNanos, max) || outOfRange(closeDelayNanos, max)
                    || outOfRange(turnWaitNanos, max) || limitNanos <= 0 || limitNanos > max) {
                throw new IllegalArgumentException("a recorded client's byte count, waits or time limit out of range");
            }
        }

        private static boolean outOfRange(long nanos, long max) {
            return nanos < 0 || nanos > max;
        }

        /** The play for the agent; no wait longer than the agent lets a run last (it would be refused). */
        public static Playing of(KernelClient.Play p, Duration limit) {
            List<Write> writes = p.turns().stream()
                    .map(t -> new Write(t.afterServerBytes(), t.data(), capped(t.pause()))).toList();
            return new Playing(writes, p.closeFirst(), p.finAfterServerBytes(), capped(p.idleBeforeFin()),
                    capped(p.closeDelay()), capped(p.turnWait()), p.keepalive(), p.resetOnClose(), capped(limit));
        }

        private static long capped(Duration d) {
            return Math.min(d.toNanos(), PeerAgent.MAX_RUN.toNanos());
        }

        public KernelClient.Play play() {
            List<KernelClient.Turn> turns = writes.stream()
                    .map(w -> new KernelClient.Turn(w.afterServerBytes(), w.data(), Duration.ofNanos(w.pauseNanos())))
                    .toList();
            return new KernelClient.Play(turns, closeFirst, finAfterServerBytes, Duration.ofNanos(idleBeforeFinNanos),
                    Duration.ofNanos(closeDelayNanos), Duration.ofNanos(turnWaitNanos), keepalive, resetOnClose);
        }

        public Duration limit() {
            return Duration.ofNanos(limitNanos);
        }
    }

    /**
     * A recorded server's reply ({@link KernelPeer.Answer}), in a form JSON carries: written once the server has read
     * {@code afterClientBytes}, {@code pauseNanos} after that.
     */
    public record Reply(long afterClientBytes, byte[] data, long pauseNanos) {
        public Reply {
            if (data == null || afterClientBytes < 0 || pauseNanos < 0 || pauseNanos > PeerAgent.MAX_RUN.toNanos()) {
                throw new IllegalArgumentException("a reply without data, or with a count or pause out of range");
            }
        }

        static Reply of(KernelPeer.Answer a) {
            return new Reply(a.afterClientBytes(), a.data(), Math.min(a.pause().toNanos(), PeerAgent.MAX_RUN.toNanos()));
        }

        KernelPeer.Answer answer() {
            return new KernelPeer.Answer(afterClientBytes, data, Duration.ofNanos(pauseNanos));
        }
    }

    KernelPeer.Behaviour behaviour() {
        return new KernelPeer.Behaviour(Duration.ofMillis(closeDelayMillis), closeFirst, keepalive, sendBytes, discard,
                resetOnClose, Duration.ofMillis(readDelayMillis), readRate, replies.stream().map(Reply::answer).toList());
    }

    public PeerRequest {
        sysctls = sysctls == null ? Map.of() : Map.copyOf(sysctls);
        replies = replies == null ? List.of() : List.copyOf(replies);
        if (!SERVER.equals(role) && !CLIENT.equals(role)) {
            throw new IllegalArgumentException("role must be server or client, not " + role);
        }
        if (port < 0 || port > 0xffff || closeDelayMillis < 0
                || closeDelayMillis > PeerOptions.MAX_DELAY.toMillis() || sendBytes < 0 || readDelayMillis < 0
                || readDelayMillis > PeerOptions.MAX_DELAY.toMillis() || readRate < 0
                || readRate > PeerOptions.MAX_READ_RATE) {
            throw new IllegalArgumentException("port, close or read delay, read rate or byte count out of range");
        }
        for (String k : sysctls.keySet()) {
            if (!k.matches("net\\.ipv4\\.tcp_[a-z0-9_]+")) {
                throw new IllegalArgumentException("only net.ipv4.tcp_* settings can be asked for, not " + k);
            }
        }
    }
}
