package dev.tcplab.cli;

import dev.tcplab.lab.ListenOptions;
import dev.tcplab.lab.ListenOutcome;
import dev.tcplab.lab.ListenRun;
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
                "  sudo ./tcplab listen --iface eth1 --peer CLIENT_ADDR --src UNUSED_ADDR",
                "                                            a client machine connects (tcplab peer connect there);",
                "                                            --peer takes its address, with :PORT if its port is known",
                "%nExit codes: 0 handshake, echo and passive close all happened; 1 they did not; 2 usage; 3 environment."})
final class ListenCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "PORT", defaultValue = "8080",
            description = "The port to listen on (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--send", paramLabel = "TEXT", defaultValue = "hello from the kernel\n",
            description = "What the lab network's kernel client sends (default: a short line).")
    String send;

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
        live.refuseLabOnlyOnIface(spec.commandLine().getParseResult(), List.of("--send", "--peer-sysctl"), "client",
                "the client is whoever connects (for example tcplab peer connect on that machine)");
        byte[] payload = send.getBytes(StandardCharsets.UTF_8);
        ListenOptions opt = new ListenOptions(live.iface, live.clientOrNull(), live.srcOrNull(), port, payload,
                live.tcpConfig(), live.rstGuard, live.capturePath("listen"),
                live.connectionTimeout(new LiveOptions.Wait("--close-delay " + DurationConverter.text(closeDelay),
                        closeDelay)), closeDelay, live.faults(),
                PeerOptions.DEFAULT.withSysctls(live.peerSysctls));
        PrintWriter err = spec.commandLine().getErr();
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
