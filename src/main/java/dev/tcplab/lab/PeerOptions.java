package dev.tcplab.lab;

import dev.tcplab.netns.KernelPeer;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How the kernel peer of the lab network behaves.
 *
 * @param closeDelay how long its application waits after reading our FIN before closing: 0 gives the
 *                   merged FIN+ACK (three-segment close), a delay the textbook four segments with
 *                   CLOSE_WAIT visible in between
 * @param sysctls    settings applied inside the peer namespace only (e.g. net.ipv4.tcp_synack_retries)
 * @param closeFirst the peer's application closes right after its first echo (with {@code discard}: its
 *                   first read), without waiting for our FIN: with our close right after the echo, the two
 *                   FINs cross (simultaneous close)
 * @param keepalive  the kernel peer's keep-alive (whole seconds), or null for none
 * @param sendBytes  if above 0, the peer sends this many bytes instead of echoing, then closes
 * @param lossPercent random loss each way on the lab link: ours dropped by the peer namespace's INPUT
 *                    (iptables statistic), the kernel's dropped by tcplab as they arrive
 * @param discard     the peer keeps what arrives and sends nothing back
 * @param resetOnClose the peer's application closes with SO_LINGER 0: RST instead of FIN
 * @param readDelay   the peer's application reads nothing for this long, with a small receive buffer:
 *                    what we send fills its window and it advertises zero (0: reads at once)
 * @param readRate    the peer's application reads at most this many bytes a second (after {@code readDelay}),
 *                    with the same small buffer: a faster sender meets zero windows again and again (0: no limit)
 * @param answers     if any, the peer's application writes these instead of an echo, each once it has read the
 *                    client bytes it waits for (a recorded server's replies, for replay --live)
 */
public record PeerOptions(Duration closeDelay, Map<String, String> sysctls, boolean closeFirst,
                          KernelPeer.Keepalive keepalive, long sendBytes, double lossPercent, boolean discard,
                          boolean resetOnClose, Duration readDelay, long readRate, List<KernelPeer.Answer> answers) {
    /** Bounded: a lab's close or read delay is seconds, never a hang. (Declared first: DEFAULT's check reads it.) */
    public static final Duration MAX_DELAY = Duration.ofMinutes(10);
    /** A slow reader's bounds: slower than 100 bytes/s no lab waits for, faster than 10 MB/s is not slow. */
    public static final long MIN_READ_RATE = 100, MAX_READ_RATE = 10_000_000;
    public static final PeerOptions DEFAULT = new PeerOptions(Duration.ZERO, Map.of(), false, null, 0, 0, false,
            false, Duration.ZERO, 0, List.of());

    /** Start from {@link #DEFAULT} and change what a lab needs with the withers. */
    public PeerOptions withCloseDelay(Duration d) {
        return new PeerOptions(d, sysctls, closeFirst, keepalive, sendBytes, lossPercent, discard, resetOnClose,
                readDelay, readRate, answers);
    }

    public PeerOptions withSysctls(Map<String, String> s) {
        return new PeerOptions(closeDelay, s, closeFirst, keepalive, sendBytes, lossPercent, discard, resetOnClose,
                readDelay, readRate, answers);
    }

    public PeerOptions withCloseFirst(boolean on) {
        return new PeerOptions(closeDelay, sysctls, on, keepalive, sendBytes, lossPercent, discard, resetOnClose,
                readDelay, readRate, answers);
    }

    public PeerOptions withKeepalive(KernelPeer.Keepalive k) {
        return new PeerOptions(closeDelay, sysctls, closeFirst, k, sendBytes, lossPercent, discard, resetOnClose,
                readDelay, readRate, answers);
    }

    public PeerOptions withLoss(double percent) {
        return new PeerOptions(closeDelay, sysctls, closeFirst, keepalive, sendBytes, percent, discard, resetOnClose,
                readDelay, readRate, answers);
    }

    public PeerOptions withSendBytes(long n) {
        return new PeerOptions(closeDelay, sysctls, closeFirst, keepalive, n, lossPercent, discard, resetOnClose,
                readDelay, readRate, answers);
    }

    public PeerOptions withDiscard(boolean on) {
        return new PeerOptions(closeDelay, sysctls, closeFirst, keepalive, sendBytes, lossPercent, on, resetOnClose,
                readDelay, readRate, answers);
    }

    public PeerOptions withResetOnClose(boolean on) {
        return new PeerOptions(closeDelay, sysctls, closeFirst, keepalive, sendBytes, lossPercent, discard, on,
                readDelay, readRate, answers);
    }

    public PeerOptions withReadRate(long bytesPerSecond) {
        return new PeerOptions(closeDelay, sysctls, closeFirst, keepalive, sendBytes, lossPercent, discard,
                resetOnClose, readDelay, bytesPerSecond, answers);
    }

    public PeerOptions withReadDelay(Duration d) {
        return new PeerOptions(closeDelay, sysctls, closeFirst, keepalive, sendBytes, lossPercent, discard,
                resetOnClose, d, readRate, answers);
    }

    /** A slow reader's rate, the kernel's or ours: 0 (no limit) or within the bounds above. */
    static void checkReadRate(String option, long bytesPerSecond) {
        if (bytesPerSecond != 0 && (bytesPerSecond < MIN_READ_RATE || bytesPerSecond > MAX_READ_RATE)) {
            throw new IllegalArgumentException(option + " must be between " + MIN_READ_RATE + " bytes/s and "
                    + MAX_READ_RATE / 1_000_000 + "MB/s, got " + bytesPerSecond + " bytes/s");
        }
    }

    /** The recorded server's replies, written instead of an echo (replay --live --peer-answers). */
    public PeerOptions withAnswers(List<KernelPeer.Answer> replies) {
        return new PeerOptions(closeDelay, sysctls, closeFirst, keepalive, sendBytes, lossPercent, discard,
                resetOnClose, readDelay, readRate, replies);
    }

    KernelPeer.Behaviour behaviour() {
        return new KernelPeer.Behaviour(closeDelay, closeFirst, keepalive, sendBytes, discard, resetOnClose, readDelay,
                readRate, answers);
    }

    public PeerOptions {
        sysctls = Map.copyOf(sysctls);
        answers = List.copyOf(answers);
        if (!answers.isEmpty() && (sendBytes > 0 || discard)) {
            throw new IllegalArgumentException("--peer-answers replies as the recorded server did; --peer-send and "
                    + "--peer-discard choose other replies: give one");
        }
        if (closeDelay.isNegative() || closeDelay.compareTo(MAX_DELAY) > 0) {
            throw new IllegalArgumentException("--peer-close-delay must be between 0 and 10m");
        }
        if (!(lossPercent >= 0 && lossPercent <= 50)) {
            throw new IllegalArgumentException("--peer-loss must be 0..50 (percent), got "
                    + java.math.BigDecimal.valueOf(lossPercent).stripTrailingZeros().toPlainString());
        }
        if (readDelay.isNegative() || readDelay.compareTo(MAX_DELAY) > 0) {
            throw new IllegalArgumentException("--peer-read-delay must be between 0 and 10m");
        }
        if (!readDelay.isZero() && sendBytes > 0) {
            throw new IllegalArgumentException("--peer-read-delay is for a peer that reads what we send; with "
                    + "--peer-send it sends instead");
        }
        checkReadRate("--peer-read-rate", readRate);
        if (readRate > 0 && sendBytes > 0) {
            throw new IllegalArgumentException("--peer-read-rate is for a peer that reads what we send; with "
                    + "--peer-send it sends instead");
        }
        if (sendBytes < 0) {
            throw new IllegalArgumentException("--peer-send must be 0 or more bytes, got " + sendBytes);
        }
        for (String k : sysctls.keySet()) {
            if (!k.matches("net\\.[a-z0-9_.]+")) {
                throw new IllegalArgumentException("--peer-sysctl takes net.* settings only, got " + k);
            }
        }
    }
}
