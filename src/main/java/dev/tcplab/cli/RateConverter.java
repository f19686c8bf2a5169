package dev.tcplab.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A rate in bytes per second, written as a size with or without "/s": 10KB/s, 512B/s, 2000. */
final class RateConverter implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        String size = value.trim().replaceFirst("(?i)\\s*/\\s*s(ec)?$", "");
        long rate;
        try {
            rate = new SizeConverter().convert(size);
        } catch (TypeConversionException e) {
            throw new TypeConversionException("'" + value + "' is not a rate: write it like 10KB/s or 512B/s");
        }
        if (rate == 0) { // an application that never reads: that is a --read-delay, and would divide by zero here
            throw new TypeConversionException("a rate must be above 0; for an application that reads nothing for a "
                    + "while, give a read delay instead");
        }
        return rate;
    }

    /** The rate as users write it back: 10MB/s, 10KB/s, 1.5KB/s, 700B/s. */
    static String text(long bytesPerSecond) {
        if (bytesPerSecond >= 1_000_000 && bytesPerSecond % 100_000 == 0) {
            return java.math.BigDecimal.valueOf(bytesPerSecond, 6).stripTrailingZeros().toPlainString() + "MB/s";
        }
        if (bytesPerSecond >= 1000 && bytesPerSecond % 100 == 0) {
            return java.math.BigDecimal.valueOf(bytesPerSecond, 3).stripTrailingZeros().toPlainString() + "KB/s";
        }
        return bytesPerSecond + "B/s";
    }
}
