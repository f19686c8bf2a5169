package dev.tcplab.host;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a system command (ip, ethtool, iptables, ss) with a time limit, and reports failures plainly. */
public final class Shell {
    private static final long TIMEOUT_SECONDS = 20;

    private Shell() {
    }

    public record Result(int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /** Runs and returns whatever happened; never throws for a non-zero exit. */
    public static Result run(List<String> command) {
        return run(command, Duration.ofSeconds(TIMEOUT_SECONDS));
    }

    /** The same, for a command that may take longer (a re-enactment that keeps a recording's pauses). */
    public static Result run(List<String> command, Duration limit) {
        ProcessBuilder pb = new ProcessBuilder(command);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            String tool = command.get(0);
            throw new EnvironmentProblem("cannot run '" + tool + "': " + e.getMessage() + "; install it ("
                    + packageFor(tool) + ") or run ./tcplab as root, which installs it.", e);
        }
        try {
            p.getOutputStream().close();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread e = drain(p.getErrorStream(), err);
            Thread o = drain(p.getInputStream(), out);
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new EnvironmentProblem("'" + String.join(" ", command) + "' did not finish in "
                        + limit.toSeconds() + " s");
            }
            o.join();
            e.join();
            return new Result(p.exitValue(), out.toString(), err.toString());
        } catch (IOException e) {
            throw new EnvironmentProblem("'" + String.join(" ", command) + "' failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new EnvironmentProblem("interrupted while running '" + String.join(" ", command) + "'", e);
        }
    }

    /** Runs and throws with the command's own message when it fails. */
    public static String check(String... command) {
        Result r = run(List.of(command));
        if (!r.ok()) {
            throw new EnvironmentProblem("'" + String.join(" ", command) + "' failed (exit " + r.exitCode() + "): "
                    + r.stderr().strip());
        }
        return r.stdout();
    }

    public static Result run(String... command) {
        return run(List.of(command));
    }

    /** The same command run inside a named network namespace (via ip netns exec), or here if ns is null. */
    public static List<String> inNamespace(String ns, String... command) {
        List<String> c = new ArrayList<>();
        if (ns != null) {
            c.addAll(List.of("ip", "netns", "exec", ns));
        }
        c.addAll(List.of(command));
        return c;
    }

    private static Thread drain(InputStream in, ByteArrayOutputStream sink) {
        Thread t = new Thread(() -> {
            try {
                in.transferTo(sink);
            } catch (IOException ignored) {
                // the process died; what was read is what we report
            }
        }, "shell-drain");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static String packageFor(String tool) {
        return switch (tool) {
            case "ip", "ss" -> "apt-get install iproute2";
            case "ethtool" -> "apt-get install ethtool";
            case "iptables" -> "apt-get install iptables";
            case "tshark" -> "apt-get install tshark";
            default -> "apt-get install " + tool;
        };
    }
}
