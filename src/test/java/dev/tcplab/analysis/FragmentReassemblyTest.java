package dev.tcplab.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.tcplab.wire.Ipv4Address;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** IP fragments put back together, in any order, with memory bounded by count and by capture time. */
class FragmentReassemblyTest {
    private static final Ipv4Address A = Ipv4Address.parse("10.0.0.1"), B = Ipv4Address.parse("10.0.0.2");
    private static final long SECOND = 1_000_000_000L;

    private final FragmentReassembly reassembly = new FragmentReassembly();
    private final byte[] datagram = new byte[1000];

    FragmentReassemblyTest() {
        for (int i = 0; i < datagram.length; i++) {
            datagram[i] = (byte) (i * 7);
        }
    }

    private byte[] add(long id, int from, int to, long nanos) {
        return reassembly.add(A, B, id, from, to < datagram.length, datagram, from, to - from, nanos);
    }

    @Test
    void piecesInAnyOrderAndOverlappingMakeTheDatagramOnceTheLastHoleIsFilled() {
        assertNull(add(1, 800, 1000, 0), "the last piece: the length is known, the rest is missing");
        assertNull(add(1, 0, 400, 0));
        assertNull(add(1, 0, 400, 0), "a duplicate changes nothing");
        byte[] whole = add(1, 200, 800, 0);
        assertArrayEquals(datagram, whole, "an overlapping piece fills the hole");
        assertNull(add(1, 0, 400, 0), "a copy after completion starts a new datagram, which never completes");
        reassembly.finish();
        assertEquals(1, reassembly.givenUp);
    }

    @Test
    void datagramsAreKeptApartByIdentification() {
        assertNull(add(1, 0, 504, 0));
        assertNull(add(2, 504, 1000, 0));
        assertNull(add(2, 0, 400, 0));
        assertArrayEquals(datagram, add(1, 504, 1000, 0));
        assertArrayEquals(datagram, add(2, 400, 504, 0));
    }

    @Test
    void theOldestIsGivenUpWhenTooManyWait() {
        for (int id = 0; id < FragmentReassembly.MAX_IN_PROGRESS + 1; id++) {
            assertNull(add(id, 0, 504, id));
        }
        assertEquals(1, reassembly.givenUp, "one over the bound");
        assertNotNull(add(1, 504, 1000, 0), "the next oldest was kept");
        assertNull(add(0, 504, 1000, 0), "the oldest was given up: its second half finds nothing");
    }

    @Test
    void aDatagramIsGivenUpWhenItsFirstPieceIsOlderThanTheTimeout() {
        assertNull(add(1, 0, 504, 0));
        assertNull(add(2, 0, 504, 20 * SECOND));
        reassembly.sweep(31 * SECOND);
        assertEquals(1, reassembly.givenUp);
        assertNull(add(1, 504, 1000, 31 * SECOND), "given up");
        assertArrayEquals(Arrays.copyOf(datagram, 1000), add(2, 504, 1000, 31 * SECOND), "within the timeout");
    }
}
