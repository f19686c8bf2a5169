package dev.tcplab.cli;

import java.io.IOException;
import java.io.PrintWriter;

/**
 * The reader of our output went away (`tcplab analyze big.pcap | head`): stop quietly, as
 * tcpdump and cat do, instead of reporting an error nobody asked about.
 */
final class ClosedOutput extends RuntimeException {

    private ClosedOutput() {
        super(null, null, false, false);
    }

    /** Throws when a PrintWriter (which swallows its errors) has failed to write. */
    static void check(PrintWriter text) {
        if (text.checkError()) {
            throw new ClosedOutput();
        }
    }

    /** True for a failed write to stdout: a closed pipe, or ClosedOutput itself. */
    static boolean is(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ClosedOutput || t instanceof IOException && "Broken pipe".equals(t.getMessage())) {
                return true;
            }
        }
        return false;
    }
}
