package dev.tcplab.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Addresses and endpoints compare by value (their equals and hashCode are written out, not generated). */
class AddressEqualityTest {

    @Test
    void addressesAreEqualByTheirBits() {
        Ipv4Address a = Ipv4Address.parse("10.0.0.1"), same = Ipv4Address.read(new byte[] {10, 0, 0, 1}, 0);
        assertEquals(a, same);
        assertEquals(a.hashCode(), same.hashCode());
        assertNotEquals(a, Ipv4Address.parse("10.0.0.2"));
        assertNotEquals(a, Ipv4Address.parse("1.0.0.10"));
        assertNotEquals(a, "10.0.0.1");
        assertNotEquals(a, null);
    }

    @Test
    void endpointsAreEqualByAddressAndPort() {
        HostPort a = HostPort.parse("10.0.0.1:80"), same = new HostPort(Ipv4Address.parse("10.0.0.1"), 80);
        assertEquals(a, same);
        assertEquals(a.hashCode(), same.hashCode());
        assertNotEquals(a, HostPort.parse("10.0.0.1:81"));
        assertNotEquals(a, HostPort.parse("10.0.0.2:80"));
        assertNotEquals(a, null);
        // As keys: every distinct endpoint once, whatever object stands for it.
        Set<HostPort> seen = new HashSet<>(List.of(a, same, HostPort.parse("10.0.0.1:81"), HostPort.parse("10.0.0.2:80")));
        assertEquals(3, seen.size());
    }
}
