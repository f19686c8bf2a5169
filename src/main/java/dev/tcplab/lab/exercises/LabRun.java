package dev.tcplab.lab.exercises;

import dev.tcplab.lab.PeerOptions;
import dev.tcplab.link.FaultRule;
import dev.tcplab.text.Text;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * One live run of an exercise: who opens, what is sent, which faults are injected, how the kernel
 * peer behaves and whether our application reads late. Exercises build these with the withers; the runner turns them into a
 * `connect` or a `listen`.
 */
public record LabRun(Text label, boolean weListen, byte[] payload, Duration hold, List<FaultRule> faults,
                     PeerOptions peer, Duration msl, Duration closeDelay, Duration timeout,
                     boolean oldDuplicateSynFirst, Duration readDelay, long readRate) {

    public static LabRun connect(Text label) {
        return new LabRun(label, false, "hello, kernel\n".getBytes(StandardCharsets.UTF_8), Duration.ZERO, List.of(),
                PeerOptions.DEFAULT, Duration.ofMillis(100), Duration.ZERO, Duration.ofSeconds(30), false,
                Duration.ZERO, 0);
    }

    public static LabRun listen(Text label) {
        return connect(label).asListener();
    }

    LabRun asListener() {
        return new LabRun(label, true, payload, hold, faults, peer, msl, closeDelay, timeout, oldDuplicateSynFirst,
                readDelay, readRate);
    }

    public LabRun sending(byte[] data) {
        return new LabRun(label, weListen, data, hold, faults, peer, msl, closeDelay, timeout,
                oldDuplicateSynFirst, readDelay, readRate);
    }

    public LabRun holding(Duration d) {
        return new LabRun(label, weListen, payload, d, faults, peer, msl, closeDelay, timeout,
                oldDuplicateSynFirst, readDelay, readRate);
    }

    public LabRun withFaults(String... rules) {
        List<FaultRule> list = new java.util.ArrayList<>();
        for (String r : rules) {
            String[] actionAndRule = r.split(" ", 2);
            FaultRule.Action a = FaultRule.Action.valueOf(actionAndRule[0].toUpperCase());
            list.add(FaultRule.parse(a, actionAndRule[1]));
        }
        return new LabRun(label, weListen, payload, hold, List.copyOf(list), peer, msl, closeDelay, timeout,
                oldDuplicateSynFirst, readDelay, readRate);
    }

    public LabRun withPeer(PeerOptions p) {
        return new LabRun(label, weListen, payload, hold, faults, p, msl, closeDelay, timeout,
                oldDuplicateSynFirst, readDelay, readRate);
    }

    public LabRun withMsl(Duration d) {
        return new LabRun(label, weListen, payload, hold, faults, peer, d, closeDelay, timeout,
                oldDuplicateSynFirst, readDelay, readRate);
    }

    /** Before opening, send a SYN with a stale ISN, as an old duplicate from an earlier incarnation would be. */
    public LabRun afterOldDuplicateSyn() {
        return new LabRun(label, weListen, payload, hold, faults, peer, msl, closeDelay, timeout, true, readDelay,
                readRate);
    }

    /** Our application reads nothing for {@code d} after the handshake: the window we offer shrinks. */
    public LabRun readingLate(Duration d) {
        return new LabRun(label, weListen, payload, hold, faults, peer, msl, closeDelay, timeout,
                oldDuplicateSynFirst, d, readRate);
    }

    /** Our application reads this many bytes a second (after any read delay): the window we offer stays small. */
    public LabRun readingSlowly(long bytesPerSecond) {
        return new LabRun(label, weListen, payload, hold, faults, peer, msl, closeDelay, timeout,
                oldDuplicateSynFirst, readDelay, bytesPerSecond);
    }

    public LabRun withTimeout(Duration d) {
        return new LabRun(label, weListen, payload, hold, faults, peer, msl, closeDelay, d, oldDuplicateSynFirst,
                readDelay, readRate);
    }
}
