package dev.tcplab.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TcpOptionsTest {

    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) b[i] = (byte) v[i];
        return b;
    }

    private static List<TcpOption> parse(int... v) {
        byte[] b = bytes(v);
        return TcpOptions.parse(b, 0, b.length);
    }

    @Test
    void linuxSynOptionsRoundTrip() {
        // What a Linux SYN carries: MSS 1460, SACK permitted, timestamps, NOP, window scale 7.
        List<TcpOption> opts = List.of(new TcpOption.Mss(1460), new TcpOption.SackPermitted(),
                new TcpOption.Timestamps(0xDEADBEEFL, 0), new TcpOption.Nop(), new TcpOption.WindowScale(7));
        byte[] b = new byte[TcpOptions.paddedLength(opts)];
        assertEquals(20, TcpOptions.emit(opts, b, 0));
        assertEquals(opts, TcpOptions.parse(b, 0, b.length));
    }

    @Test
    void theCommonLayoutsParseAsTheGeneralPathWould() {
        // Linux's NOP, NOP, timestamps and an empty option space take a shorter path.
        assertEquals(List.of(new TcpOption.Nop(), new TcpOption.Nop(), new TcpOption.Timestamps(0xDEADBEEFL, 7)),
                parse(1, 1, 8, 10, 0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 7));
        assertEquals(List.of(), parse());
        // The same 12 bytes with a timestamps length that is wrong are not that layout.
        TcpOption.Malformed m = assertInstanceOf(TcpOption.Malformed.class, parse(1, 1, 8, 9, 0, 0, 0, 0, 0, 0, 0, 0).get(2));
        assertTrue(m.reason().contains("expected 10"), m.reason());
        // Timestamps first, then two NOPs: the general path, the same options.
        assertEquals(List.of(new TcpOption.Timestamps(1, 2), new TcpOption.Nop(), new TcpOption.Nop()),
                parse(8, 10, 0, 0, 0, 1, 0, 0, 0, 2, 1, 1));
    }

    @Test
    void unknownKindIsKeptWithItsBytes() {
        List<TcpOption> opts = parse(
                0xfd, 4, 0xab, 0xcd,   // kind 253 (RFC 6994 experimental), length 4, two data bytes
                1, 1, 1, 0);           // NOP NOP NOP EOL
        assertEquals(new TcpOption.Unknown(253, bytes(0xab, 0xcd)), opts.get(0));
    }

    @Test
    void lengthBelowTwoIsMalformed() {
        List<TcpOption> opts = parse(
                1,                     // NOP
                2, 1, 0, 0);           // MSS with length 1: impossible
        assertEquals(2, opts.size());
        TcpOption.Malformed m = assertInstanceOf(TcpOption.Malformed.class, opts.get(1));
        assertEquals(2, m.kind());
        assertTrue(m.reason().contains("< 2"), m.reason());
    }

    @Test
    void lengthPastTheEndIsMalformed() {
        List<TcpOption> opts = parse(
                8, 10, 0, 0, 0, 1);    // timestamps claiming 10 bytes, only 6 present
        assertInstanceOf(TcpOption.Malformed.class, opts.get(0));
    }

    @Test
    void wrongLengthForAKnownKindIsMalformed() {
        List<TcpOption> opts = parse(
                2, 6, 5, 0xb4, 0, 0);  // MSS must be 4 bytes, says 6
        TcpOption.Malformed m = assertInstanceOf(TcpOption.Malformed.class, opts.get(0));
        assertTrue(m.reason().contains("expected 4"), m.reason());
    }

    @Test
    void missingLengthByteIsMalformed() {
        assertInstanceOf(TcpOption.Malformed.class, parse(1, 1, 1, 3).get(3));
    }

    @Test
    void sackLengthMustBeTwoPlusEightN() {
        assertInstanceOf(TcpOption.Malformed.class, parse(5, 6, 0, 0, 0, 1).get(0));
        assertEquals(new TcpOption.Sack(new long[] {1, 2}), parse(5, 10, 0, 0, 0, 1, 0, 0, 0, 2).get(0));
    }

    @Test
    void endOfListStopsParsing() {
        List<TcpOption> opts = parse(0, 2, 4, 5, 0xb4);
        assertEquals(List.of(new TcpOption.EndOfList()), opts);
    }
}
