package dev.tcplab.cli;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Byte counts as people write them: 1500, 64KiB, 10MB, 1GiB (KB/MB/GB in powers of 1000). */
final class SizeConverter implements ITypeConverter<Long> {
    private static final Pattern P = Pattern.compile("(\\d+)\\s*(B|KB|KiB|MB|MiB|GB|GiB)?", Pattern.CASE_INSENSITIVE);
    /** Bounded: a lab transfer, not a disk filler. */
    static final long MAX = 4L << 30;

    @Override
    public Long convert(String value) {
        Matcher m = P.matcher(value.trim());
        if (!m.matches()) {
            throw new TypeConversionException("'" + value + "' is not a size: write it like 1500, 64KiB or 10MB");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase();
        long bytes = switch (unit) {
            case "KB" -> n * 1000;
            case "KIB" -> n << 10;
            case "MB" -> n * 1000_000;
            case "MIB" -> n << 20;
            case "GB" -> n * 1000_000_000;
            case "GIB" -> n << 30;
            default -> n;
        };
        if (bytes < 0 || bytes > MAX) {
            throw new TypeConversionException("sizes go up to 4 GiB, got " + value);
        }
        return bytes;
    }
}
