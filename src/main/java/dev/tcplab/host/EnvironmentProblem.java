package dev.tcplab.host;

/**
 * The machine lacks something tcplab needs (a privilege, libpcap, an interface). The message is
 * one sentence that says how to fix it; the command line turns it into exit code 3.
 */
public class EnvironmentProblem extends RuntimeException {
    public EnvironmentProblem(String message) {
        super(message);
    }

    public EnvironmentProblem(String message, Throwable cause) {
        super(message, cause);
    }
}
