package dev.tcplab.analysis;

import dev.tcplab.capture.CaptureInterface;
import java.util.ArrayList;
import java.util.List;

/** What reading a capture met: how much was TCP, what was skipped and why, and where it stopped. */
public final class AnalysisStats {
    public String format;
    public long packets;
    public long tcpSegments;
    public long connections;
    /** Not IP (ARP, …), or IP carrying another protocol: not an error, just not ours. */
    public long notTcp;
    /** Link types tcplab does not read. */
    public long unknownLinkType;
    public int firstUnknownLinkType = -1;
    /** Segments that could not be decoded (bad data offset, header cut by the snaplen, …). */
    public long malformed;
    /** TCP segments put back together from IP fragments, those fragments, and the segments left incomplete. */
    public long fragments, reassembled, fragmentsIncomplete;
    /** IPv4 packets whose total length was 0 (captured before segmentation offload): the wire's length was taken. */
    public long lengthFromTheWire;
    /** Segments whose payload the snaplen cut (still analysed: their length comes from the IP header). */
    public long truncatedPayload;
    /**
     * Connections let go early because too many were held at once (Analyzer's bounds on memory): closed ones
     * before their 120 s linger, and open ones, idle the longest, summed up as they stood.
     */
    public long releasedClosed, releasedOpen;
    /** The first few reasons, with their frame numbers, for the report. */
    public final List<String> malformedExamples = new ArrayList<>();
    /** Why reading stopped before the end of the file, or null when it reached the end. */
    public String problem;
    /** A pcapng file's interfaces with their packet counts; none for pcap. */
    public List<CaptureInterface> interfaces = List.of();

    void malformed(long frame, String reason) {
        malformed++;
        if (malformedExamples.size() < 5) {
            malformedExamples.add("frame " + frame + ": " + reason);
        }
    }

    public long skipped() {
        return unknownLinkType + malformed;
    }

    /** The interfaces that gave packets: two or more, and a packet seen on both is in the file twice. */
    public List<CaptureInterface> interfacesWithPackets() {
        return interfaces.stream().filter(i -> i.packets() > 0).toList();
    }
}
