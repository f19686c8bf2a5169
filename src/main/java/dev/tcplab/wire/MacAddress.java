package dev.tcplab.wire;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/** A 48-bit Ethernet address. */
public final class MacAddress {

    public static final MacAddress BROADCAST = new MacAddress(new byte[] {-1, -1, -1, -1, -1, -1});
    public static final MacAddress ZERO = new MacAddress(new byte[6]);

    private final byte[] bytes;

    private MacAddress(byte[] bytes) {
        this.bytes = bytes;
    }

    public static MacAddress read(byte[] b, int off) {
        return new MacAddress(Arrays.copyOfRange(b, off, off + 6));
    }

    public static MacAddress parse(String text) {
        byte[] b = HexFormat.ofDelimiter(":").parseHex(text.trim().toLowerCase());
        if (b.length != 6) {
            throw new IllegalArgumentException("not a MAC address: " + text);
        }
        return new MacAddress(b);
    }

    /**
     * A random locally administered unicast address (first octet 02, as FIELD-NOTES measured to
     * work on veth without promiscuous mode): the userspace endpoint's own, owned by no NIC.
     */
    public static MacAddress randomLocal() {
        byte[] b = new byte[6];
        ThreadLocalRandom.current().nextBytes(b);
        b[0] = 0x02;
        return new MacAddress(b);
    }

    public void write(byte[] b, int off) {
        System.arraycopy(bytes, 0, b, off, 6);
    }

    public boolean matches(byte[] b, int off) {
        return Arrays.equals(bytes, 0, 6, b, off, off + 6);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MacAddress m && Arrays.equals(bytes, m.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return HexFormat.ofDelimiter(":").formatHex(bytes);
    }
}
