package dev.tcplab.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SeqNumTest {
    @Test
    void additionWrapsAt2To32() {
        assertEquals(5L, SeqNum.of(0xFFFF_FFFEL).plus(7).value());
    }

    @Test
    void comparisonIsModularAcrossTheWrap() {
        SeqNum beforeWrap = SeqNum.of(0xFFFF_FFF0L);
        SeqNum afterWrap = SeqNum.of(0x10);
        assertTrue(beforeWrap.lt(afterWrap), "2^32-16 comes before 16 once the space wraps");
        assertTrue(afterWrap.gt(beforeWrap));
        assertEquals(32, afterWrap.minus(beforeWrap));
        assertFalse(afterWrap.le(beforeWrap));
    }

    @Test
    void rangeAcrossTheWrap() {
        SeqNum lo = SeqNum.of(0xFFFF_FF00L);
        SeqNum hi = lo.plus(0x200);
        assertTrue(SeqNum.of(0x50).inRange(lo, hi));
        assertTrue(lo.inRange(lo, hi));
        assertFalse(hi.inRange(lo, hi));
        assertFalse(SeqNum.of(0xFFFF_FE00L).inRange(lo, hi));
    }

    @Test
    void valueIsUnsigned() {
        assertEquals(4_294_967_295L, SeqNum.of(-1).value());
        assertEquals("4294967295", SeqNum.of(-1).toString());
    }
}
