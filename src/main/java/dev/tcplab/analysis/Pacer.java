package dev.tcplab.analysis;

import dev.tcplab.text.Text;
import java.util.Locale;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * Hands segments on at the pace they were captured, scaled by a speed factor, for replaying a
 * capture in front of a class. Gaps longer than {@code maxGapNanos} (an idle connection's 2 hours
 * before a keepalive) are cut short, and the cut is said in a note. Clock and sleep are injected.
 */
public final class Pacer extends ForwardingSink {
    private final double speed;
    private final long maxGapNanos;
    private final LongSupplier clock;
    private final LongConsumer sleep;
    private long started = Long.MIN_VALUE;
    /** Capture time already skipped by cutting long gaps. */
    private long skipped;
    private long lastCaptureTime;

    /**
     * @param speed 1 for real time, 10 for ten times faster; {@link Double#POSITIVE_INFINITY} for no pacing
     */
    public Pacer(AnalysisSink next, double speed, long maxGapNanos, LongSupplier clock, LongConsumer sleep) {
        super(next);
        if (!(speed > 0)) {
            throw new IllegalArgumentException("speed must be above 0, got " + speed);
        }
        this.speed = speed;
        this.maxGapNanos = maxGapNanos;
        this.clock = clock;
        this.sleep = sleep;
    }

    @Override
    public void segment(AnalyzedSegment s) {
        if (Double.isFinite(speed)) {
            pace(s.timeNanos());
        }
        next.segment(s);
    }

    private void pace(long captureTime) {
        if (started == Long.MIN_VALUE) {
            started = clock.getAsLong();
            skipped = captureTime;
            lastCaptureTime = captureTime;
        }
        long gap = captureTime - lastCaptureTime;
        if (gap > maxGapNanos) {
            skipped += gap - maxGapNanos;
            String passed = seconds(gap), waited = seconds((long) (maxGapNanos / speed));
            next.note(Text.of(passed + " s pass here in the capture; replay waits " + waited + " s",
                    "抓包中此处过了 " + passed + " 秒；回放只等 " + waited + " 秒"));
        }
        lastCaptureTime = captureTime;
        long due = started + (long) ((captureTime - skipped) / speed);
        long wait = due - clock.getAsLong();
        if (wait > 0) {
            sleep.accept(wait);
        }
    }

    /** To the millisecond, without trailing zeros (a 10 ms wait is not "0.0 s"), with a point whatever the locale. */
    static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e9).replaceFirst("\\.?0+$", "");
    }
}
