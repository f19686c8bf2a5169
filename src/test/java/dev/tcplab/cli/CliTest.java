package dev.tcplab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcplab.endpoint.TcpConfig;
import dev.tcplab.endpoint.TcpState;
import dev.tcplab.lab.AskedEnding;
import dev.tcplab.lab.ConnectOutcome;
import dev.tcplab.lab.PeerOptions;
import dev.tcplab.lab.TransferTally;
import dev.tcplab.link.FaultRule;
import dev.tcplab.netns.KernelPeer;
import dev.tcplab.text.Text;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line as a user meets it, without touching the network. */
class CliTest {
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    /** Refused before anything runs: exit 2, and standard error says {@code said}. */
    void assertRefused(String said, String... args) {
        err.getBuffer().setLength(0);
        assertEquals(ExitCodes.USAGE, run(args), String.join(" ", args));
        assertTrue(err.toString().contains(said), err.toString());
    }

    int run(String... args) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void helpListsConnectWithExamplesAndExitCodes() {
        assertEquals(0, run("--help"));
        assertTrue(out.toString().contains("connect"), out.toString());
        assertTrue(out.toString().contains("sudo ./tcplab connect"), out.toString());
        assertTrue(out.toString().contains("Exit codes"), out.toString());
    }

    @Test
    void aCommandLineBuiltForOneSubcommandHelpsAsTheFullOne() {
        CommandLine one = Main.commandLine("analyze");
        assertEquals(List.of("analyze"), List.copyOf(one.getSubcommands().keySet()));
        StringWriter oneOut = new StringWriter();
        one.setOut(new PrintWriter(oneOut, true));
        assertEquals(0, one.execute("analyze", "--help"));
        assertEquals(0, run("analyze", "--help"));
        assertTrue(oneOut.toString().startsWith("Usage: tcplab analyze"), oneOut.toString());
        assertEquals(out.toString(), oneOut.toString());
        assertEquals(List.of("connect", "listen", "peer", "analyze", "replay", "lab", "completion", "help"),
                List.copyOf(Main.commandLine("anlyze").getSubcommands().keySet()), "a typo gets all, for picocli's suggestion");
    }

    @Test
    void helpAsACommandPrintsTheUsageOfTheOneNamed() {
        assertEquals(0, run("help", "analyze"));
        assertTrue(out.toString().startsWith("Usage: tcplab analyze"), out.toString());
        out.getBuffer().setLength(0);
        assertEquals(0, run("help"));
        assertTrue(out.toString().startsWith("Usage: tcplab [-hV] [COMMAND]"), out.toString());
    }

    @Test
    void noSubcommandPrintsUsageWithExit2() {
        assertEquals(ExitCodes.USAGE, run());
        assertTrue(out.toString().contains("Usage: tcplab"));
    }

    @Test
    void versionNamesTheTool() {
        assertEquals(0, run("--version"));
        assertTrue(out.toString().startsWith("tcplab "), out.toString());
    }

    @Test
    void everySubcommandsVersionOptionNamesTheTool() {
        for (String[] args : List.of(new String[] {"analyze", "-V"}, new String[] {"connect", "--version"},
                new String[] {"peer", "listen", "--version"})) {
            out.getBuffer().setLength(0);
            assertEquals(0, run(args));
            assertTrue(out.toString().startsWith("tcplab "), String.join(" ", args) + ": " + out);
        }
    }

    @Test
    void connectHelpExplainsTheLadder() {
        assertEquals(0, run("connect", "--help"));
        String h = out.toString();
        for (String opt : new String[] {"--iface", "--peer", "--src", "--send", "--msl", "--absolute", "--format",
                "--capture", "--rst-guard"}) {
            assertTrue(h.contains(opt), "help mentions " + opt);
        }
    }

    @Test
    void theFaultOptionsHelpNamesEveryKindOfSegmentTheyTake() {
        // --peer-keepalive's help sends readers to --drop in:keepalive:all; the KIND list had left it out.
        for (String command : new String[] {"connect", "listen", "replay"}) {
            CommandLine.Model.CommandSpec spec = Main.commandLine().getSubcommands().get(command).getCommandSpec();
            String drop = String.join(" ", spec.findOption("--drop").description());
            for (dev.tcplab.link.SegmentKind kind : dev.tcplab.link.SegmentKind.values()) {
                assertTrue(drop.contains(" " + kind.word + ",") || drop.contains(" " + kind.word + "."),
                        command + " --drop names " + kind.word + ": " + drop);
            }
        }
    }

    /** A long option as a help text or a document writes it: --peer-close-delay, not tcplab-1-lab--x. */
    private static final java.util.regex.Pattern OPTION = java.util.regex.Pattern.compile("(?<![\\w-])--[a-z][a-z0-9-]*");

    @Test
    void everyCommandsExamplesSayWhatTheyDoInOneColumn() {
        // The root help's examples had their words at columns 45, 46, 47 and 52: ragged to read.
        List<String> ragged = new ArrayList<>();
        int examples = 0;
        for (CommandLine command : everyCommand(Main.commandLine())) {
            String help = command.getUsageMessage(CommandLine.Help.Ansi.OFF);
            int start = help.indexOf("Examples:\n");
            if (start < 0) {
                continue;
            }
            java.util.Set<Integer> columns = new java.util.TreeSet<>();
            for (String line : help.substring(start).split("\n")) {
                if (line.isEmpty()) {
                    break;
                }
                java.util.regex.Matcher words = EXAMPLE_WORDS.matcher(line);
                if (words.matches()) {
                    columns.add(words.start(2)); // after the command and two or more spaces
                    examples++;
                } else if (line.startsWith("        ")) {
                    columns.add(line.length() - line.stripLeading().length()); // the words on a line of their own
                }
            }
            if (columns.size() > 1) {
                ragged.add(command.getCommandSpec().qualifiedName() + ": columns " + columns);
            }
        }
        assertTrue(examples >= 15, "the examples were found: " + examples);
        assertEquals(List.of(), ragged);
    }

