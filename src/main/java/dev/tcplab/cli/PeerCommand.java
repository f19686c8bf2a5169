package dev.tcplab.cli;

import dev.tcplab.netns.KernelPeer;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "peer", mixinStandardHelpOptions = true, subcommands = {PeerCommand.Listen.class},
        description = {"The kernel peer on its own: a plain kernel socket for tcplab to talk to, for a lab on two",
                "machines (run it on the peer VM) or for your own namespaces."})
final class PeerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return ExitCodes.USAGE;
    }

    @Command(name = "listen", mixinStandardHelpOptions = true,
            description = "An echo server on a kernel socket; runs until Ctrl-C.",
            footer = {"%nExample, on the peer VM:  ./tcplab peer listen --port 7",
                    "then on the lab VM:        sudo ./tcplab connect --iface eth1 --peer PEER_VM_ADDR:7 --src UNUSED_ADDR"})
    static final class Listen implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--port", defaultValue = "7", description = "Port to listen on (default ${DEFAULT-VALUE}).")
        int port;

        @Option(names = "--send-bytes", paramLabel = "SIZE", converter = SizeConverter.class,
                description = "Instead of echoing, send SIZE bytes (a fixed stream) to each client, then close.")
        Long sendBytes;

        @Option(names = "--close-delay", defaultValue = "0s", converter = DurationConverter.class,
                description = "Wait this long after the client's FIN before closing (CLOSE_WAIT visible).")
        java.time.Duration closeDelay;

        @Override
        public Integer call() throws InterruptedException {
            PrintWriter err = spec.commandLine().getErr();
            CountDownLatch forever = new CountDownLatch(1);
            KernelPeer.Behaviour b = new KernelPeer.Behaviour(closeDelay, false, null, sendBytes == null ? 0 : sendBytes);
            try (KernelPeer peer = KernelPeer.echo(null, port, m -> {
                err.println("tcplab peer: " + m);
                err.flush();
            }, b)) {
                err.println("tcplab peer: echo server listening on port " + port + " (Ctrl-C stops it)");
                err.flush();
                Runtime.getRuntime().addShutdownHook(new Thread(forever::countDown));
                forever.await();
            }
            return ExitCodes.OK;
        }
    }
}
