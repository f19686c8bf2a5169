package dev.tcplab.wire;

/** What a received TCP checksum turned out to be. */
public enum ChecksumStatus {
    /** Correct over pseudo-header, header and payload. */
    VALID,
    /**
     * Only the pseudo-header sum, uncomplemented: the sender left the rest to checksum offload
     * (CHECKSUM_PARTIAL), which is normal for frames captured on a veth; never reject these.
     */
    OFFLOADED,
    /** Neither: corrupted, or made by a broken sender. */
    INVALID,
    /** Not checked (we made the segment, or the capture truncated it). */
    UNCHECKED
}