    @Test
    void everyOptionsDescriptionStartsAsASentenceDoes() {
        // replay --help listed its own options in lower case among the live options' sentences.
        List<String> lowerCase = new ArrayList<>();
        int descriptions = 0;
        for (CommandLine command : everyCommand(Main.commandLine())) {
            List<CommandLine.Model.ArgSpec> args = new ArrayList<>(command.getCommandSpec().options());
            args.addAll(command.getCommandSpec().positionalParameters());
            for (CommandLine.Model.ArgSpec arg : args) {
                String[] description = arg.description();
                if (description.length == 0 || description[0].isEmpty()) {
                    continue;
                }
                descriptions++;
                if (Character.isLowerCase(description[0].charAt(0))) {
                    lowerCase.add(command.getCommandSpec().qualifiedName() + " " + arg.paramLabel() + " "
                            + (arg.isOption() ? ((CommandLine.Model.OptionSpec) arg).longestName() : "") + ": " + description[0]);
                }
            }
        }
        assertTrue(descriptions >= 80, "the descriptions were found: " + descriptions);
        assertEquals(List.of(), lowerCase);
    }

    /** The root command and every command below it, parents first. */
    private static List<CommandLine> everyCommand(CommandLine root) {
        List<CommandLine> commands = new ArrayList<>(List.of(root));
        for (int i = 0; i < commands.size(); i++) {
            commands.addAll(commands.get(i).getSubcommands().values());
        }
        return commands;
    }

    /** "  sudo ./tcplab lab all       every exercise …": the command, then its words after two spaces or more. */
    private static final java.util.regex.Pattern EXAMPLE_WORDS = java.util.regex.Pattern.compile("  (\\S.*?\\S) {2,}(\\S.*)");

