package dev.tcplab.cli;

import dev.tcplab.lab.ListenOptions;
import dev.tcplab.lab.ListenOutcome;
import dev.tcplab.lab.ListenRun;
import dev.tcplab.lab.Payloads;
import dev.tcplab.lab.PeerOptions;
import dev.tcplab.text.Text;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "listen", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Passive open by tcplab's own TCP, with the kernel as the client.",
                "LISTEN → SYN_RECEIVED → ESTABLISHED. In the lab network a kernel client connects, sends, reads the echo "
                + "and closes first: we go through CLOSE_WAIT and LAST_ACK, and the kernel ends in TIME_WAIT (Linux: 60 s)."},
        footerHeading = "%nExamples:%n",
        footer = {"  sudo ./tcplab listen                      the kernel connects to us on port 8080",
                "  sudo ./tcplab listen --close-delay 2s     our CLOSE_WAIT lasts 2 s: four segments to close",
                "  sudo ./tcplab listen --drop out:syn-ack   our SYN+ACK is lost: the kernel retransmits its SYN",
                "  sudo ./tcplab listen --send-size 64KB --window 16KB --read-rate 16KB/s --format quiet",
                "                                            we read slowly: our window shuts and opens a segment at a time",
                "  sudo ./tcplab listen --iface eth1 --peer CLIENT_ADDR --src UNUSED_ADDR",
                "                                            a client machine connects (tcplab peer connect there);",
                "                                            --peer takes its address, with :PORT if its port is known",
                "%nExit codes: 0 handshake, echo and passive close all happened; 1 they did not; 2 usage; 3 environment."})
final class ListenCommand implements Callable<Integer> {
    /** The echo of --send-size is kept whole to be checked; the copy our echo server makes grows with it. */
    static final long MAX_SEND_SIZE = 1_000_000;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "PORT", defaultValue = "8080",
            description = "The port to listen on (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--send", paramLabel = "TEXT", defaultValue = "hello from the kernel\n",
            description = "What the lab network's kernel client sends (default: a short line).")
    String send;

    @Option(names = "--send-size", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "The kernel client sends SIZE bytes of a fixed pseudo-random stream instead of --send "
                    + "(at most 1MB), and checks the echo.")
    Long sendSize;

    @Option(names = "--read-delay", paramLabel = "DURATION", defaultValue = "0s", converter = DurationConverter.class,
            description = "Our application reads nothing for DURATION after the handshake: with --send-size larger "
                    + "than our window (256 KB, or --window) it fills, we offer a zero window, and the kernel client "
                    + "probes it until we read.")
    Duration readDelay;

    @Option(names = "--read-rate", paramLabel = "RATE", converter = RateConverter.class,
            description = "Our application reads at most RATE (e.g. 16KB/s), a little every 50 ms (after --read-delay), "
                    + "and echoes what it has read: e.g. --send-size 64KB --window 16KB --read-rate 16KB/s, our window "
                    + "opens by a segment or more at a time (RFC 1122's silly-window avoidance).")
    Long readRate;

    @Option(names = "--close-delay", paramLabel = "DURATION", defaultValue = "0s", converter = DurationConverter.class,
            description = "Our application waits this long after the client's FIN before closing (CLOSE_WAIT).")
    Duration closeDelay;

    @Mixin
    LiveOptions live;

    @Mixin
    LanguageOption language;

    @Override
    public Integer call() {
        live.checkInterfaceOptions(" (with --iface, --peer names the client)");
        live.refuseLabOnlyOnIface(spec.commandLine().getParseResult(), List.of("--send", "--send-size", "--peer-sysctl"),
                "client", "the client is whoever connects (for example tcplab peer connect on that machine)");
        if (spec.commandLine().getParseResult().hasMatchedOption("--send") && sendSize != null) {
            throw new IllegalArgumentException("--send and --send-size both choose what the client sends; give one");
        }
        if (sendSize != null && sendSize > MAX_SEND_SIZE) {
            throw new IllegalArgumentException("--send-size for listen goes up to 1MB (the echo is kept to be "
                    + "checked); for larger transfers, connect --send-size or --peer-send");
        }
        byte[] payload = sendSize != null ? Payloads.stream(sendSize) : send.getBytes(StandardCharsets.UTF_8);
        Duration timeout = live.connectionTimeout(
                new LiveOptions.Wait("--close-delay " + DurationConverter.text(closeDelay), closeDelay),
                new LiveOptions.Wait("--read-delay " + DurationConverter.text(readDelay), readDelay),
                ConnectCommand.readingAtRate("--read-rate", readRate, payload.length));
        ListenOptions opt = new ListenOptions(live.iface, live.clientOrNull(), live.srcOrNull(), port, payload,
                live.tcpConfig(), live.rstGuard, live.capturePath("listen"), timeout, closeDelay, live.faults(),
                PeerOptions.DEFAULT.withSysctls(live.peerSysctls))
                .withReading(readDelay, readRate == null ? 0 : readRate);
        PrintWriter err = spec.commandLine().getErr();
        String fits = ConnectCommand.ourWindowHoldsItAll(readDelay, readRate != null, payload.length,
                opt.tcp().receiveWindow(), "--send-size 300KB", language.lang);
        if (fits != null && live.iface == null) { // on --iface the client sends what it will
            err.println("tcplab: " + fits);
        }
        Text.Lang lang = language.lang;
        ListenOutcome o = new ListenRun(opt, live.trace(spec.commandLine().getOut(), lang), err).inLanguage(lang)
                .execute();
        boolean ok = o.complete(payload, live.iface == null);
        String reason = o.closeText().in(lang);
        Text last = ok
                ? Text.of("done: the client's " + payload.length + " bytes came in and went back; we ended "
                        + o.finalState() + " (" + reason + "). Capture: " + opt.capture(),
                        "完成：客户端的 " + payload.length + " 字节收到并回送了；我们结束于 " + o.finalState() + "（" + reason
                        + "）。抓包文件：" + opt.capture())
                : Text.of("not complete: ended " + o.finalState() + " (" + reason + ")"
                        + (o.timedOut() ? ", stopped by --timeout" : "") + ". Capture: " + opt.capture(),
                        "未完成：结束于 " + o.finalState() + "（" + reason + "）" + (o.timedOut() ? "，被 --timeout 停止" : "")
                        + "。抓包文件：" + opt.capture());
        err.println(last.in(lang));
        err.flush();
        return ok ? ExitCodes.OK : ExitCodes.CHECK_FAILED;
    }
}
