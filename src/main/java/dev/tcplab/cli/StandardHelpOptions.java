package dev.tcplab.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * `-h, --help` and `-V, --version` for a command built without annotations. picocli's own
 * {@code mixinStandardHelpOptions} reads them from an annotated class, which is the cost
 * {@link AnalyzeCommand#AnalyzeCommand() AnalyzeCommand} avoids; the names and words here are the mixin's.
 */
final class StandardHelpOptions {
    private StandardHelpOptions() {
    }

    static void addTo(CommandSpec spec) {
        spec.addOption(OptionSpec.builder("-h", "--help").type(boolean.class).usageHelp(true)
                .description("Show this help message and exit.").build());
        spec.addOption(OptionSpec.builder("-V", "--version").type(boolean.class).versionHelp(true)
                .description("Print version information and exit.").build());
    }
}
