package dev.tcplab.cli;

import dev.tcplab.endpoint.TcpState;
import dev.tcplab.lab.ConnectOptions;
import dev.tcplab.lab.ConnectOutcome;
import dev.tcplab.lab.ConnectRun;
import dev.tcplab.lab.Payloads;
import dev.tcplab.lab.PeerOptions;
import dev.tcplab.lab.TransferTally;
import dev.tcplab.link.FaultRule;
import dev.tcplab.link.SegmentKind;
import dev.tcplab.netns.KernelPeer;
import dev.tcplab.text.Text;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

@Command(name = "connect", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Active open, data and active close by tcplab's own TCP against a kernel peer.",
                "Without --iface, builds a throwaway lab network (two tcplab-* namespaces and a veth pair) with a "
                + "kernel echo server, and removes it afterwards, also on Ctrl-C."},
        footerHeading = "%nWhat you see:%n",
        footer = {"  one line per segment: time, direction (──▶ ours, ◀── the kernel's), flags, seq and ack",
                "  relative to each side's ISN (the SYN is 0), payload length, window, our state after it.",
                "  Lines starting with · are state changes and remarks; 'kernel peer's socket' is what ss says.",
                "%nExit codes: 0 handshake, echo and close all happened (or the RST or keep-alive give-up that",
                "  --peer-rst-close, --keepalive or --peer-keepalive with --drop asked for); 1 they did not (refused,",
                "  reset, timed out, no ARP answer); 2 usage; 3 environment."})
