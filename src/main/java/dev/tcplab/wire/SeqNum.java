package dev.tcplab.wire;

/**
 * A TCP sequence number: 32-bit and modular (RFC 9293 §3.4). Never compare two of them with
 * {@code <} on ints or longs; "a before b" means the signed 32-bit distance from a to b is
 * positive, which is correct as long as the two lie within 2^31 of each other.
 */
public record SeqNum(int bits) implements Comparable<SeqNum> {

    public static final SeqNum ZERO = new SeqNum(0);

    public static SeqNum of(long unsigned) {
        return new SeqNum((int) unsigned);
    }

    /** The number as the wire shows it: 0 .. 2^32-1. */
    public long value() {
        return Integer.toUnsignedLong(bits);
    }

    public SeqNum plus(long n) {
        return new SeqNum(bits + (int) n);
    }

    /** Signed distance this - other, for numbers within 2^31 of each other. */
    public int minus(SeqNum other) {
        return bits - other.bits;
    }

    public boolean lt(SeqNum o) { return minus(o) < 0; }
    public boolean le(SeqNum o) { return minus(o) <= 0; }
    public boolean gt(SeqNum o) { return minus(o) > 0; }
    public boolean ge(SeqNum o) { return minus(o) >= 0; }

    /** lo &lt;= this &lt; hi, modular; an empty range (lo == hi) holds nothing. */
    public boolean inRange(SeqNum lo, SeqNum hi) {
        return ge(lo) && lt(hi);
    }

    /** Ordering by modular distance; only meaningful for numbers within 2^31 of each other. */
    @Override
    public int compareTo(SeqNum o) {
        return Integer.signum(minus(o));
    }

    @Override
    public String toString() {
        return Long.toString(value());
    }
}
