package dev.tcplab.wire;

import java.util.ArrayList;
import java.util.List;

/** A set of control bits: each is 1 or 0, as the seed notes stress (ACK, SYN, FIN are bits). */
public record Flags(int bits) {

    public static final Flags NONE = new Flags(0);
    public static final Flags SYN = of(Flag.SYN);
    public static final Flags SYN_ACK = of(Flag.SYN, Flag.ACK);
    public static final Flags ACK = of(Flag.ACK);
    public static final Flags FIN_ACK = of(Flag.FIN, Flag.ACK);
    public static final Flags RST = of(Flag.RST);
    public static final Flags RST_ACK = of(Flag.RST, Flag.ACK);
    public static final Flags PSH_ACK = of(Flag.PSH, Flag.ACK);

    public Flags {
        bits &= 0xff;
    }

    public static Flags of(Flag... flags) {
        int b = 0;
        for (Flag f : flags) {
            b |= f.bit;
        }
        return new Flags(b);
    }

    public boolean has(Flag f) {
        return (bits & f.bit) != 0;
    }

    public boolean syn() { return has(Flag.SYN); }
    public boolean ack() { return has(Flag.ACK); }
    public boolean fin() { return has(Flag.FIN); }
    public boolean rst() { return has(Flag.RST); }
    public boolean psh() { return has(Flag.PSH); }

    public Flags with(Flag f) {
        return new Flags(bits | f.bit);
    }

    public Flags without(Flag f) {
        return new Flags(bits & ~f.bit);
    }

    /** Names in the order a textbook writes them: SYN,ACK rather than ACK,SYN. */
    public List<String> names() {
        List<String> out = new ArrayList<>();
        for (Flag f : new Flag[] {Flag.SYN, Flag.FIN, Flag.RST, Flag.PSH, Flag.ACK, Flag.URG, Flag.ECE, Flag.CWR}) {
            if (has(f)) {
                out.add(f.name());
            }
        }
        return out;
    }

    /** Each set's text, made when it first turns up: a ladder writes one for every segment. */
    private static final String[] TEXT = new String[256];

    @Override
    public String toString() {
        String text = TEXT[bits];
        if (text == null) { // a race only makes the same text twice
            text = bits == 0 ? "none" : String.join(",", names());
            TEXT[bits] = text;
        }
        return text;
    }
}