final class ConnectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--sport", paramLabel = "PORT", description = "Our port (default: random in 61000-65000,"
            + " above the kernel's ephemeral range).")
    int sport;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "7",
            description = "The kernel echo server's port in the lab network (default: ${DEFAULT-VALUE}).")
    int peerPort;

    @Option(names = "--send", paramLabel = "TEXT", defaultValue = "hello from tcplab\n",
            description = "Payload to send (default: a short line); the echo server sends it back.")
    String send;

    @Option(names = "--hold", paramLabel = "DURATION", defaultValue = "0s", converter = DurationConverter.class,
            description = "Keep the connection open, idle, this long after the echo before closing.")
    Duration hold;

    @Option(names = "--peer-close-delay", paramLabel = "DURATION", defaultValue = "0s",
            converter = DurationConverter.class,
            description = "The kernel echo server waits this long after our FIN before closing: four segments, "
                    + "CLOSE_WAIT visible (default: closes at once, ACK and FIN merged).")
    Duration peerCloseDelay;

    @Option(names = "--peer-closes-first", description = "The kernel echo server closes 20 ms after its echo "
            + "(with --peer-discard: after the first data arrives), without waiting for our FIN. We close as soon as "
            + "the echo arrives, so ours still goes first; with --delay out:fin:1:until-fin (our FIN held on the "
            + "link until theirs has come) the two cross, and theirs arrives while ours is unacknowledged: a "
            + "simultaneous close, FIN_WAIT_1 → CLOSING on our side. "
            + "With --hold 100ms the kernel closes first and we pass through CLOSE_WAIT and LAST_ACK.")
    boolean peerClosesFirst;

    @Option(names = "--peer-keepalive", paramLabel = "IDLE,INTERVAL,COUNT",
            description = "Turn on the kernel echo server's keep-alive (TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT, in "
                    + "seconds), e.g. 2,1,3. With --hold it probes the idle connection; with --drop in:keepalive:all "
                    + "nobody answers (a crashed client) and the kernel resets after COUNT probes.")
    String peerKeepalive;

    @Option(names = "--send-size", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "Send SIZE bytes of a fixed pseudo-random stream instead of --send (e.g. 10MB); the echo "
                    + "is checked by SHA-256.")
    Long sendSize;

    @Option(names = "--peer-send", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "The kernel peer sends SIZE bytes (e.g. 200MB) instead of echoing, then closes; what "
                    + "arrives is checked by SHA-256.")
    Long peerSend;

    @Option(names = "--peer-loss", paramLabel = "PERCENT", defaultValue = "0",
            description = "Random loss each way on the lab link, e.g. 5: the peer namespace's iptables drops"
                    + " our segments, tcplab drops the kernel's as they arrive (both after the capture saw them).")
    double peerLoss;

    @Option(names = "--peer-discard", description = "The kernel peer keeps what arrives and sends nothing back.")
    boolean peerDiscard;

    @Option(names = "--peer-rst-close", description = "The kernel peer's application closes with SO_LINGER 0: "
            + "it sends RST instead of FIN (an abortive close).")
    boolean peerRstClose;

    @Option(names = "--peer-read-delay", paramLabel = "DURATION", defaultValue = "0s", converter = DurationConverter.class,
            description = "The kernel peer's application reads nothing for DURATION, with a receive buffer of 8 KB: send "
                    + "more than fits (e.g. --send-size 24KB) and its window closes; tcplab then sends zero-window "
                    + "probes (persist timer) until the peer reads and its window opens.")
    Duration peerReadDelay;

    @Option(names = "--peer-read-rate", paramLabel = "RATE", converter = RateConverter.class,
            description = "The kernel peer's application reads at most RATE (e.g. 10KB/s), a little every 50 ms, from a "
                    + "receive buffer of 8 KB (after --peer-read-delay): with --send-size 64KB its window fills, shuts "
                    + "and opens again and again, as a slow reader's does (tcplab's persist timer starts each time it "
                    + "shuts, and probes if it stays shut past the RTO).")
    Long peerReadRate;

    @Option(names = "--read-delay", paramLabel = "DURATION", defaultValue = "0s", converter = DurationConverter.class,
            description = "Our application reads nothing for DURATION after the handshake: what the kernel sends fills "
                    + "our window (256 KB, or --window; e.g. with --peer-send 1MB), we offer a zero window, and the "
                    + "kernel probes it (Linux's zero-window probes, seq = our RCV.NXT − 1, which Wireshark calls "
                    + "keep-alives) until we read and send a window update.")
    Duration readDelay;

    @Option(names = "--read-rate", paramLabel = "RATE", converter = RateConverter.class,
            description = "Our application reads at most RATE (e.g. 100KB/s), a little every 50 ms (after --read-delay): "
                    + "with --peer-send 1MB our window fills, and it opens only by a segment or more at a time (RFC "
                    + "1122's silly-window avoidance), each time with a window update; watch how the kernel sends into it.")
    Long readRate;

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "1",
            description = "Make N connections in a row, each from the next port (new ISNs every time).")
    int repeat;

    @Mixin
    LiveOptions live;

    @Mixin
    LanguageOption language;

    @Override
    public Integer call() {
        live.checkInterfaceOptions("");
        if (live.iface != null && peerLoss > 0) {
            throw new IllegalArgumentException("--peer-loss is for the lab network, whose peer namespace drops our"
                    + " segments; on --iface, " + FaultRule.randomDrop(true, SegmentKind.ANY, peerLoss) + " and "
                    + FaultRule.randomDrop(false, SegmentKind.ANY, peerLoss) + " lose segments each way on this side");
        }
        refuseOptionsThatWouldBeIgnored(spec.commandLine().getParseResult());
        if (peerPort < 1 || peerPort > 65535) {
            throw new IllegalArgumentException("--port must be 1..65535, got " + peerPort);
        }
        byte[] payload = sendSize != null ? Payloads.stream(sendSize) : send.getBytes(StandardCharsets.UTF_8);
        Duration timeout = live.connectionTimeout(new LiveOptions.Wait("--hold " + DurationConverter.text(hold), hold),
                new LiveOptions.Wait("--peer-close-delay " + DurationConverter.text(peerCloseDelay), peerCloseDelay),
                new LiveOptions.Wait("--peer-read-delay " + DurationConverter.text(peerReadDelay), peerReadDelay),
                new LiveOptions.Wait("--read-delay " + DurationConverter.text(readDelay), readDelay),
                readingAtRate("--peer-read-rate", peerReadRate, payload.length),
                readingAtRate("--read-rate", readRate, peerSend != null ? peerSend : payload.length),
                live.timeWait());
        PrintWriter err = spec.commandLine().getErr();
        String small = lateReaderGetsTooLittle(peerReadDelay, peerReadRate != null, payload.length, language.lang);
        if (small != null) {
            err.println("tcplab: " + small);
        }
        long incoming = peerSend != null ? peerSend : peerDiscard ? 0 : payload.length;
        String fits = ourWindowHoldsItAll(readDelay, readRate != null, incoming, live.tcpConfig().receiveWindow(),
                "--peer-send 1MB", language.lang);
        if (fits != null && live.iface == null) { // on --iface the peer sends what it will
            err.println("tcplab: " + fits);
        }
        PeerOptions kernelPeer = PeerOptions.DEFAULT.withCloseDelay(peerCloseDelay).withSysctls(live.peerSysctls)
                .withCloseFirst(peerClosesFirst)
                .withKeepalive(peerKeepalive == null ? null : parsePeerKeepalive(peerKeepalive))
                .withSendBytes(peerSend == null ? 0 : peerSend).withLoss(peerLoss).withDiscard(peerDiscard)
                .withResetOnClose(peerRstClose).withReadDelay(peerReadDelay)
                .withReadRate(peerReadRate == null ? 0 : peerReadRate);
        ConnectOptions opt = new ConnectOptions(live.iface, live.peerOrNull(), live.srcOrNull(), sport, peerPort,
                payload, live.tcpConfig(), live.rstGuard, live.capturePath("connect"), timeout,
                Duration.ofSeconds(2), repeat, hold, live.faults(), kernelPeer, readDelay)
                .withReadRate(readRate == null ? 0 : readRate);
        ConnectOutcome o = new ConnectRun(opt, live.trace(spec.commandLine().getOut(), language.lang), err)
                .inLanguage(language.lang).execute();
        err.println(summary(o, opt.expectedBack(), language.lang));
        err.flush();
        return o.complete(opt.expectedBack()) ? ExitCodes.OK : ExitCodes.CHECK_FAILED;
    }

    /** The lab network's kernel peer is set up by these; on --iface the peer is someone else's socket. */
    private static final List<String> LAB_PEER_OPTIONS = List.of("--port", "--peer-close-delay", "--peer-closes-first",
            "--peer-keepalive", "--peer-send", "--peer-discard", "--peer-rst-close", "--peer-sysctl", "--peer-read-delay",
            "--peer-read-rate");

    private void refuseOptionsThatWouldBeIgnored(ParseResult parsed) {
        live.refuseLabOnlyOnIface(parsed, LAB_PEER_OPTIONS, "peer",
                "the peer is the socket --peer names (for example tcplab peer listen on that machine)");
        if (parsed.hasMatchedOption("--send") && parsed.hasMatchedOption("--send-size")) {
            throw new IllegalArgumentException("--send and --send-size both choose what to send; give one");
        }
    }

    /**
     * Said before the run, not left for the student to wonder why no zero window came: what a late or slow
     * reader takes in before its window shuts does not shut it. Null when the payload is larger, or the peer
     * reads at once.
     */
    static String lateReaderGetsTooLittle(Duration readDelay, boolean readRate, int payloadBytes, Text.Lang lang) {
        if (readDelay.isZero() && !readRate || payloadBytes > KernelPeer.LATE_READER_TAKES) {
            return null;
        }
        int kb = KernelPeer.LATE_READER_TAKES / 1024;
        return Text.of("the " + (readRate ? "slow" : "late") + " reader takes about " + kb + " KB before its window "
                + "shuts, and " + payloadBytes + " bytes fit in that: its window will not shut. Send more, e.g. "
                + "--send-size 24KB", (readRate ? "读得慢的" : "迟迟不读的") + "对端在窗口关闭之前大约能收下 " + kb
                + " KB，这 " + payloadBytes + " 个字节放得下：它的窗口不会关闭。请多发一些，例如 --send-size 24KB").in(lang);
    }

    /**
     * The same for our own application: while it does not read, what arrives must be more than our window, or
     * the window never shuts. Null when more comes, or when ours reads at once.
     *
     * @param sendMore how to have more sent, e.g. "--peer-send 1MB"
     */
    static String ourWindowHoldsItAll(Duration readDelay, boolean readRate, long incomingBytes, int window,
                                      String sendMore, Text.Lang lang) {
        if (readDelay.isZero() && !readRate || incomingBytes >= window) {
            return null;
        }
        return Text.of("our window is " + window + " bytes (--window), and the " + incomingBytes + " bytes coming fit "
                + "in it: it will not shut. Have more sent (e.g. " + sendMore + ") or give a smaller window (e.g. "
                + "--window 16KB)", "我们的窗口有 " + window + " 字节（--window），要来的 " + incomingBytes
                + " 个字节放得下：它不会关闭。请让对端多发一些（例如 " + sendMore + "），或者把窗口设小一些（例如 --window 16KB）")
                .in(lang);
    }

    /** How long a slow reader, the kernel's or ours, takes over the bytes it reads: part of the run's time. */
    static LiveOptions.Wait readingAtRate(String option, Long bytesPerSecond, long bytes) {
        Duration d = bytesPerSecond == null ? Duration.ZERO : Duration.ofMillis(bytes * 1000 / bytesPerSecond);
        return new LiveOptions.Wait(option + " " + (bytesPerSecond == null ? "" : RateConverter.text(bytesPerSecond))
                + " over " + bytes + " bytes", d);
    }

    static KernelPeer.Keepalive parsePeerKeepalive(String text) {
        String[] p = text.split(",");
        try {
            if (p.length == 3) {
                KernelPeer.Keepalive k = new KernelPeer.Keepalive(Integer.parseInt(p[0].trim()),
                        Integer.parseInt(p[1].trim()), Integer.parseInt(p[2].trim()));
                if (k.idleSeconds() >= 1 && k.intervalSeconds() >= 1 && k.count() >= 1) {
                    return k;
                }
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException("--peer-keepalive takes whole seconds IDLE,INTERVAL,COUNT (each ≥ 1), e.g. "
                + "2,1,3; got " + text);
    }

    /** The run's last line: "done" exactly when the exit code is 0, else what stopped it. */
    static String summary(ConnectOutcome o, byte[] payload) {
        return summary(o, payload, Text.Lang.en);
    }

    /** The last line in {@code lang}: "done" (完成) exactly when the exit code is 0, else what stopped it. */
    static String summary(ConnectOutcome o, byte[] payload, Text.Lang lang) {
        Text reason = o.closeText();
        Path capture = o.capture();
        if (!o.established()) {
            boolean stopped = o.timedOut();
            return Text.of("no connection: " + reason.en() + (stopped ? " (stopped by --timeout)" : "") + ". Capture: "
                    + capture, "没有建立连接：" + reason.zh() + (stopped ? "（被 --timeout 停止）" : "") + "。抓包文件：" + capture)
                    .in(lang);
        }
        long got = o.receivedCount();
        int sent = payload.length;
        Text echo = o.peerSentSha256() != null
                ? (o.peerSentSha256().equals(o.receivedSha256())
                        ? Text.of("received " + got + " bytes, SHA-256 as sent", "收到 " + got + " 字节，SHA-256 与发送的一致")
                        : Text.of("received " + got + " bytes, SHA-256 DIFFERS", "收到 " + got + " 字节，SHA-256 不一致"))
                : sent == 0 && got == 0 ? Text.of("nothing came back, as expected", "没有数据回来，符合预期")
                : o.echoMatches(payload) ? Text.of("echo matched (" + sent + " bytes)", "回显一致（" + sent + " 字节）")
                : Text.of("echo incomplete (" + got + " of " + sent + " bytes)", "回显不完整（" + sent + " 字节中收到 " + got + " 字节）");
        Text count = o.connections() <= 1 ? Text.EMPTY
                : Text.of(o.connections() + " connections; last: ", "共 " + o.connections() + " 个连接；最后一个：");
        Text sha = got < TransferTally.MEANINGFUL_BYTES ? Text.EMPTY
                : Text.of("; SHA-256 of what arrived " + o.receivedSha256(), "；收到的数据的 SHA-256 为 " + o.receivedSha256());
        TcpState state = o.finalState();
        Text asked = o.endedAsAsked() ? o.askedEnding().why() : null;
        Text end = o.timedOut() ? Text.of("stopped by --timeout in " + state, "在 " + state + " 状态被 --timeout 停止")
                : Text.of("ended " + state + (reason.en().isEmpty() ? "" : " (" + reason.en() + ")")
                        + (asked == null ? "" : ": " + asked.en()),
                        "结束于 " + state + (reason.zh().isEmpty() ? "" : "（" + reason.zh() + "）")
                        + (asked == null ? "" : "：" + asked.zh()));
        Text verdict = o.complete(payload) ? Text.of("done: ", "完成：") : Text.of("not complete: ", "未完成：");
        return Text.of(verdict.en() + count.en() + echo.en() + sha.en() + "; " + end.en()
                + ". Open the capture with: wireshark " + capture,
                verdict.zh() + count.zh() + echo.zh() + sha.zh() + "；" + end.zh() + "。用 Wireshark 打开抓包文件：wireshark " + capture)
                .in(lang);
    }
}
