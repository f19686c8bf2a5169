package dev.tcplab.cli;

import dev.tcplab.host.EnvironmentProblem;
import dev.tcplab.link.PeerUnreachableException;
import java.io.PrintWriter;
import picocli.CommandLine;

/** DESIGN.md's exit codes, and the one place exceptions become them. */
public final class ExitCodes {
    public static final int OK = 0;
    /** The exercise's check failed: no connection, a reset, a missing echo. */
    public static final int CHECK_FAILED = 1;
    /** Bad usage: picocli's own code for parameter errors is 2 as well. */
    public static final int USAGE = 2;
    /** The environment: no privilege, no libpcap, no such interface. */
    public static final int ENVIRONMENT = 3;

    private ExitCodes() {
    }

    /**
     * A mistyped option gets its one sentence, picocli's suggestion if it has one, and where the help is:
     * picocli's default printed the whole help after the sentence (60 lines for connect), which scrolled
     * the sentence off the screen.
     */
    static final class UsageHandler implements CommandLine.IParameterExceptionHandler {
        @Override
        public int handleParseException(CommandLine.ParameterException e, String[] args) {
            CommandLine cl = e.getCommandLine();
            PrintWriter err = cl.getErr();
            err.println("tcplab: " + e.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
            err.println("See '" + cl.getCommandSpec().qualifiedName() + " --help' for the "
                    + (cl.getParent() == null ? "commands." : "options and examples."));
            err.flush();
            return USAGE;
        }
    }

    /** One clear sentence on stderr instead of a stack trace (which `--debug` shows). */
    static final class Handler implements CommandLine.IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
            boolean debug = parsed.hasMatchedOption("--debug")
                    || (parsed.subcommand() != null && parsed.subcommand().hasMatchedOption("--debug"));
            if (debug) {
                e.printStackTrace(cl.getErr());
            }
            if (e instanceof EnvironmentProblem) {
                cl.getErr().println("tcplab: " + e.getMessage());
                return ENVIRONMENT;
            }
            if (e instanceof PeerUnreachableException) {
                cl.getErr().println("tcplab: " + e.getMessage());
                return CHECK_FAILED;
            }
            if (e instanceof IllegalArgumentException) {
                cl.getErr().println("tcplab: " + e.getMessage());
                return USAGE;
            }
            if (!debug) {
                cl.getErr().println("tcplab: unexpected error: " + e + " (run again with --debug for the stack trace)");
            }
            return CHECK_FAILED;
        }
    }
}
