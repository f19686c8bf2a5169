package dev.tcplab.analysis;

import dev.tcplab.capture.CaptureInterface;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/** One row per connection, printed when the file is read, then what was skipped and why. */
public final class SummaryTable implements AnalysisSink {
    /** The endpoint columns fit "255.255.255.255:65535", and grow for longer (IPv6) endpoints. */
    private static final int ENDPOINT_WIDTH = 21;
    private String rowFormat;

    private final PrintWriter out;
    private final List<ConnectionSummary> rows = new ArrayList<>();

    public SummaryTable(PrintWriter out) {
        this.out = out;
    }

    @Override
    public void segment(AnalyzedSegment s) {
    }

    @Override
    public void connection(ConnectionSummary c) {
        rows.add(c);
    }

    private static String counted(long n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }

    @Override
    public void finish(AnalysisStats st) {
        rows.sort(Comparator.comparingInt(ConnectionSummary::conn));
        int w = ENDPOINT_WIDTH;
        for (ConnectionSummary c : rows) {
            w = Math.max(w, Math.max(c.client().toString().length(), c.server().toString().length()));
        }
        rowFormat = "%5s  %-" + w + "s %-" + w + "s %8s %8s %10s %9s  %-13s %-10s %s";
        out.println();
        out.printf("%s: %s, %s, %s%n", st.format, counted(st.packets, "packet"), counted(st.tcpSegments, "TCP segment"),
                counted(st.connections, "connection"));
        if (!rows.isEmpty()) {
            row("conn", "client", "server", "packets", "bytes", "duration", "hs RTT", "close", "TIME_WAIT",
                    "events");
        }
        for (ConnectionSummary c : rows) {
            String events = c.eventCounts().entrySet().stream()
                    .filter(e -> !e.getKey().equals(Event.HANDSHAKE_COMPLETE.jsonName))
                    .map(e -> e.getKey() + (e.getValue() > 1 ? "×" + e.getValue() : ""))
                    .collect(Collectors.joining(" "));
            row(c.conn(), c.client(), c.server(), c.packetsFromClient() + c.packetsFromServer(),
                    c.bytesFromClient() + c.bytesFromServer(),
                    String.format("%.3fs", (c.endNanos() - c.startNanos()) / 1e9),
                    c.handshakeRttNanos() >= 0 ? String.format("%.3fms", c.handshakeRttNanos() / 1e6) : "-",
                    c.close().label + (c.resetBy() != null && c.close() == CloseKind.RESET ? " by " + c.resetBy() : ""),
                    c.timeWait() == null ? "-" : c.timeWait(), events);
        }
        if (st.notTcp > 0) {
            out.printf("%d packet%s not TCP (ARP, UDP, ICMP, …): not analysed%n", st.notTcp,
                    st.notTcp == 1 ? " was" : "s were");
        }
        if (st.unknownLinkType > 0) {
            out.printf("%d packet%s of link type %d skipped: tcplab reads Ethernet, Linux cooked (v1, v2), raw IP and"
                    + " loopback captures%n", st.unknownLinkType, st.unknownLinkType == 1 ? "" : "s", st.firstUnknownLinkType);
        }
        if (st.malformed > 0) {
            out.printf("%d segment%s could not be decoded and %s skipped, e.g. %s%n", st.malformed,
                    st.malformed == 1 ? "" : "s", st.malformed == 1 ? "was" : "were", String.join("; ", st.malformedExamples));
        }
        if (st.truncatedPayload > 0) {
            out.printf("%d segment%s cut by the capture's snaplen (analysed from the IP lengths)%n",
                    st.truncatedPayload, st.truncatedPayload == 1 ? " was" : "s were");
        }
        long unseen = 0, unseenConnections = 0;
        for (ConnectionSummary c : rows) {
            long n = c.eventCounts().getOrDefault(Event.ACK_LOST_SEGMENT.jsonName, 0L);
            unseen += n;
            unseenConnections += n > 0 ? 1 : 0;
        }
        if (unseen > 0) {
            // A student's first question about "ACKed unseen segment": the network did deliver those bytes.
            out.printf("%s in %s acknowledge%s data this capture never saw (ack_lost_segment): the receiver got"
                    + " packets the recorder missed (tcpdump counts them as \"dropped by kernel\" when it stops; -B 16384"
                    + " gives it a larger buffer), or that took a path the capture did not see%n",
                    counted(unseen, "segment"), counted(unseenConnections, "connection"), unseen == 1 ? "s" : "");
        }
        List<CaptureInterface> interfaces = st.interfacesWithPackets();
        if (interfaces.size() > 1) {
            out.printf("packets from %d interfaces (%s): a packet captured on two of them is in the file twice, and its"
                    + " second copy is analysed as a retransmission, as Wireshark does; one interface alone: tshark -r"
                    + " FILE -Y frame.interface_id==N -w ONE.pcapng%n", interfaces.size(), interfaces.stream()
                    .map(i -> i.name() + " " + i.packets()).collect(Collectors.joining(", ")));
        }
        out.flush();
    }

    private void row(Object... cells) {
        out.println(String.format(rowFormat, cells).stripTrailing());
    }
}
