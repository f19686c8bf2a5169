package dev.tcplab.cli;

import dev.tcplab.analysis.ReadingPace;
import dev.tcplab.analysis.RecordedConversation;
import dev.tcplab.endpoint.TcpConfig;
import dev.tcplab.lab.PeerOptions;
import dev.tcplab.text.Text;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * What a re-enactment could not match by itself, said after its differences with the option that would have
 * matched it: the lab's echo server closes at once where the recorded server closed late or first, echoes where it
 * answered with data of its own, reads at once where it read slowly, and so on (with --as server, ours reads at once
 * where the recorded server read slowly). Each is null when the recording gives no cause, or when the option it
 * would suggest was given; --follow-hints takes them all ({@link #arguments}).
 */
final class ReenactmentHints {

    /**
     * A hint: what is said, and the options it names, each with its value as typed ("--peer-close-delay 1003ms"). None
     * when it names no value sure enough to follow (a reading pace that is not known).
     */
    record Hint(Text said, List<String> options) {
    }

    private final RecordedConversation rec;
    private final Set<String> given;
    /** Whose kernel peer the hints name: the lab network's, or the peer machine's that its agent starts (--agent). */
    private final Text labs;

    /** @param given the options on the command line, by their long names ("--peer-discard") */
    ReenactmentHints(RecordedConversation rec, Set<String> given) {
        this.rec = rec;
        this.given = Set.copyOf(given);
        this.labs = given.contains("--agent") ? Text.of("the peer machine's", "对端机器的") : Text.of("the lab's", "实验网络的");
    }

    /** The hints for what this command line did not ask for. */
    static ReenactmentHints of(RecordedConversation rec, CommandLine.ParseResult parsed) {
        return new ReenactmentHints(rec, parsed.matchedOptions().stream().map(OptionSpec::longestName)
                .collect(Collectors.toSet()));
    }

    /**
     * On --iface the peer is someone else's socket, and the options that shape the lab's kernel peer are no use; unless
     * the peer machine's agent starts the server (--agent), which they shape as they shape the lab's.
     */
    private boolean onIface() {
        return given.contains("--iface") && !given.contains("--agent");
    }

    /**
     * The hints a re-enactment gives after its differences, in the order said: a client's ({@code asServer} false) or,
     * with --as server, the mirror's. Those that do not apply are left out.
     */
    List<Hint> all(boolean asServer) {
        Stream<Hint> hints = asServer ? Stream.of(slowServer())
                : Stream.of(fastOpen(), echo(), closeDelay(), closeFirst(), reset(), zeroWindow(), peerKeepalive(),
                slowClient());
        return hints.filter(Objects::nonNull).toList();
    }

    /** For --follow-hints: the options the hints name, each once, as command-line arguments. */
    List<String> arguments(boolean asServer) {
        return all(asServer).stream().flatMap(h -> h.options().stream()).distinct()
                .flatMap(option -> Stream.of(option.split(" "))).toList();
    }

    /**
     * The difference a re-enactment meets most: the recorded server's application closed a while after the
     * client's FIN (four segments), the lab's echo server closes at once (three). Said with the option that
     * makes them match, when the run is on the lab network and the option was not given; else null.
     */
    Hint closeDelay() {
        long delayMs = rec.serverCloseDelayNanos() / 1_000_000;
        if (onIface() || given.contains("--peer-close-delay")
                || delayMs < Reenactment.CLOSE_DELAY_WORTH_A_HINT_MS || rec.mirror().finsCrossed()) {
            return null;
        }
        Text said = Text.of("the recorded server's application closed " + delayMs + " ms after the client's FIN, "
                + labs.en() + " echo server closes at once: --peer-close-delay " + delayMs + "ms makes it wait as the "
                + "recording's did",
                "录制中服务器的应用程序在客户端的 FIN 之后 " + delayMs + " 毫秒才关闭，而" + labs.zh() + "回显服务器立即关闭："
                + "--peer-close-delay " + delayMs + "ms 让它像录制中那样等待");
        return new Hint(said, List.of("--peer-close-delay " + delayMs + "ms"));
    }

    /**
     * The recorded server closed first (its FIN before the client's), the lab's echo server waits for the
     * client's FIN: the live close is then the other way round, and TIME_WAIT falls on the other side. Said
     * with the option that makes them match, on the lab network, when the peer has an echo to close after
     * and the option was not given; else null.
     */
    Hint closeFirst() {
        boolean crossed = rec.mirror().finsCrossed();
        if (!rec.serverClosedFirst() && !crossed || onIface() || given.contains("--peer-closes-first")
                || rec.clientBytes() == 0) {
            return null;
        }
        if (crossed) {
            Text said = Text.of("the recorded FINs crossed (a simultaneous close); " + labs.en()
                    + " echo server waits for the client's FIN, so live its FIN acknowledges ours: --peer-closes-first makes "
                    + "it close after its first echo, and our FIN is then held back until the server's arrives, so that they "
                    + "cross",
                    "录制中的两个 FIN 交错而过（同时关闭）；" + labs.zh() + "回显服务器等待客户端的 FIN，所以实际运行中它的 FIN "
                    + "确认了我们的：--peer-closes-first 让它在第一次回显后关闭，我们的 FIN 则被扣留到服务器的 FIN 到达为止，"
                    + "让两者交错而过");
            return new Hint(said, List.of("--peer-closes-first"));
        }
        Text said = Text.of("the recorded server closed first (its FIN came before the client's); " + labs.en()
                + " echo server waits for the client's FIN, so live the client closes first and TIME_WAIT falls on it: "
                + "--peer-closes-first makes the server close after its first echo, as the recorded one did",
                "录制中的服务器先关闭（它的 FIN 在客户端的之前）；" + labs.zh() + "回显服务器等待客户端的 FIN，所以实际运行中"
                + "客户端先关闭、TIME_WAIT 落在客户端：--peer-closes-first 让服务器在第一次回显后关闭，像录制中的那样");
        return new Hint(said, List.of("--peer-closes-first"));
    }

    /**
     * The recorded server's kernel probed the quiet connection with keep-alives, which the lab's peer does
     * only when asked: said with --peer-keepalive's figures (whole seconds, as the kernel takes them) and,
     * when nobody answered the probes, the --drop that loses ours. On the lab network, when not given.
     */
    Hint peerKeepalive() {
        RecordedConversation.Keepalive k = rec.quiet().server();
        if (k == null || onIface() || given.contains("--peer-keepalive")) {
            return null;
        }
        long idle = Math.max(1, Math.round(k.idleNanos() / 1e9));
        long interval = Math.max(1, Math.round(k.intervalNanos() / 1e9));
        String option = "--peer-keepalive " + idle + "," + interval + "," + k.probes();
        Text said = Text.of("the recorded server's kernel probed the quiet connection with keep-alives (" + k.probes()
                + " from frame " + k.firstFrame() + ")" + (k.answered() ? "" : " that nobody answered") + ": " + option
                + " gives " + labs.en() + " peer the same" + (k.answered() ? "" : ", and --drop in:keepalive:all loses our "
                + "answers as the recording's were lost (a crashed client)"), "录制中服务器的内核用保活探测检查安静的连接（从第 "
                + k.firstFrame() + " 帧起 " + k.probes() + " 个）" + (k.answered() ? "" : "，没有人回答") + "：" + option
                + " 让" + labs.zh() + "对端也这样" + (k.answered() ? "" : "，--drop in:keepalive:all 像录制中那样丢掉我们的回答"
                + "（客户端崩溃了）"));
        return new Hint(said, k.answered() ? List.of(option) : List.of(option, "--drop in:keepalive:all"));
    }

    /**
     * The recorded server's kernel ended the connection with a RST where the lab's sends a FIN: its
     * application aborted (SO_LINGER 0, or closed with data unread). Said with the options that make the lab's
     * peer do the same, before the client's FIN or after it as recorded, on the lab network; else null.
     */
    Hint reset() {
        long rstFrame = rec.serverResetFrame();
        RecordedConversation.Keepalive probes = rec.quiet().server();
        boolean keepaliveGaveUp = probes != null && !probes.answered(); // the kernel's reset, not the application's
        if (rstFrame < 0 || keepaliveGaveUp || onIface() || given.contains("--peer-rst-close")) {
            return null;
        }
        boolean first = !rec.clientClosedFirst() && !given.contains("--peer-closes-first") && rec.clientBytes() > 0;
        Text said = Text.of("the recorded server ended the connection with a RST (frame " + rstFrame + ", an abortive close), "
                + labs.en() + " echo server with a FIN: --peer-rst-close makes it abort" + (first ? ", and "
                + "--peer-closes-first makes it do so without waiting for the client's FIN, as the recorded one did" : ""),
                "录制中的服务器用 RST 结束了连接（第 " + rstFrame + " 帧，异常关闭），而" + labs.zh() + "回显服务器用 FIN："
                + "--peer-rst-close 让它异常关闭" + (first ? "，--peer-closes-first 让它不等客户端的 FIN 就这样做，"
                + "像录制中的那样" : ""));
        return new Hint(said, first ? List.of("--peer-rst-close", "--peer-closes-first") : List.of("--peer-rst-close"));
    }

    /**
     * The recorded server's application read slowly and its window closed: the kernel's ACKs then fell
     * where the window opened again. The lab's kernel peer reads at once unless --peer-read-rate slows it,
     * which is said with the recorded pace. On the lab network when the recording has zero windows and no
     * rate was given; else null.
     */
    Hint zeroWindow() {
        List<Long> frames = rec.serverZeroWindowFrames();
        if (frames.isEmpty() || onIface() || given.contains("--peer-read-rate")) {
            return null;
        }
        String times = frames.size() + " time" + (frames.size() == 1 ? "" : "s") + " (from frame " + frames.get(0) + " on)";
        String timesZh = frames.size() + " 次零窗口（从第 " + frames.get(0) + " 帧起）";
        long rate = rateToSuggest(rec.serverReadRate());
        String option = "--peer-read-rate " + (rate > 0 ? RateConverter.text(rate) : "RATE");
        Text said = Text.of("the recorded server advertised a zero window " + times + ": its application read slowly"
                + (rate > 0 ? ", about " + RateConverter.text(rate) + " once its window had shut" : "") + ", and its ACKs "
                + "followed its reading; " + labs.en() + " kernel peer reads at once, so its ACKs fall elsewhere: "
                + option
                + " makes it read as slowly, from an 8 KB buffer",
                "录制中的服务器通告了 " + timesZh + "：它的应用程序读得慢" + (rate > 0 ? "，窗口关闭后大约每秒 "
                + RateConverter.text(rate).replace("/s", "") : "") + "，它的 ACK 跟着读取走；" + labs.zh() + "内核对端立即读取，"
                + "所以它的 ACK 落在别处：" + option + " 让它也读得这么慢（缓冲区 8 KB）");
        return new Hint(said, rate > 0 ? List.of(option) : List.of());
    }

    /**
     * The recorded client's application read slowly and its window shut: the server's segments then went
     * where that window opened. Ours reads at once unless --read-rate slows it, which is said with the recorded
     * pace and the most window the client offered. On the lab network and --iface alike (the reading is ours);
     * null without the client's zero windows, or when a read rate was given.
     */
    Hint slowClient() {
        RecordedConversation.ClientReading r = rec.clientReading();
        if (r.zeroWindowFrames().isEmpty() || given.contains("--read-rate")) {
            return null;
        }
        List<Long> frames = r.zeroWindowFrames();
        long rate = rateToSuggest(r.readRate());
        List<String> readingArgs = readingArgs(rate, r.largestWindow());
        String option = readingOptions(readingArgs, r.largestWindow());
        Text said = Text.of("the recorded client advertised a zero window " + frames.size() + " time"
                + (frames.size() == 1 ? "" : "s") + " (from frame " + frames.get(0) + " on): its application read "
                + (rate > 0 ? "slowly, about " + RateConverter.text(rate) + " once its window had shut" : "late")
                + "; ours reads at once, so the server's segments fall elsewhere: " + option + " makes it read so",
                "录制中的客户端通告了 " + frames.size() + " 次零窗口（从第 " + frames.get(0) + " 帧起）：它的应用程序读得" + (rate > 0 ? "慢，窗口关闭后大约每秒 "
                + RateConverter.text(rate).replace("/s", "") : "迟") + "；我们的立即读取，所以服务器的报文段落在别处："
                + option + " 让它也这样读");
        return new Hint(said, readingArgs);
    }

    /**
     * With --as server, where ours plays the recorded server: its application read slowly and its window shut, so
     * the client's data went where that window opened; ours reads at once unless --read-rate slows it. Null
     * without the server's zero windows, or when a read rate was given.
     */
    Hint slowServer() {
        List<Long> frames = rec.serverZeroWindowFrames();
        if (frames.isEmpty() || given.contains("--read-rate")) {
            return null;
        }
        long window = rec.mirror().serverLargestWindow();
        List<String> readingArgs = readingArgs(rateToSuggest(rec.serverReadRate()), window);
        String option = readingOptions(readingArgs, window);
        Text said = Text.of("the recorded server advertised a zero window " + frames.size() + " time"
                + (frames.size() == 1 ? "" : "s") + " (from frame " + frames.get(0) + " on): its application read slowly; "
                + "ours reads at once: " + option + " makes it read as the recorded one did", "录制中的服务器通告了 "
                + frames.size() + " 次零窗口（从第 " + frames.get(0) + " 帧起）：它的应用程序读得慢；我们的立即读取："
                + option + " 让它像录制中的那样读");
        return new Hint(said, readingArgs);
    }

    /** A recorded reading pace (bytes/s, 0 when unknown) in two figures, within what a read rate may be; or 0. */
    private static long rateToSuggest(long recordedRate) {
        return recordedRate == 0 ? 0 : Math.max(PeerOptions.MIN_READ_RATE,
                Math.min(PeerOptions.MAX_READ_RATE, ReadingPace.twoFigures(recordedRate)));
    }

    /**
     * What makes our application read as a recorded slow reader did: its pace, and its buffer too, near enough (the
     * most window it offered), when that was smaller than ours and --window was not given. Empty when the pace is
     * unknown (a reader that read late rather than slowly).
     */
    private List<String> readingArgs(long rate, long largestWindow) {
        if (rate == 0) {
            return List.of();
        }
        String readRate = "--read-rate " + RateConverter.text(rate);
        return windowToSuggest(largestWindow).map(w -> List.of(readRate, w)).orElse(List.of(readRate));
    }

    /** The reading options as a hint says them: those to follow, or the choice when the pace is unknown. */
    private String readingOptions(List<String> readingArgs, long largestWindow) {
        if (!readingArgs.isEmpty()) {
            return String.join(" ", readingArgs);
        }
        return "--read-delay or --read-rate" + windowToSuggest(largestWindow).map(w -> " " + w).orElse("");
    }

    /** --window with the most window the reader offered, when that fits --window and is less than ours by default. */
    private Optional<String> windowToSuggest(long largestWindow) {
        boolean smaller = largestWindow >= LiveOptions.MIN_WINDOW && largestWindow < TcpConfig.DEFAULT_RECEIVE_WINDOW;
        return smaller && !given.contains("--window") ? Optional.of("--window " + largestWindow) : Optional.empty();
    }

    /** A recorded client that sent data in its SYN (TCP Fast Open): tcplab's TCP sends it after the handshake. */
    Hint fastOpen() {
        if (rec.synDataBytes() == 0) {
            return null;
        }
        Text said = Text.of("the recorded client sent " + rec.synDataBytes() + " bytes in its SYN (TCP Fast Open, RFC 7413), so "
                + "the recorded SYN+ACK acknowledged them; tcplab's TCP does not open fast and sends them after the "
                + "handshake, so the live SYN+ACK acknowledges the SYN alone",
                "录制中的客户端在 SYN 中发送了 " + rec.synDataBytes() + " 个字节（TCP Fast Open，RFC 7413），所以录制的 "
                + "SYN+ACK 确认了它们；tcplab 的 TCP 不做快速打开，在握手之后才发送这些字节，所以实际的 SYN+ACK 只确认 SYN");
        return new Hint(said, List.of());
    }

    /**
     * The difference a re-enactment of another program's capture meets first: its server answered with
     * data of its own (an HTTP response, say) where the lab's kernel peer echoes what it gets. Said on the
     * lab network when the recorded server's bytes are not as many as the client's; else null.
     */
    Hint echo() {
        // The highest byte the server sent, not the sum of lengths: retransmissions would count twice.
        long served = rec.serverSegments().stream().filter(s -> s.length() > 0)
                .mapToLong(s -> s.seq() + s.length() - 1).max().orElse(0);
        if (onIface() || given.contains("--peer-discard") || given.contains("--peer-answers") || served == rec.clientBytes()) {
            return null;
        }
        if (served == 0) {
            Text said = Text.of("the recorded server sent nothing back for the client's " + rec.clientBytes() + " bytes, "
                    + labs.en() + " kernel peer echoes them: --peer-discard makes it keep what arrives, as the recorded "
                    + "server did",
                    "录制中的服务器对客户端的 " + rec.clientBytes() + " 个字节什么也没发回，而" + labs.zh() + "内核对端会回显它们："
                    + "--peer-discard 让它只收不回，像录制中的服务器那样");
            return new Hint(said, List.of("--peer-discard"));
        }
        Text said = Text.of("the recorded server sent " + served + " bytes for the client's " + rec.clientBytes() + ": it was "
                + "not an echo server, and " + labs.en() + " kernel peer echoes what it gets. --peer-answers makes it "
                + "answer with the recorded server's bytes, each reply once it has read what the recorded server had "
                + "received before it; or start a server like the recorded one on another machine and re-enact against it with --iface "
                + "and --peer", "录制中的服务器为客户端的 " + rec.clientBytes() + " 个字节发回了 " + served + " 个字节："
                + "它不是回显服务器，而" + labs.zh() + "内核对端回显收到的一切。--peer-answers 让它用录制中服务器的字节回应，"
                + "每段回应都等它读到录制中的服务器在发出这段之前已收到的字节；或者在另一台机器上启动一个像录制中那样的服务器，"
                + "并用 --iface 和 --peer 对它重演");
        return new Hint(said, List.of("--peer-answers"));
    }
}
