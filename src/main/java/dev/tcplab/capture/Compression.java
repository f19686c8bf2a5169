package dev.tcplab.capture;

/**
 * Compressed files that Wireshark may open but tcplab does not inflate, known by their first four bytes,
 * so that the message names the tool that undoes them rather than calling the file garbage.
 */
final class Compression {
    private Compression() {
    }

    /** "zstd", "xz", "bzip2", "lz4" or "zip" for a file starting with {@code magic}; null for none of them. */
    static String name(int magic) {
        if (magic == 0x28b52ffd) {
            return "zstd";
        }
        if (magic == 0xfd377a58) {
            return "xz";
        }
        if (magic >>> 8 == 0x425a68) { // "BZh"
            return "bzip2";
        }
        if (magic == 0x04224d18) {
            return "lz4";
        }
        if (magic == 0x504b0304) {
            return "zip";
        }
        return null;
    }

    /** The command that decompresses {@code file} beside itself. */
    static String command(String compression, String file) {
        return switch (compression) {
            case "zstd" -> "zstd -d " + file;
            case "xz" -> "xz -dk " + file;
            case "bzip2" -> "bunzip2 -k " + file;
            case "lz4" -> "lz4 -d " + file;
            default -> "unzip " + file;
        };
    }
}
