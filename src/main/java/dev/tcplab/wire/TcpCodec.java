package dev.tcplab.wire;

import java.util.List;

/** TCP header and payload to and from bytes (RFC 9293 §3.1), checksum over the IP pseudo-header. */
public final class TcpCodec {

    public static final int PROTOCOL = 6;
    /** Header without options: 5 words of 32 bits. */
    public static final int MIN_HEADER = 20;

    private TcpCodec() {
    }

    public static int encodedLength(Segment s) {
        return MIN_HEADER + TcpOptions.paddedLength(s.options()) + s.payloadLength();
    }

    /** Writes the segment at {@code off} with a correct checksum; returns the bytes written. */
    public static int encode(IpAddress src, IpAddress dst, Segment s, byte[] b, int off) {
        int optLen = TcpOptions.paddedLength(s.options());
        if (optLen > TcpOptions.MAX_SPACE) {
            throw new IllegalArgumentException("options take " + optLen + " bytes, more than 40");
        }
        int headerLen = MIN_HEADER + optLen;
        Bytes.put16(b, off, s.srcPort());                      // source port
        Bytes.put16(b, off + 2, s.dstPort());                  // destination port
        Bytes.put32(b, off + 4, s.seq().value());              // sequence number
        Bytes.put32(b, off + 8, s.ack().value());              // acknowledgment number
        b[off + 12] = (byte) ((headerLen / 4) << 4);           // data offset, reserved bits 0
        b[off + 13] = (byte) s.flags().bits();                 // CWR ECE URG ACK PSH RST SYN FIN
        Bytes.put16(b, off + 14, s.window());                  // window (unscaled, as sent)
        Bytes.put16(b, off + 16, 0);                           // checksum, filled below
        Bytes.put16(b, off + 18, s.urgentPointer());           // urgent pointer
        TcpOptions.emit(s.options(), b, off + MIN_HEADER);
        s.copyPayload(0, b, off + headerLen, s.payloadLength());
        int total = headerLen + s.payloadLength();
        long sum = InternetChecksum.pseudoHeader(src, dst, PROTOCOL, total);
        Bytes.put16(b, off + 16, ~InternetChecksum.fold(InternetChecksum.add(sum, b, off, total)) & 0xffff);
        return total;
    }

    public static byte[] encode(IpAddress src, IpAddress dst, Segment s) {
        byte[] b = new byte[encodedLength(s)];
        encode(src, dst, s, b, 0);
        return b;
    }

    /**
     * Decodes {@code len} bytes at {@code off} (the IP payload). {@code capturedLen} may be shorter
     * than {@code len} when a capture's snaplen cut the segment: the header must be whole; the
     * payload is then what was captured and the checksum is not checked.
     */
    public static TcpPacket decode(IpAddress src, IpAddress dst, byte[] b, int off, int len, int capturedLen)
            throws MalformedPacketException {
        return decode(src, dst, b, off, len, capturedLen, true, true);
    }

    /**
     * As above, for reading captures: without {@code verify} the checksum is left UNCHECKED (it
     * costs a pass over every payload, and captures often hold offloaded, unfinished checksums);
     * without {@code keepPayload} the segment carries no payload bytes (the analysis needs only
     * their number, which the IP header gives).
     */
    public static TcpPacket decode(IpAddress src, IpAddress dst, byte[] b, int off, int len, int capturedLen,
                                   boolean verify, boolean keepPayload) throws MalformedPacketException {
        if (capturedLen < MIN_HEADER) {
            throw new MalformedPacketException("TCP header needs 20 bytes, only " + capturedLen + " present");
        }
        int headerLen = ((b[off + 12] & 0xf0) >>> 4) * 4;
        if (headerLen < MIN_HEADER) {
            throw new MalformedPacketException("TCP data offset " + headerLen / 4 + " words is below the minimum 5");
        }
        if (headerLen > len) {
            throw new MalformedPacketException("TCP data offset " + headerLen + " bytes runs past the segment's " + len);
        }
        if (headerLen > capturedLen) {
            throw new MalformedPacketException("TCP header of " + headerLen + " bytes cut by the capture at " + capturedLen);
        }
        List<TcpOption> options = TcpOptions.parse(b, off + MIN_HEADER, headerLen - MIN_HEADER);
        int payloadCaptured = Math.min(len, capturedLen) - headerLen;
        byte[] payload = keepPayload ? java.util.Arrays.copyOfRange(b, off + headerLen, off + headerLen + payloadCaptured)
                : null;
        Segment s = new Segment(Bytes.u16(b, off), Bytes.u16(b, off + 2), SeqNum.of(Bytes.u32(b, off + 4)),
                SeqNum.of(Bytes.u32(b, off + 8)), new Flags(b[off + 13]), Bytes.u16(b, off + 14),
                Bytes.u16(b, off + 18), options, payload);
        ChecksumStatus status = capturedLen < len || !verify ? ChecksumStatus.UNCHECKED : verify(src, dst, b, off, len);
        return new TcpPacket(src, dst, s, status);
    }

    static ChecksumStatus verify(IpAddress src, IpAddress dst, byte[] b, int off, int len) {
        long pseudo = InternetChecksum.pseudoHeader(src, dst, PROTOCOL, len);
        if (InternetChecksum.fold(InternetChecksum.add(pseudo, b, off, len)) == 0xffff) {
            return ChecksumStatus.VALID;
        }
        // CHECKSUM_PARTIAL: the field holds the folded pseudo-header sum, not yet complemented.
        if (Bytes.u16(b, off + 16) == InternetChecksum.fold(pseudo)) {
            return ChecksumStatus.OFFLOADED;
        }
        return ChecksumStatus.INVALID;
    }
}
