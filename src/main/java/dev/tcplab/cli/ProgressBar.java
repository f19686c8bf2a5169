package dev.tcplab.cli;

import java.io.PrintStream;

/**
 * A progress bar on stderr for long reads, shown only when stderr is a terminal: pipes and files
 * get nothing extra. Redrawn at most five times a second, erased at the end.
 */
final class ProgressBar implements java.util.function.LongConsumer {
    private static final long REDRAW_NANOS = 200_000_000;
    private static final int WIDTH = 30;

    private final PrintStream err;
    private final long total;
    private final boolean enabled;
    private long lastDraw;
    private boolean drawn;

    ProgressBar(PrintStream err, long total, boolean enabled) {
        this.err = err;
        this.total = Math.max(1, total);
        this.enabled = enabled;
        this.lastDraw = System.nanoTime();
    }

    /** True when file descriptor 2 is a terminal (Linux: it links to a tty or pts device). */
    static boolean stderrIsTerminal() {
        return Terminals.isTerminal(2);
    }

    @Override
    public void accept(long position) {
        long now = System.nanoTime();
        if (!enabled || now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        int filled = (int) Math.min(WIDTH, WIDTH * position / total);
        err.printf("\r[%s%s] %3d%%  %,d of %,d MB", "#".repeat(filled), " ".repeat(WIDTH - filled),
                Math.min(100, 100 * position / total), position >> 20, total >> 20);
        err.flush();
        drawn = true;
    }

    void done() {
        if (drawn) {
            err.print("\r" + " ".repeat(WIDTH + 40) + "\r");
            err.flush();
        }
    }
}