    @Test
    void everyOptionAHelpTextNamesIsAnOptionOfTheCommandItNames() {
        // connect --help told users to count --close-delay in --timeout's default: listen's option, which
        // connect calls --peer-close-delay. An option after "tcplab COMMAND" on a line (or on the lines a
        // trailing backslash joins to it) is that command's; any other is the command's own.
        CommandLine root = Main.commandLine();
        List<String> wrong = new ArrayList<>();
        for (CommandLine command : everyCommand(root)) {
            String help = command.getUsageMessage(CommandLine.Help.Ansi.OFF).replaceAll("\\\\\\s*\\n\\s*", " ");
            for (String line : help.split("\n")) {
                java.util.regex.Matcher option = OPTION.matcher(line);
                while (option.find()) {
                    CommandLine owner = namedBefore(root, line.substring(0, option.start()), command);
                    if (owner.getCommandSpec().findOption(option.group()) == null) {
                        wrong.add(command.getCommandName() + ": " + option.group() + " is not an option of "
                                + owner.getCommandSpec().qualifiedName() + ": " + line.trim());
                    }
                }
            }
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void everyOptionTheDocumentsGiveATcplabCommandIsOneOfItsOptions() throws Exception {
        CommandLine root = Main.commandLine();
        List<Path> documents = new ArrayList<>(List.of(Path.of("README.md"), Path.of("captures/README.md"),
                Path.of("docs/reliability.md"), Path.of("docs/performance.md"), Path.of("docs/students.zh.md")));
        try (var scripts = Files.list(Path.of("lab-scripts"))) {
            scripts.forEach(documents::add);
        }
        List<String> wrong = new ArrayList<>();
        int checked = 0;
        for (Path document : documents) {
            String text = Files.readString(document).replaceAll("\\\\\\s*\\n\\s*", " ");
            for (String line : text.split("\n")) {
                // Up to the end of the command: a backtick, a pipe, a redirection or the next command.
                java.util.regex.Matcher command = java.util.regex.Pattern.compile("tcplab [a-z][^`|;&>]*").matcher(line);
                while (command.find()) {
                    CommandLine owner = namedBefore(root, command.group(), root);
                    java.util.regex.Matcher option = OPTION.matcher(command.group());
                    while (option.find() && owner != root) {
                        checked++;
                        if (owner.getCommandSpec().findOption(option.group()) == null) {
                            wrong.add(document + ": " + option.group() + " is not an option of "
                                    + owner.getCommandSpec().qualifiedName() + ": " + command.group().trim());
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), wrong);
        assertTrue(checked > 30, "options checked: " + checked);
    }

    /** The command the last "tcplab COMMAND…" before an option names, or {@code otherwise} if none does. */
    private static CommandLine namedBefore(CommandLine root, String before, CommandLine otherwise) {
        int at = before.lastIndexOf("tcplab ");
        if (at < 0) {
            return otherwise;
        }
        CommandLine named = root;
        for (String word : before.substring(at + "tcplab ".length()).trim().split("\\s+")) {
            CommandLine sub = named.getSubcommands().get(word);
            if (sub == null) {
                break;
            }
            named = sub;
        }
        return named == root ? otherwise : named;
    }

    @Test
    void anIpv6PeerIsRefusedSayingLiveRunsSpeakIpv4() {
        assertRefused("not an IPv4 address: [::1] (an IPv6 address: live runs speak IPv4 only",
                "connect", "--iface", "lo", "--peer", "[::1]:7");
        assertRefused("live runs speak IPv4 only", "listen", "--iface", "lo", "--peer", "10.0.0.1:7", "--src", "fe80::1");
    }

    @Test
    void aCaptureThatCannotBeWrittenIsRefusedBeforeTheLabNetworkIsBuilt() {
        // It used to build the lab network, then die with "unexpected error: java.io.UncheckedIOException", exit 1.
        assertRefused("cannot write the capture /proc/x.pcap (", "connect", "--capture", "/proc/x.pcap");
        assertRefused("choose another place with --capture FILE", "listen", "--capture", "/proc/x.pcap");
        // A picture the run could not write ended it with a stack trace and no picture, exit 0.
        assertRefused("cannot write the picture /proc/x.svg (", "connect", "--format", "svg", "-o", "/proc/x.svg");
    }

    @Test
    void theLoopbackInterfaceIsRefusedWithWhatToUseInstead() {
        // It waited 3 s for an ARP answer that lo never gives, then blamed the peer (exit 1).
        assertRefused("lo is a loopback interface: it answers no ARP", "connect", "--iface", "lo", "--peer",
                "127.0.0.1:7007", "--src", "127.0.0.5", "--rst-guard", "firewall");
        assertTrue(err.toString().contains("lab-scripts/lab-up.sh"), err.toString());
    }

    @Test
    void unknownOptionIsUsageError() {
        assertRefused("--bogus", "connect", "--bogus");
    }

    @Test
    void ifaceWithoutPeerIsUsageError() {
        assertRefused("--iface and --peer go together", "connect", "--iface", "tcplab-none0");
    }

    @Test
    void peerLossOnARealInterfaceSaysWhatToUseInstead() {
        assertRefused("--peer-loss is for the lab network", "connect", "--iface", "tcplab-none0", "--peer", "192.0.2.10:7",
                "--peer-loss", "5");
        assertTrue(err.toString().contains("--drop out:any:5% and --drop in:any:5%"), err.toString());
    }

    /*
     * picocli renders descriptions with String.format and, where that fails (a lone %), prints a warning
     * on the terminal and the raw text: the usage help of connect did so for the P% fault rules. Its
     * warning goes to the process's own stderr, so each help is asked of a JVM of its own.
     */
    /** What tcplab prints (stdout and stderr together) in a JVM of its own, with these JVM options; exit 0. */
    static String inItsOwnJvm(List<String> jvmOptions, String... args) throws Exception {
        return inItsOwnJvm(Map.of(), jvmOptions, args);
    }

    /** The same in a locale of these variables (LANG, LC_*), the environment's own removed, where any are given. */
    static String inItsOwnJvm(Map<String, String> locale, List<String> jvmOptions, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (!locale.isEmpty()) {
            pb.environment().keySet().removeIf(k -> k.equals("LANG") || k.equals("LANGUAGE") || k.startsWith("LC_"));
            pb.environment().putAll(locale);
        }
        Process p = pb.start();
        String shown = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", args) + " ended");
        assertEquals(0, p.exitValue(), shown);
        return shown;
    }

    @Test
    void everyCommandsHelpRendersWithoutAWarning() throws Exception {
        for (String command : Main.commandLine().getSubcommands().keySet()) {
            String shown = inItsOwnJvm(List.of(), command, "--help");
            assertFalse(shown.contains("WARN") || shown.contains("Could not format"), command + " --help: " + shown);
        }
    }

    @Test
    void numbersPrintTheSameInAnyLocale() throws Exception {
        String shown = inItsOwnJvm(List.of("-Duser.language=de", "-Duser.country=DE"), "analyze",
                "captures/four-way-close-wait.pcap");
        assertTrue(shown.contains("     3     12.578    1  ──▶  SYN"), "the ladder's time column: " + shown);
        assertTrue(shown.contains("1.022s   3.362ms  four-way"), "the summary table: " + shown);
        assertFalse(shown.matches("(?s).*\\d,\\d{3}(s|ms)?\\b.*"), "no decimal comma: " + shown);
    }

    @Test
    void outputFileIsForPicturesInLiveCommandsAndSaysHowToKeepTheRest() {
        assertEquals(ExitCodes.USAGE, run("connect", "--format", "json", "-o", "run.json"));
        assertTrue(err.toString().contains("-o is where --format svg or html writes its picture; to keep the json "
                + "output, redirect standard output"), err.toString());
        assertRefused("to keep the ladder output", "replay", "captures/handshake-echo-close.pcap", "-o", "replay.txt");
        assertFalse(Files.exists(Path.of("run.json")) || Files.exists(Path.of("replay.txt")), "nothing was written");
    }

    @Test
    void aReEnactmentRefusesWhatOnlyThePacedReplayTakes() {
        assertRefused("--live re-enacts one connection: choose it with --conn N", "replay", "--live", "--port", "7",
                "captures/handshake-echo-close.pcap");
        assertRefused("or re-enact each in turn with lab-scripts/reenact-all.sh", "replay", "--live", "--conn", "1,2",
                "captures/kernel-mix.pcap");
        assertRefused("--speed is for the replay without --live", "replay", "--live", "--speed", "10",
                "captures/handshake-echo-close.pcap");
    }

    /**
     * Before any file is read (this one does not exist): a connection number below 1, a port beyond 16 bits
     * (analyze's own: AnalyzeCommandTest).
     */
    @Test
    void connectionsAndPortsNoCaptureCanHoldAreRefusedAtOnce() {
        String conn0 = "--conn 0: connections are numbered from 1 in order of appearance";
        assertRefused(conn0, "replay", "--conn", "0", "no-such.pcap");
        assertRefused("--conn -1: connections are numbered from 1", "replay", "--live", "--conn", "-1", "no-such.pcap");
        assertRefused("--port 70000: a TCP port is 0..65535", "replay", "--port", "70000", "no-such.pcap");
    }

    @Test
    void optionsForTheLabsKernelPeerAreRefusedOnARealInterface() {
        assertEquals(ExitCodes.USAGE, run("connect", "--iface", "tcplab-none0", "--peer", "192.0.2.10:7", "--peer-send", "1MB",
                "--peer-closes-first"));
        assertTrue(err.toString().contains("--peer-closes-first, --peer-send set up the lab network's kernel peer; on "
                + "--iface the peer is the socket --peer names"), err.toString());
        assertRefused("--send sets up the lab network's kernel client", "listen", "--iface", "tcplab-none0", "--peer",
                "192.0.2.10:7", "--send", "hi");
        assertRefused("--send and --send-size both choose what to send; give one", "connect", "--send", "hi",
                "--send-size", "1MB");
        assertRefused("--peer-read-delay sets up the lab network's kernel peer", "connect", "--iface", "tcplab-none0",
                "--peer", "192.0.2.10:7", "--peer-read-delay", "1s");
        assertRefused("--peer-read-delay is for a peer that reads what we send; with --peer-send it sends instead",
                "connect", "--peer-read-delay", "1s", "--peer-send", "1MB");
        assertRefused("--peer-read-delay must be between 0 and 10m", "connect", "--peer-read-delay", "11m");
        assertRefused("--read-delay must be between 0 and 10m", "connect", "--read-delay", "11m");
        assertRefused("--read-delay must be 10m or less, and is for a peer that reads, not with --send-bytes", "peer",
                "listen", "--read-delay", "1s", "--send-bytes", "1MB");
        assertRefused("--peer-read-delay 2s and TIME_WAIT (2 × --msl 1s) together take 4s, which does not fit in "
                + "--timeout 3s", "connect", "--peer-read-delay", "2s", "--timeout", "3s");

        assertRefused("--peer-read-rate sets up the lab network's kernel peer", "connect", "--iface", "tcplab-none0",
                "--peer", "192.0.2.10:7", "--peer-read-rate", "10KB/s");
        assertRefused("--peer-read-rate must be between 100 bytes/s and 10MB/s, got 50 bytes/s", "connect",
                "--peer-read-rate", "50B/s");
        assertRefused("--peer-read-rate is for a peer that reads what we send; with --peer-send it sends instead",
                "connect", "--peer-read-rate", "10KB/s", "--peer-send", "1MB");
        assertRefused("'fast' is not a rate: write it like 10KB/s or 512B/s", "connect", "--peer-read-rate", "fast");
        assertRefused("--read-rate must be between 100B/s and 10MB/s, and is for a peer that reads, not with "
                + "--send-bytes", "peer", "listen", "--read-rate", "10KB/s", "--send-bytes", "1MB");
        // The slow reader's time over what we send counts in the run's: 24 KB at 10 KB/s is 2.4 s.
        assertRefused("--peer-read-rate 10KB/s over 24000 bytes and TIME_WAIT (2 × --msl 1s) together take 4400ms, which "
                + "does not fit in --timeout 4s", "connect", "--send-size", "24KB", "--peer-read-rate", "10KB/s",
                "--timeout", "4s");
        assertRefused("--read-rate must be between 100 bytes/s and 10MB/s, got 20000000 bytes/s", "connect",
                "--read-rate", "20MB/s");
        // Ours reading 1 MB at 100 KB/s takes 10 s of the run's time.
        assertRefused("--read-rate 100KB/s over 1000000 bytes and TIME_WAIT (2 × --msl 1s) together take 12s, which does "
                + "not fit in --timeout 5s", "connect", "--peer-send", "1MB", "--read-rate", "100KB/s", "--timeout", "5s");
        assertRefused("--peer-read-rate sets up the lab network's kernel peer", "replay", "--live", "--iface",
                "tcplab-none0", "--peer", "192.0.2.10:7", "--peer-read-rate", "10KB/s", "no-such.pcap");
    }

    @Test
    void ourWindowAndAListeningApplicationThatReadsSlowlyAreChecked() {
        assertEquals(16_000, parsedConnect("--window", "16KB").live.tcpConfig().receiveWindow());
        assertEquals(256 * 1024, parsedConnect().live.tcpConfig().receiveWindow());
        assertRefused("--window must be between 1KB and 8MB", "connect", "--window", "500");
        assertRefused("--window must be between 1KB and 8MB", "listen", "--window", "9MB");
        // A rate of 0 divided the time a slow reader takes by zero: an unexpected error, not a sentence.
        assertRefused("a rate must be above 0", "connect", "--read-rate", "0");
        assertRefused("a rate must be above 0", "replay", "--live", "--peer-read-rate", "0B/s", "no-such.pcap");
        assertRefused("--read-rate must be between 100 bytes/s and 10MB/s, got 50 bytes/s", "listen", "--read-rate",
                "50B/s");
        assertRefused("--read-delay must be between 0 and 10m", "listen", "--read-delay", "11m");
        assertRefused("--send and --send-size both choose what the client sends; give one", "listen", "--send", "hi",
                "--send-size", "1KB");
        assertRefused("--send-size for listen goes up to 1MB", "listen", "--send-size", "2MB");
        assertRefused("--send-size sets up the lab network's kernel client", "listen", "--iface", "tcplab-none0",
                "--peer", "192.0.2.10:7", "--send-size", "1KB");
        // Ours reading 64 KB at 16 KB/s takes 4 s of the run's time.
        assertRefused("--read-rate 16KB/s over 64000 bytes takes 4s, which does not fit in --timeout 3s", "listen",
                "--send-size", "64KB", "--read-rate", "16KB/s", "--timeout", "3s");
    }

    @Test
    void ratesAreReadWithOrWithoutPerSecond() {
        RateConverter c = new RateConverter();
        assertEquals(10_000L, c.convert("10KB/s"));
        assertEquals(10_000L, c.convert("10KB"));
        assertEquals(512L, c.convert("512B/s"));
        assertEquals(2048L, c.convert("2KiB / sec"));
        assertEquals("10KB/s", RateConverter.text(10_000));
        assertEquals("1.5KB/s", RateConverter.text(1_500));
        assertEquals("512B/s", RateConverter.text(512));
        assertEquals("2.5MB/s", RateConverter.text(2_500_000));
    }

    @Test
    void aLateReaderThatWouldTakeEverythingInIsSaidBeforeTheRun() {
        assertEquals("the late reader takes about 4 KB before its window shuts, and 18 bytes fit in that: its window "
                + "will not shut. Send more, e.g. --send-size 24KB", ConnectCommand.lateReaderGetsTooLittle(
                Duration.ofSeconds(1), false, 18, Text.Lang.en));
        assertTrue(ConnectCommand.lateReaderGetsTooLittle(Duration.ofSeconds(1), false, 4096, Text.Lang.zh)
                .startsWith("迟迟不读的对端在窗口关闭之前大约能收下 4 KB，这 4096 个字节放得下"));
        assertTrue(ConnectCommand.lateReaderGetsTooLittle(Duration.ZERO, true, 4096, Text.Lang.en)
                .startsWith("the slow reader takes about 4 KB"));
        // Measured: 4,345 bytes shut the late reader's window (and 6,000 and 8,192, which an earlier hint said fit).
        assertEquals(null, ConnectCommand.lateReaderGetsTooLittle(Duration.ofSeconds(1), false, 4097, Text.Lang.en));
        assertEquals(null, ConnectCommand.lateReaderGetsTooLittle(Duration.ZERO, false, 18, Text.Lang.en));
    }

    @Test
    void ourLateReaderThatWouldTakeEverythingInIsSaidBeforeTheRun() {
        assertEquals("our window is 262144 bytes (--window), and the 100000 bytes coming fit in it: it will not shut. "
                + "Have more sent (e.g. --peer-send 1MB) or give a smaller window (e.g. --window 16KB)",
                ConnectCommand.ourWindowHoldsItAll(Duration.ofSeconds(1), false, 100_000, 262_144, "--peer-send 1MB",
                        Text.Lang.en));
        assertTrue(ConnectCommand.ourWindowHoldsItAll(Duration.ZERO, true, 22, 16_000, "--send-size 300KB", Text.Lang.zh)
                .startsWith("我们的窗口有 16000 字节（--window），要来的 22 个字节放得下"));
        // As many as the window holds shut it (RCV.WND falls to 0); and an application reading at once never does.
        assertEquals(null, ConnectCommand.ourWindowHoldsItAll(Duration.ofSeconds(1), false, 16_000, 16_000, "x",
                Text.Lang.en));
        assertEquals(null, ConnectCommand.ourWindowHoldsItAll(Duration.ZERO, false, 22, 16_000, "x", Text.Lang.en));
    }

    @Test
    void aRunThatCouldNotWorkIsRefusedBeforeItStarts() {
        assertRefused("--hold 3s and TIME_WAIT (2 × --msl 1s) together take 5s, which does not fit in --timeout "
                + "2500ms",
                "connect", "--hold", "3s", "--timeout", "2500ms");
        assertRefused("TIME_WAIT (2 × --msl 2m) takes 4m, which does not fit in --timeout 1m",
                "connect", "--msl", "2m", "--timeout", "60s");
        assertRefused("--close-delay 70s takes 70s, which does not fit in --timeout 1m",
                "listen", "--close-delay", "70s", "--timeout", "1m");
        assertRefused("--capture captures is a directory; name the .pcap file to write, e.g. "
                + Path.of("captures", "run.pcap"), "connect", "--capture", "captures");
    }

    @Test
    void withoutTimeoutAConnectionGetsAMinuteBeyondTheWaitsItAskedFor() {
        ConnectCommand rfc = parsedConnect("--msl", "2m", "--hold", "5s");
        assertEquals(Duration.ofMinutes(5).plusSeconds(5), rfc.live.connectionTimeout(
                new LiveOptions.Wait("--hold 5s", rfc.hold), rfc.live.timeWait()),
                "2 × 2m of TIME_WAIT, the hold, 60 s");
        ConnectCommand given = parsedConnect("--msl", "2m", "--timeout", "10m");
        assertEquals(Duration.ofMinutes(10), given.live.connectionTimeout(given.live.timeWait()));
    }

    @Test
    void connectAndListenSpeakTheLanguageAskedForAndTheLocalesOtherwise() {
        assertEquals(Text.Lang.en, parsedConnect().language.lang, "surefire runs the tests with LC_ALL=C.UTF-8");
        assertEquals(Text.Lang.zh, parsedConnect("--lang", "zh").language.lang);
        ListenCommand listen = (ListenCommand) Main.commandLine().parseArgs("listen", "--lang", "zh").subcommand()
                .commandSpec().userObject();
        assertEquals(Text.Lang.zh, listen.language.lang);
    }

    private static ConnectCommand parsedConnect(String... options) {
        List<String> args = new ArrayList<>(List.of("connect"));
        args.addAll(List.of(options));
        return (ConnectCommand) Main.commandLine().parseArgs(args.toArray(String[]::new)).subcommand().commandSpec()
                .userObject();
    }

    @Test
    void timersOfZeroPortZeroAndNegativeRetriesAreRefusedByName() {
        String[][] refused = {{"--timeout", "0s"}, {"--rto", "0ms"}, {"--syn-retries", "-1"}, {"--port", "0"},
            {"--peer-loss", "150"}};
        String[] messages = {"--timeout must be longer than 0", "--rto must be longer than 0",
            "--syn-retries must be 0 or more, got -1", "--port must be 1..65535, got 0",
            "--peer-loss must be 0..50 (percent), got 150"};
        assertEquals(ExitCodes.USAGE, run("peer", "listen", "--port", "0"));
        assertTrue(err.toString().contains("tcplab: --port must be 1..65535, got 0"), "peer listen: " + err);
        for (int i = 0; i < refused.length; i++) {
            err.getBuffer().setLength(0);
            assertEquals(ExitCodes.USAGE, run("connect", refused[i][0], refused[i][1]), String.join(" ", refused[i]));
            assertTrue(err.toString().startsWith("tcplab: " + messages[i]), err.toString());
        }
    }

    @Test
    void aMistypedOptionGetsOneSentenceAndWhereTheHelpIs() {
        assertEquals(ExitCodes.USAGE, run("connect", "--msl", "5"));
        assertEquals("tcplab: Invalid value for option '--msl': '5' needs a unit: 5s, 5ms, 5m or 5h\n"
                + "See 'tcplab connect --help' for the options and examples.\n", err.toString().replace("\r", ""));
        err.getBuffer().setLength(0);
        assertEquals(ExitCodes.USAGE, run("connect", "--foramt", "json"));
        assertTrue(err.toString().startsWith("tcplab: Unknown options: '--foramt', 'json'"), err.toString());
        assertTrue(err.toString().contains("Possible solutions: --format"), "picocli's suggestion: " + err);
        assertFalse(err.toString().contains("Usage:"), "not the whole help: " + err);
        assertRefused("Did you mean: tcplab connect", "conect");
        assertTrue(err.toString().endsWith("See 'tcplab --help' for the commands.\n"), err.toString());
    }

    @Test
    void durationsShowInTheirLargestWholeUnit() {
        assertEquals("4m", DurationConverter.text(Duration.ofMinutes(4)));
        assertEquals("2h", DurationConverter.text(Duration.ofHours(2)));
        assertEquals("90s", DurationConverter.text(Duration.ofSeconds(90)));
        assertEquals("2500ms", DurationConverter.text(Duration.ofMillis(2500)));
        assertEquals("0s", DurationConverter.text(Duration.ZERO));
    }

    @Test
    void theLastLineSaysDoneOnlyWhenTheRunIsComplete() {
        byte[] sent = "hi\n".getBytes(StandardCharsets.UTF_8);
        ConnectOutcome held = new ConnectOutcome(true, TcpState.ESTABLISHED, Text.of("", ""), sent, true, Path.of("runs/x.pcap"), 1,
                sent.length, ConnectOutcome.sha256(sent), null, new TransferTally(), null);
        assertEquals("not complete: echo matched (3 bytes); stopped by --timeout in ESTABLISHED. Open the capture with: "
                + "wireshark runs/x.pcap", ConnectCommand.summary(held, sent));
        ConnectOutcome closed = new ConnectOutcome(true, TcpState.CLOSED, Text.of("2MSL passed", "过了 2MSL"), sent, false,
                Path.of("runs/x.pcap"), 1, sent.length, ConnectOutcome.sha256(sent), null, new TransferTally(), null);
        assertTrue(ConnectCommand.summary(closed, sent).startsWith("done: echo matched (3 bytes); ended CLOSED (2MSL "
                + "passed)."), ConnectCommand.summary(closed, sent));
        assertEquals("完成：回显一致（3 字节）；结束于 CLOSED（过了 2MSL）。用 Wireshark 打开抓包文件：wireshark runs/x.pcap",
                ConnectCommand.summary(closed, sent, Text.Lang.zh));
        Text reset = said("connection reset by the peer (RST in FIN_WAIT_1)");
        ConnectOutcome unasked = new ConnectOutcome(true, TcpState.CLOSED, reset, sent, false, Path.of("runs/x.pcap"),
                1, sent.length, ConnectOutcome.sha256(sent), null, new TransferTally(), null);
        assertTrue(ConnectCommand.summary(unasked, sent).startsWith("not complete: "), "a reset nobody asked for");
        AskedEnding rstClose = AskedEnding.of(PeerOptions.DEFAULT.withResetOnClose(true), TcpConfig.defaults(), List.of());
        ConnectOutcome asked = new ConnectOutcome(true, TcpState.CLOSED, reset, sent, false, Path.of("runs/x.pcap"), 1,
                sent.length, ConnectOutcome.sha256(sent), null, new TransferTally(), rstClose);
        assertTrue(ConnectCommand.summary(asked, sent).startsWith("done: echo matched (3 bytes); ended CLOSED (" + reset.en()
                + "): the abortive close --peer-rst-close asked for."), ConnectCommand.summary(asked, sent));
        assertTrue(ConnectCommand.summary(asked, sent, Text.Lang.zh).startsWith("完成：回显一致（3 字节）；结束于 CLOSED（"
                + reset.zh() + "）：这正是 --peer-rst-close 要求的中止式关闭。"), ConnectCommand.summary(asked, sent, Text.Lang.zh));
    }

    /** A close reason as the endpoint gives it, in both languages. */
    static Text said(String en) {
        return Text.of(en, "（中文）" + en);
    }

    @Test
    void aKeepAliveThatGivesUpAsAskedEndsTheRunDone() {
        // The README's rows for keep-alive: the kernel's probes lost (a crashed client), or its answers to ours.
        byte[] sent = "hi\n".getBytes(StandardCharsets.UTF_8);
        AskedEnding crashedClient = AskedEnding.of(PeerOptions.DEFAULT.withKeepalive(new KernelPeer.Keepalive(1, 1, 3)),
                TcpConfig.defaults(), List.of(FaultRule.parse(FaultRule.Action.DROP, "in:keepalive:all")));
        Text reset = said("connection reset by the peer (RST in ESTABLISHED)");
        ConnectOutcome theirs = new ConnectOutcome(true, TcpState.CLOSED, reset, sent, false, Path.of("runs/x.pcap"), 1,
                sent.length, ConnectOutcome.sha256(sent), null, new TransferTally(), crashedClient);
        assertTrue(ConnectCommand.summary(theirs, sent).startsWith("done: echo matched (3 bytes); ended CLOSED (" + reset.en()
                + "): the kernel's keep-alive gave up on a peer that stopped answering"), ConnectCommand.summary(theirs, sent));
        AskedEnding silentPeer = AskedEnding.of(PeerOptions.DEFAULT, TcpConfig.defaults().withKeepalive(
                new TcpConfig.Keepalive(Duration.ofSeconds(1), Duration.ofSeconds(1), 3)),
                List.of(FaultRule.parse(FaultRule.Action.DROP, "in:ack:all")));
        Text aborted = said("aborted: keep-alive: 3 probes unanswered; the peer is taken for dead");
        ConnectOutcome ours = new ConnectOutcome(true, TcpState.CLOSED, aborted, sent, false, Path.of("runs/x.pcap"), 1,
                sent.length, ConnectOutcome.sha256(sent), null, new TransferTally(), silentPeer);
        assertTrue(ConnectCommand.summary(ours, sent).startsWith("done: echo matched (3 bytes); ended CLOSED (" + aborted.en()
                + "): our keep-alive gave up"), ConnectCommand.summary(ours, sent));
        // The same ending when the options did not ask for it stays a failure.
        ConnectOutcome unasked = new ConnectOutcome(true, TcpState.CLOSED, aborted, sent, false, Path.of("runs/x.pcap"), 1,
                sent.length, ConnectOutcome.sha256(sent), null, new TransferTally(), crashedClient);
        assertTrue(ConnectCommand.summary(unasked, sent).startsWith("not complete: "), ConnectCommand.summary(unasked, sent));
    }

    @Test
    void replaysLiveOptionsWithoutLiveAreRefusedNotIgnored() {
        assertRefused("--drop, --msl are for --live, the re-enactment against a live kernel",
                "replay", "captures/handshake-echo-close.pcap", "--drop", "in:syn", "--msl", "5s");
        assertRefused("--max-gap is for the replay without --live",
                "replay", "--live", "--max-gap", "1s", "captures/handshake-echo-close.pcap");
        assertRefused("--peer-discard is for --live", "replay", "--peer-discard", "captures/handshake-echo-close.pcap");
        assertRefused("--peer-discard sets up the lab network's kernel peer; on --iface the peer is the socket --peer "
                + "names", "replay", "--live", "--iface", "tcplab-none0",
                "--peer", "192.0.2.1:7", "--peer-discard", "captures/handshake-echo-close.pcap");
        assertRefused("--peer-closes-first is for --live", "replay", "--peer-closes-first",
                "captures/handshake-echo-close.pcap");
        assertRefused("--peer-closes-first sets up the lab network's kernel peer", "replay", "--live", "--iface",
                "tcplab-none0", "--peer", "192.0.2.1:7", "--peer-closes-first", "captures/handshake-echo-close.pcap");
        assertRefused("--peer-rst-close is for --live", "replay", "--peer-rst-close", "captures/handshake-echo-close.pcap");
        assertRefused("--follow-hints is for --live", "replay", "--follow-hints", "captures/handshake-echo-close.pcap");
        assertRefused("--peer-keepalive is for --live", "replay", "--peer-keepalive", "1,1,3",
                "captures/handshake-echo-close.pcap");
        assertRefused("--peer-keepalive takes whole seconds IDLE,INTERVAL,COUNT", "replay", "--live", "--peer-keepalive",
                "1s,1s,3", "captures/handshake-echo-close.pcap");
        assertRefused("--peer-close-delay, --peer-keepalive set up the lab network's kernel peer", "replay", "--live",
                "--iface", "tcplab-none0", "--peer", "192.0.2.1:7", "--peer-close-delay", "1s", "--peer-keepalive", "1,1,3",
                "captures/handshake-echo-close.pcap");
        assertRefused("--peer-rst-close sets up the lab network's kernel peer", "replay", "--live", "--iface",
                "tcplab-none0", "--peer", "192.0.2.1:7", "--peer-rst-close", "captures/handshake-echo-close.pcap");
        assertRefused("--peer-answers is for --live", "replay", "--peer-answers", "captures/handshake-echo-close.pcap");
        assertRefused("--read-rate is for --live", "replay", "--read-rate", "10KB/s", "captures/handshake-echo-close.pcap");
        assertRefused("--peer-answers sets up the lab network's kernel peer", "replay", "--live", "--iface",
                "tcplab-none0", "--peer", "192.0.2.1:7", "--peer-answers", "captures/handshake-echo-close.pcap");
        assertRefused("--peer-answers replies as the recorded server did; --peer-discard keeps what arrives and answers "
                + "nothing: give one", "replay", "--live", "--peer-answers", "--peer-discard",
                "captures/handshake-echo-close.pcap");
        assertRefused("--as is for --live", "replay", "--as", "server", "captures/handshake-echo-close.pcap");
        assertRefused("--peer-closes-first, --peer-answers shape the kernel server of a re-enacted client; with --as "
                + "server our endpoint is the server and the lab's kernel the client", "replay", "--live", "--as", "server",
                "--peer-answers", "--peer-closes-first", "captures/handshake-echo-close.pcap");
        assertRefused("--as server on --iface needs --agent ADDR: the agent on the peer machine (tcplab peer agent) has "
                + "its kernel play the recorded client", "replay", "--live", "--as", "server", "--iface", "tcplab-none0",
                "--peer", "192.0.2.1:7", "captures/handshake-echo-close.pcap");
        assertRefused("--agent is for a peer on another machine (with --iface and --peer); the lab network's peer needs "
                + "none", "replay", "--live", "--as", "server", "--agent", "192.0.2.1", "captures/handshake-echo-close.pcap");
        assertRefused("--agent is for --live", "replay", "--agent", "192.0.2.1", "captures/handshake-echo-close.pcap");
        assertRefused("Invalid value for option '--as'", "replay", "--live", "--as", "both",
                "captures/handshake-echo-close.pcap");
    }

    @Test
    void theCompletionScriptCompletesCommandsOptionsAndExerciseNamesInBash() throws Exception {
        assertEquals(0, run("completion"));
        Path script = Files.createTempFile("tcplab-completion", ".bash");
        try {
            Files.writeString(script, out.toString());
            // bash completes a word by calling the function with COMP_WORDS set, as a shell does on Tab.
            String complete = "source " + script + "; c() { COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1));"
                    + " COMP_LINE=\"$*\"; COMP_POINT=${#COMP_LINE}; _complete_tcplab 2>/dev/null;"
                    + " echo \"${COMPREPLY[*]}\"; };"
                    + " c ./tcplab con; c ./tcplab lab t; c tcplab connect --rst-guard f;"
                    + " c ./tcplab analyze --format j";
            Process bash = new ProcessBuilder("bash", "-c", complete).redirectErrorStream(true).start();
            String got = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(bash.waitFor(20, TimeUnit.SECONDS));
            assertEquals(List.of("connect", "time-wait two-way", "firewall", "json"), List.of(got.strip().split("\n")),
                    got);
        } finally {
            Files.delete(script);
        }
    }

    @Test
    void peerConnectToAPortNobodyListensOnSaysWhatToStartFirst() throws Exception {
        int free;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            free = s.getLocalPort();
        }
        assertEquals(ExitCodes.CHECK_FAILED, run("peer", "connect", "127.0.0.1:" + free, "--wait", "1s"));
        assertTrue(err.toString().contains("tcplab peer: cannot connect to 127.0.0.1:" + free + ": Connection refused "
                + "(nothing listens there: start sudo ./tcplab listen on that machine first)"), err.toString());
    }

    @Test
    void anAgentIsForAPeerOnAnotherMachineOnly() {
        assertRefused("--agent is for a peer on another machine", "lab", "handshake", "--agent", "10.77.8.2");
    }

    @Test
    void peerAgentHasHelpWithAnExample() {
        assertEquals(ExitCodes.OK, run("peer", "agent", "--help"));
        assertTrue(out.toString().contains("--agent PEER_VM_ADDR"), out.toString());
    }

    @Test
    void badDurationSaysHowToWriteOne() {
        assertRefused("like 500ms", "connect", "--msl", "soon");
    }

    @Test
    void badFormatIsRejected() {
        assertEquals(ExitCodes.USAGE, run("connect", "--format", "xml"));
    }

    @Test
    void durationsAsPeopleWriteThem() {
        DurationConverter c = new DurationConverter();
        assertEquals(Duration.ofMillis(500), c.convert("500ms"));
        assertEquals(Duration.ofMillis(1500), c.convert("1.5s"));
        assertEquals(Duration.ofMinutes(2), c.convert("2m"));
    }

    @Test
    void labListNamesOneExercisePerSeedClaimInEitherLanguage() {
        assertEquals(0, run("lab", "list"));
        for (String name : new String[] {"seq-ack", "handshake", "close", "time-wait", "two-way", "keepalive"}) {
            assertTrue(out.toString().contains(name), out.toString());
        }
        out.getBuffer().setLength(0);
        assertEquals(0, run("lab", "list", "--lang", "zh"));
        assertTrue(out.toString().contains("三次握手"), out.toString());
    }

    @Test
    void labSpeaksTheLanguageTheLocaleAsksForUnlessToldOtherwise() throws Exception {
        // zh_CN is not installed on these machines (nor in most containers): the variable is what counts.
        Map<String, String> chinese = Map.of("LANG", "zh_CN.UTF-8");
        assertTrue(inItsOwnJvm(chinese, List.of(), "lab", "list").contains("handshake  三次握手"));
        assertTrue(inItsOwnJvm(chinese, List.of(), "lab", "list", "--lang", "en")
                .contains("handshake  The three-way handshake"));
        assertTrue(inItsOwnJvm(Map.of("LANG", "zh_CN.UTF-8", "LC_MESSAGES", "en_GB.UTF-8"), List.of(), "lab", "list")
                .contains("handshake  The three-way handshake"), "LC_MESSAGES comes before LANG");
        assertTrue(inItsOwnJvm(Map.of("LANG", "C"), List.of(), "lab", "list").contains("handshake  The three-way handshake"));
    }

    @Test
    void anUnknownExerciseIsAUsageErrorNamingTheList() {
        assertRefused("no exercise named 'tcp-fast-open'", "lab", "tcp-fast-open");
        assertTrue(err.toString().contains("lab list"), err.toString());
    }
}
