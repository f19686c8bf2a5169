package dev.tcplab.capture;

/** Reads file-header integers in the byte order the capture was written in. */
enum ByteOrderReader {
    BIG {
        @Override
        int u16(byte[] b, int off) {
            return (b[off] & 0xff) << 8 | (b[off + 1] & 0xff);
        }

        @Override
        int u32(byte[] b, int off) {
            return (b[off] & 0xff) << 24 | (b[off + 1] & 0xff) << 16 | (b[off + 2] & 0xff) << 8 | (b[off + 3] & 0xff);
        }
    },
    LITTLE {
        @Override
        int u16(byte[] b, int off) {
            return (b[off + 1] & 0xff) << 8 | (b[off] & 0xff);
        }

        @Override
        int u32(byte[] b, int off) {
            return (b[off + 3] & 0xff) << 24 | (b[off + 2] & 0xff) << 16 | (b[off + 1] & 0xff) << 8 | (b[off] & 0xff);
        }
    };

    abstract int u16(byte[] b, int off);

    /** The 32 bits as an int; use {@link #u32L} where the unsigned value matters. */
    abstract int u32(byte[] b, int off);

    /** A 64-bit integer stored whole in this byte order (not as two halves, high first). */
    long u64(byte[] b, int off) {
        long first = u32L(b, off), second = u32L(b, off + 4);
        return this == BIG ? first << 32 | second : second << 32 | first;
    }

    long u32L(byte[] b, int off) {
        return Integer.toUnsignedLong(u32(b, off));
    }
}
