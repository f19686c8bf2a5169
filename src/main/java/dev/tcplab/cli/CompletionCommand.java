package dev.tcplab.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Tab completion of commands and options: picocli writes the bash script from the command line itself. */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Prints a tab-completion script for bash.",
                "Commands, options and their values, and the exercises' names; zsh takes it after bashcompinit."},
        footerHeading = "%nExamples:%n",
        footer = {"  source <(./tcplab completion)                         in this shell",
                "  ./tcplab completion > /etc/bash_completion.d/tcplab   in every new shell"})
final class CompletionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        String script = AutoComplete.bash("tcplab", spec.root().commandLine());
        // Students run ./tcplab from the checkout, and sudo ./tcplab: complete those names too.
        script += "\ncomplete -F _complete_tcplab -o default ./tcplab\n";
        spec.commandLine().getOut().print(script);
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
