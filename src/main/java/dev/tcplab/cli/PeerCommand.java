package dev.tcplab.cli;

import dev.tcplab.netns.KernelPeer;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "peer", mixinStandardHelpOptions = true, subcommands = {PeerCommand.Listen.class, PeerCommand.Connect.class, PeerCommand.Agent.class},
        description = {"The kernel peer on its own: a plain kernel socket for tcplab to talk to.",
                "For a lab on two machines (run it on the peer VM) or for your own namespaces."})
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

        @Option(names = "--port", paramLabel = "PORT", defaultValue = "7",
                description = "Port to listen on (default ${DEFAULT-VALUE}).")
        int port;

        @Option(names = "--send-bytes", paramLabel = "SIZE", converter = SizeConverter.class,
                description = "Instead of echoing, send SIZE bytes (a fixed stream) to each client, then close.")
        Long sendBytes;

        @Option(names = "--discard", description = "Keep what arrives and send nothing back (a discard server: its ACKs "
                + "alone, e.g. the duplicate ACKs of tcplab lab loss).")
        boolean discard;

        @Option(names = "--close-delay", paramLabel = "DURATION", defaultValue = "0s", converter = DurationConverter.class,
                description = "Wait this long after the client's FIN before closing (CLOSE_WAIT visible).")
        java.time.Duration closeDelay;

        @Option(names = "--read-delay", paramLabel = "DURATION", defaultValue = "0s", converter = DurationConverter.class,
                description = "Read nothing for this long after accepting, from an 8 KB receive buffer: a client that "
                        + "sends more meets a zero window (tcplab lab window).")
        java.time.Duration readDelay;

        @Option(names = "--read-rate", paramLabel = "RATE", converter = RateConverter.class,
                description = "Read at most RATE (e.g. 10KB/s), a little every 50 ms, from an 8 KB receive buffer (after "
                        + "--read-delay): a faster client meets zero windows again and again.")
        Long readRate;

        @Override
        public Integer call() throws InterruptedException {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("--port must be 1..65535, got " + port);
            }
            PrintWriter err = spec.commandLine().getErr();
            CountDownLatch forever = new CountDownLatch(1);
            boolean tooLong = readDelay.compareTo(dev.tcplab.lab.PeerOptions.MAX_DELAY) > 0;
            if (tooLong || (!readDelay.isZero() && sendBytes != null)) {
                throw new IllegalArgumentException("--read-delay must be 10m or less, and is for a peer that reads, "
                        + "not with --send-bytes");
            }
            long rate = readRate == null ? 0 : readRate;
            if (readRate != null && (rate < dev.tcplab.lab.PeerOptions.MIN_READ_RATE
                    || rate > dev.tcplab.lab.PeerOptions.MAX_READ_RATE || sendBytes != null)) {
                throw new IllegalArgumentException("--read-rate must be between " + dev.tcplab.lab.PeerOptions.MIN_READ_RATE
                        + "B/s and " + RateConverter.text(dev.tcplab.lab.PeerOptions.MAX_READ_RATE) + ", and is for a "
                        + "peer that reads, not with --send-bytes");
            }
            if (discard && sendBytes != null) {
                throw new IllegalArgumentException("--discard sends nothing back, --send-bytes sends a stream: give one");
            }
            KernelPeer.Behaviour b = new KernelPeer.Behaviour(closeDelay, false, null, sendBytes == null ? 0 : sendBytes,
                    discard, false, readDelay, rate);
            try (KernelPeer peer = KernelPeer.echo(null, port, m -> {
                err.println("tcplab peer: " + m);
                err.flush();
            }, b)) {
                err.println("tcplab peer: " + (discard ? "discard" : sendBytes != null ? "sending" : "echo")
                        + " server listening on port " + port + " (Ctrl-C stops it)");
                err.flush();
                Runtime.getRuntime().addShutdownHook(new Thread(forever::countDown));
                forever.await();
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "connect", mixinStandardHelpOptions = true,
            description = "A kernel client: connects, sends a line, reads the echo, closes first.",
            footer = {"%nExample, on the peer VM while the lab VM runs `sudo ./tcplab listen --iface eth1 --peer PEER_VM_ADDR "
                    + "--src UNUSED_ADDR`:", "  ./tcplab peer connect UNUSED_ADDR:8080"})
    static final class Connect implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @picocli.CommandLine.Parameters(paramLabel = "ADDR:PORT", description = "Where tcplab listens.")
        String target;

        @Option(names = "--send", paramLabel = "TEXT", defaultValue = "hello from the kernel\n",
                description = "What to send (default: a short line).")
        String send;

        @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "3s", converter = DurationConverter.class,
                description = "How long to wait for the echo before closing (default ${DEFAULT-VALUE}).")
        java.time.Duration wait;

        @Override
        public Integer call() {
            dev.tcplab.wire.HostPort to = dev.tcplab.wire.HostPort.parse(target);
            byte[] payload = send.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            PrintWriter err = spec.commandLine().getErr();
            try (dev.tcplab.netns.KernelClient c = dev.tcplab.netns.KernelClient.start(null, to.addr().toString(),
                    to.port(), payload, wait)) {
                c.awaitFinished(wait.plusSeconds(15));
                if (c.failure() != null) {
                    String why = String.valueOf(c.failure().getMessage());
                    err.println("tcplab peer: cannot connect to " + to + ": " + why
                            + (why.contains("refused") ? " (nothing listens there: start sudo ./tcplab listen on that "
                            + "machine first)" : ""));
                    return ExitCodes.CHECK_FAILED;
                }
                boolean echoed = java.util.Arrays.equals(payload, c.received());
                err.println("tcplab peer: sent " + payload.length + " bytes, got " + c.received().length + " back"
                        + (echoed ? " (the same), closed" : ", closed"));
                return echoed ? ExitCodes.OK : ExitCodes.CHECK_FAILED;
            }
        }
    }

    @Command(name = "agent", mixinStandardHelpOptions = true,
            description = {"The peer machine of a two-machine lab.",
                    "`tcplab lab --agent` on the student's machine asks it, run by run, for the kernel server or "
                    + "client the exercise needs (closing late, keep-alive, a sysctl for the run's length, put back "
                    + "after it) and for its socket's state; `tcplab replay --live --agent` for the server a "
                    + "re-enacted client meets, or (--as server) a kernel client that plays a capture's recorded client. "
                    + "Runs until Ctrl-C."},
            footer = {"%nExample, on the peer VM:  sudo ./tcplab peer agent",
                    "then on the lab VM:        sudo ./tcplab lab all --iface eth1 \\",
                    "                          --peer PEER_VM_ADDR:7 --agent PEER_VM_ADDR \\",
                    "                          --src FREE_ADDR"})
    static final class Agent implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--port", paramLabel = "PORT", defaultValue = "" + dev.tcplab.lab.PeerAgent.DEFAULT_PORT,
                description = "Port the lab's control connection comes to (default ${DEFAULT-VALUE}).")
        int port;

        @Option(names = "--from", paramLabel = "ADDR", description = "Accept control connections from this lab machine "
                + "only (the agent starts servers and sets net.ipv4.tcp_* sysctls on request; default: any).")
        String from;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            java.util.function.Consumer<String> log = m -> {
                err.println("tcplab peer agent: " + m);
                err.flush();
            };
            try (dev.tcplab.lab.PeerAgent agent = dev.tcplab.lab.PeerAgent.listen(port, log,
                    from == null ? null : dev.tcplab.wire.Ipv4Address.parse(from))) {
                Runtime.getRuntime().addShutdownHook(new Thread(agent::close));
                if (!dev.tcplab.host.Privileges.has(dev.tcplab.host.Privileges.CAP_NET_ADMIN)) {
                    // Said at the start, not when the third exercise asks for a sysctl and is refused.
                    log.accept("not root: requests for a net.ipv4.tcp_* sysctl will be refused (two-way needs one);"
                            + " run it as sudo ./tcplab peer agent");
                }
                log.accept("waiting for labs on port " + agent.port() + " (Ctrl-C stops it)");
                agent.serve();
            }
            return ExitCodes.OK;
        }
    }
}
