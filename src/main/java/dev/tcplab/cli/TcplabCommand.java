package dev.tcplab.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The root command; {@link Main} adds the subcommands (only the one called, to start faster). Built
 * with picocli's programmatic API for the reason {@link AnalyzeCommand#AnalyzeCommand() AnalyzeCommand} gives.
 */
public final class TcplabCommand implements Callable<Integer> {
    private final CommandSpec spec = CommandSpec.wrapWithoutInspection(this);

    TcplabCommand() {
        spec.name("tcplab").versionProvider(new Version());
        StandardHelpOptions.addTo(spec);
        spec.usageMessage()
                .description("TCP connection management, visible on a real wire: a userspace TCP endpoint that talks to a "
                        + "live Linux kernel over raw frames, prints the ladder as it happens and records a .pcap.")
                .footerHeading("%nExamples:%n")
                .footer("  sudo ./tcplab connect                        handshake, echo, close and TIME_WAIT in a lab network",
                        "  sudo ./tcplab connect --send 'hi' --msl 2s   a different payload; TIME_WAIT lasts 2 × 2 s",
                        "  sudo ./tcplab connect --format json          the same events as JSON lines",
                        "  sudo ./tcplab connect --iface eth0 --peer 192.0.2.10:8080 --src 192.0.2.99",
                        "  sudo ./tcplab lab handshake                  a guided exercise: explanation, live run, PASS/FAIL checks",
                        "  tcplab analyze captures/handshake-echo-close.pcap",
                        "                                               a saved capture: ladder, states, summary",
                        "%nExit codes: 0 ok, 1 the run's check failed, 2 usage, 3 environment (privilege, libpcap, interface).");
    }

    CommandSpec spec() {
        return spec;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return ExitCodes.USAGE;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = TcplabCommand.class.getPackage().getImplementationVersion();
            return new String[] {"tcplab " + (v == null ? "dev" : v),
                    "Java " + System.getProperty("java.version") + ", pcap4j 1.8.2"};
        }
    }
}
