package dev.tcplab.cli;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;

/** Entry point: `java -jar tcplab.jar ...` or the ./tcplab launcher. */
public final class Main {
    /** The subcommands, in the order `tcplab --help` lists them. */
    private static final Map<String, Supplier<Object>> SUBCOMMANDS = new LinkedHashMap<>();

    static {
        SUBCOMMANDS.put("connect", ConnectCommand::new);
        SUBCOMMANDS.put("listen", ListenCommand::new);
        SUBCOMMANDS.put("peer", PeerCommand::new);
        SUBCOMMANDS.put("analyze", () -> new AnalyzeCommand().spec());
        SUBCOMMANDS.put("replay", ReplayCommand::new);
        SUBCOMMANDS.put("lab", LabCommand::new);
        // A completion script describes every command: it is built with all of them, as help is.
        SUBCOMMANDS.put("completion", CompletionCommand::new);
        // `tcplab help [COMMAND]`, as users type it; it needs the others beside it to find COMMAND.
        SUBCOMMANDS.put("help", CommandLine.HelpCommand::new);
    }

    private Main() {
    }

    public static void main(String[] args) {
        Utf8Console.install();
        // Numbers print as tshark and tcpdump print them, whatever the user's locale: a German one gave
        // "12,578" in the ladder's time column and "1,022s" in the summary table, next to "RTT 3.362 ms".
        Locale.setDefault(Locale.Category.FORMAT, Locale.ROOT);
        System.exit(commandLine(args.length > 0 ? args[0] : null).execute(args));
    }

    /** The configured command line with every subcommand, shared with tests so they see what users see. */
    public static CommandLine commandLine() {
        return commandLine(null);
    }

    /**
     * The command line with only the subcommand called {@code chosen}, or with all of them when
     * {@code chosen} names none (`--help`, a typo picocli suggests a fix for) or is `help`. picocli
     * reflects over every option of every subcommand it is given: building all of them cost ~70 ms of
     * the ~400 ms before `analyze` reads its first packet (docs/performance.md).
     */
    static CommandLine commandLine(String chosen) {
        CommandLine cl = new CommandLine(new TcplabCommand().spec());
        if (SUBCOMMANDS.containsKey(chosen) && !chosen.equals("help") && !chosen.equals("completion")) {
            cl.addSubcommand(chosen, SUBCOMMANDS.get(chosen).get());
        } else {
            SUBCOMMANDS.forEach((name, command) -> cl.addSubcommand(name, command.get()));
        }
        giveRootVersionTo(cl.getSubcommands().values(), cl.getCommandSpec().versionProvider());
        cl.setExecutionExceptionHandler(new ExitCodes.Handler());
        cl.setParameterExceptionHandler(new ExitCodes.UsageHandler());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        // The examples are one command per line: as wide as the terminal, 110 columns in a pipe.
        cl.setUsageHelpWidth(110);
        cl.setUsageHelpAutoWidth(true);
        return cl;
    }

    /** `-V` on a subcommand prints the tool's version (picocli's default for one with none is nothing). */
    private static void giveRootVersionTo(Collection<CommandLine> subcommands, CommandLine.IVersionProvider version) {
        for (CommandLine sub : subcommands) {
            sub.getCommandSpec().versionProvider(version);
            giveRootVersionTo(sub.getSubcommands().values(), version);
        }
    }
}
