package dev.tcplab.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Durations as people type them: 500ms, 2s, 1.5s, 2m, 1h. */
final class DurationConverter implements ITypeConverter<Duration> {
    private static final Pattern P = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

    @Override
    public Duration convert(String value) {
        Matcher m = P.matcher(value.trim());
        if (!m.matches()) {
            if (value.trim().matches("\\d+(\\.\\d+)?")) {
                throw new TypeConversionException("'" + value + "' needs a unit: " + value.trim() + "s, "
                        + value.trim() + "ms, " + value.trim() + "m or " + value.trim() + "h");
            }
            throw new TypeConversionException("'" + value + "' is not a duration: write it like 500ms, 2s, 2m or 1h");
        }
        double n = Double.parseDouble(m.group(1));
        long nanos = switch (m.group(2)) {
            case "ms" -> (long) (n * 1e6);
            case "s" -> (long) (n * 1e9);
            case "m" -> (long) (n * 60e9);
            default -> (long) (n * 3600e9);
        };
        return Duration.ofNanos(nanos);
    }

    /** A duration as a message shows it, in the largest whole unit: "4m", "3s", "2500ms". */
    static String text(Duration d) {
        long ms = d.toMillis();
        if (ms != 0 && ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms != 0 && ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }
}
