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
    void kindsRealCapturesCarryAreNamedAsTcpdumpNamesThem() {
        assertEquals("tfo cookie 41424344", parse(34, 6, 0x41, 0x42, 0x43, 0x44).get(0).describe());
        assertEquals("tfo cookiereq", parse(34, 2).get(0).describe());
        assertEquals("tfo cookie aabbccdd (experimental)",
                parse(254, 8, 0xf9, 0x89, 0xaa, 0xbb, 0xcc, 0xdd).get(0).describe(), "RFC 7413's kind 254 with ExID 0xf989");
        assertEquals("tfo cookiereq (experimental)", parse(254, 4, 0xf9, 0x89).get(0).describe());
        assertEquals("experimental-253 abcd", parse(253, 4, 0xab, 0xcd).get(0).describe());
        assertEquals("mptcp capable 0181", parse(30, 4, 0x01, 0x81).get(0).describe(), "subtype 0 in the top four bits");
        assertEquals("mptcp dss 2001", parse(30, 4, 0x20, 0x01).get(0).describe());
        assertEquals("uto 30s", parse(28, 4, 0x00, 0x1e).get(0).describe(), "RFC 5482: 30, in seconds");
        assertEquals("uto 5min", parse(28, 4, 0x80, 0x05).get(0).describe(), "the granularity bit: minutes");
        assertEquals("md5 0001", parse(19, 4, 0, 1).get(0).describe());
        assertEquals("opt-99 07", parse(99, 3, 7).get(0).describe());
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
