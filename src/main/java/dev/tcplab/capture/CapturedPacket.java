package dev.tcplab.capture;

/**
 * One packet record of a capture file, as a view into the reader's buffer: valid only until the
 * next call to {@link CaptureReader#next}. Reused from record to record so that reading a large
 * file allocates nothing per packet.
 */
public final class CapturedPacket {
    /** 1-based, counting every packet record in the file, as tshark numbers frames. */
    public long frameNumber;
    /** Nanoseconds since the Unix epoch. */
    public long timeNanos;
    /** The libpcap LINKTYPE_ of the interface this packet was captured on. */
    public int linkType;
    public byte[] data;
    public int offset;
    /** How many bytes the file holds (a snaplen may have cut the packet). */
    public int capturedLength;
    /** How long the packet was on the wire. */
    public int originalLength;

    public boolean truncated() {
        return capturedLength < originalLength;
    }
}
