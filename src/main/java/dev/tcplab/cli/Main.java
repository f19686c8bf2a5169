package dev.tcplab.cli;

import picocli.CommandLine;

/** Entry point: `java -jar tcplab.jar ...` or the ./tcplab launcher. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, shared with tests so they see what users see. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new TcplabCommand());
        cl.setExecutionExceptionHandler(new ExitCodes.Handler());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }
}
