package dev.tcplab.analysis;

import dev.tcplab.capture.CaptureReader;
import dev.tcplab.text.Text;
import dev.tcplab.wire.Flags;
import dev.tcplab.wire.TcpOption;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One connection of a capture, as a live re-enactment needs it: what the client sent, in order
 * and in what turn (how much the server had sent before each piece), who closed first, and the
 * server's segments, to compare the live kernel's with.
 *
 * @param chunks            the client's data, retransmissions removed, in sequence order
 * @param clientClosedFirst the client's FIN came before the server's (or the server sent none)
 * @param serverBytesBeforeClientFin how many data bytes the server had sent when the client sent its FIN
 * @param serverSegments    the recorded server's segments, numbers relative to each ISN
 * @param filledBytes       payload bytes the capture did not hold (snaplen, or segments not captured), sent as zeros
 * @param unseenBytes       of those, the bytes of segments not captured at all (the rest the snaplen cut)
 * @param serverCloseDelayNanos when the client closed first: how long after its FIN the server's came (its
 *                          application's delay, which decides three segments or four); -1 otherwise
 * @param synDataBytes      data the client's SYN carried (TCP Fast Open); tcplab sends it after the handshake
 * @param quiet             how long the connection stayed quiet at its end, and the keep-alives that probed it
 * @param serverZeroWindowFrames the frames in which the server advertised a zero window (its application
 *                          did not read), in order
 * @param serverReadRate    how fast the server's application read once its window had shut, in bytes a second
 *                          ({@link ReadingPace}); 0 without a zero window or a move after it
 * @param serverReplies     the server's data, retransmissions removed, in sequence order, each with how much of
 *                          the client's it had received when it sent it: what a re-enactment's peer answers with
 * @param clientReading     how the client's application read what the server sent (its window shutting or not)
 * @param clientSyn         what the client's SYN offered, which decides how the server cuts its data
 * @param mirror            what a re-enactment of the server needs: the client as a kernel client plays it
 */
public record RecordedConversation(int conn, String client, String server, List<Chunk> chunks,
                                   boolean clientClosedFirst, long serverBytesBeforeClientFin,
                                   List<SegmentShape> serverSegments, long filledBytes, long unseenBytes,
                                   long serverCloseDelayNanos, long synDataBytes, Quiet quiet,
                                   List<Long> serverZeroWindowFrames, long serverReadRate, List<Write> serverReplies,
                                   ClientReading clientReading, SynOffer clientSyn, Mirror mirror) {

    /**
     * The recorded client, as a re-enactment of the server (`replay --live --as server`) has the lab's kernel
     * client play it and compares it with what that client does.
     *
     * @param clientSegments     its segments, numbers relative to each ISN
     * @param clientWrites       its data as its application's writes, each with how much of the server's data it
     *                           had received before it
     * @param bytesBeforeServerFin how many data bytes the client had sent when the server sent its FIN; -1 without
     * @param clientCloseDelayNanos when the server closed first: how long after the server's FIN the client's came
     *                           (its application's delay); -1 otherwise
     * @param serverSynAck       what the server's SYN+ACK offered (timestamps only if it echoed the client's), which
     *                           decides how the client cuts its data; null without a SYN+ACK in the capture
     * @param finsCrossedAfterNanos when the two FINs crossed (the second acknowledges nothing of the first: each side
     *                           closed before the other's FIN reached it, a simultaneous close): how long the
     *                           connection had been quiet before the first of them; -1 otherwise
     * @param serverLargestWindow the most window the server offered after the handshake, in bytes (scaled): its
     *                           buffer, near enough, which a re-enactment's --window gives ours
     */
    public record Mirror(List<SegmentShape> clientSegments, List<Write> clientWrites, long bytesBeforeServerFin,
                         long clientCloseDelayNanos, SynOffer serverSynAck, long finsCrossedAfterNanos,
                         long serverLargestWindow) {

        public boolean finsCrossed() {
            return finsCrossedAfterNanos >= 0;
        }

        /**
         * The frame of the RST with which the recorded client ended the connection (its application's abort),
         * before any FIN of its own; or -1.
         */
        public long clientResetFrame() {
            for (SegmentShape s : clientSegments) {
                if (s.flags().fin()) {
                    return -1;
                }
                if (s.flags().rst() && !s.flags().syn()) {
                    return s.frame();
                }
            }
            return -1;
        }
    }

    /** @param serverBytesBefore how many data bytes the server had sent when the client sent this */
    public record Chunk(byte[] data, long serverBytesBefore, long frame) {
    }

    /**
     * One write of an application: a reply of the server's, or a piece of the client's data.
     *
     * @param receivedBefore how many of the other side's data bytes it had received when it sent this
     * @param frame          where its first byte was sent
     * @param pauseNanos     how long it had been quiet before it, since the other side's last new data or its own
     *                       last write, whichever came later (its application's think time, and the path's delay
     *                       as the capture saw it)
     */
    public record Write(byte[] data, long receivedBefore, long frame, long pauseNanos) {
    }

    /**
     * @param zeroWindowFrames the frames in which the client advertised a zero window (its application did not
     *                         read), in order
     * @param readRate         how fast it read once its window had shut, in bytes a second ({@link ReadingPace});
     *                         0 without a zero window or a move after it
     * @param largestWindow    the most window it offered after the handshake, in bytes (scaled): its buffer, near
     *                         enough
     */
    public record ClientReading(List<Long> zeroWindowFrames, long readRate, long largestWindow) {
    }

    /**
     * What a SYN or SYN+ACK offered.
     *
     * @param mss        the MSS it announced; 0 without one
     * @param timestamps whether it offered timestamps (Windows does not by default): with them, each segment
     *                   carries 12 bytes of data less
     */
    public record SynOffer(int mss, boolean timestamps) {
        static SynOffer of(AnalyzedSegment syn) {
            return new SynOffer(syn.segment().option(TcpOption.Mss.class).map(TcpOption.Mss::value).orElse(0),
                    syn.segment().option(TcpOption.Timestamps.class).isPresent());
        }
    }

    /**
     * An application's writes (the server's, or the client's), put back together from its segments, each one to
     * re-enact, written at once, so that the live kernel cuts and marks it as the recorded one did. Linux marks
     * the last segment of a write with PSH, and the next write's data waits for nothing. But a long write gets a
     * PSH wherever its kernel pushed what it had so far (every half window, or where the receiver's window
     * stopped it), and its data goes on without a word from the receiver. So a PSH ends a write when the receiver
     * acknowledged it before the writer sent more, and when the segment did not stop at the receiver's window.
     */
    private static final class Writes {
        /** A sender stopped by the window leaves less than a segment of it unused. */
        private static final long NEAR_THE_EDGE = 1448;
        private final List<Write> done = new ArrayList<>();
        private final java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();
        private long pendingBefore = -1;
        private long pendingFrame;
        private long pendingPause;
        /** The end of the last PSH segment that may have ended a write, until the client acknowledges it; or -1. */
        private long pushedEnd = -1;
        private boolean pushAcknowledged;
        /** The furthest right edge of the window the receiver offered, in the writer's sequence space. */
        private long receiverEdge = -1;

        /** A segment of the receiving side's: its ACK and window. */
        void receiverSaw(long ack, long window) {
            receiverEdge = Math.max(receiverEdge, ack + window);
            pushAcknowledged |= pushedEnd >= 0 && ack >= pushedEnd;
        }

        /** New data of the writer's, {@code end} its segment's end, {@code push} its PSH. */
        void add(byte[] piece, long receivedBefore, long frame, long end, boolean push, long pauseNanos) {
            boolean ended = pushedEnd >= 0 && pushAcknowledged;
            if (pending.size() > 0 && (ended || receivedBefore != pendingBefore)) {
                flush();
            }
            if (pending.size() == 0) {
                pendingBefore = receivedBefore;
                pendingFrame = frame;
                pendingPause = pauseNanos;
            }
            pending.writeBytes(piece);
            boolean stoppedByTheWindow = receiverEdge >= 0 && end + NEAR_THE_EDGE > receiverEdge;
            pushedEnd = push && !stoppedByTheWindow ? end : -1;
            pushAcknowledged = false;
        }

        private void flush() {
            if (pending.size() > 0) {
                done.add(new Write(pending.toByteArray(), pendingBefore, pendingFrame, pendingPause));
                pending.reset();
            }
        }

        List<Write> all() {
            flush();
            return done;
        }
    }

    /**
     * One side's bytes in sequence order: a retransmission's old bytes dropped, and what the capture missed
     * (a segment not captured, or cut by the snaplen) filled with zeros and counted.
     */
    private static final class ByteStream {
        /** The relative seq of the next new byte. */
        long next = 1;
        long filled, unseen;

        /** The new bytes of a segment: none, or a piece, after a piece of zeros for a gap before it. */
        List<byte[]> take(long seq, int length, byte[] captured) {
            long end = seq + length;
            List<byte[]> pieces = new ArrayList<>(2);
            if (length > 0 && seq > next && seq - next < 1 << 20) {
                int missing = (int) (seq - next);
                pieces.add(new byte[missing]);
                filled += missing;
                unseen += missing;
                next = seq;
            }
            if (length > 0 && end > next && seq <= next) {
                int skip = (int) (next - seq);
                byte[] data = new byte[(int) (end - next)];
                int have = Math.max(0, Math.min(data.length, captured.length - skip));
                System.arraycopy(captured, Math.min(skip, captured.length), data, 0, have);
                filled += data.length - have;
                pieces.add(data);
                next = end;
            }
            return pieces;
        }
    }

    /**
     * The connection's quiet end, which a re-enactment keeps (within bounds). Quiet means no segment but
     * keep-alives, their answers and the server's pure ACKs.
     *
     * @param clientBeforeFinNanos how long it had been quiet when the client sent its FIN; -1 without one
     * @param clientToEndNanos     without a FIN of the client's: how long the client stayed on, quiet, until
     *                             the connection's last segment (the server's RST, say); -1 with one
     * @param client               the keep-alive the client's probes show, or null
     * @param server               the keep-alive the server's probes show, or null
     */
    public record Quiet(long clientBeforeFinNanos, long clientToEndNanos, Keepalive client, Keepalive server) {
    }

    /**
     * One side's keep-alive: its first probe came {@code idleNanos} after the connection went quiet, the
     * next {@code intervalNanos} later (the idle time again when there was one probe); {@code answered}:
     * the other side sent something after the first probe; {@code afterLastNanos}: from the last probe to
     * the client's FIN, or to the connection's last segment without one.
     */
    public record Keepalive(long idleNanos, long intervalNanos, int probes, long firstFrame, boolean answered,
                            long afterLastNanos) {
        static Keepalive of(List<AnalyzedSegment> probes, long quietSince, boolean answered, long endNanos) {
            if (probes.isEmpty()) {
                return null;
            }
            long first = probes.get(0).timeNanos();
            long interval = probes.size() > 1 ? probes.get(1).timeNanos() - first : first - quietSince;
            return new Keepalive(first - quietSince, interval, probes.size(), probes.get(0).frame(), answered,
                    endNanos - probes.get(probes.size() - 1).timeNanos());
        }
    }

    /** For the re-enactment's first line: how many bytes go as zeros because the capture lacks them, and why. */
    public Text zerosExplained() {
        long cut = filledBytes - unseenBytes;
        if (unseenBytes == 0) {
            return cut == 0 ? Text.EMPTY : Text.of(" (" + cut + " bytes the capture's snaplen cut are sent as zeros)",
                    "（抓包的 snaplen 截掉的 " + cut + " 个字节以零代替发送）");
        }
        return Text.of(" (" + filledBytes + " bytes the capture does not hold are sent as zeros: " + unseenBytes
                + " in segments it never captured" + (cut > 0 ? ", " + cut + " cut by its snaplen)" : ")"),
                "（抓包里没有的 " + filledBytes + " 个字节以零代替发送：其中 " + unseenBytes + " 个在从未抓到的报文段里"
                + (cut > 0 ? "，" + cut + " 个被 snaplen 截掉）" : "）"));
    }

    /**
     * The server's FIN came before the client's, or the client sent no FIN at all: the recording's server
     * closed first. Not merely "not the client first": a connection that was reset or left open has no
     * FIN of the server's.
     */
    public boolean serverClosedFirst() {
        return !clientClosedFirst && serverSegments.stream().anyMatch(s -> s.flags().fin());
    }

    /**
     * The frame of the RST with which the recorded server ended the connection, or -1: a RST that is the
     * server's first closing segment, after its SYN+ACK (an application's abort, not a refusal, and not the
     * answer of a closed socket to a late segment, which comes after its FIN).
     */
    public long serverResetFrame() {
        boolean synAckSent = false;
        for (SegmentShape s : serverSegments) {
            if (s.flags().syn()) {
                synAckSent = true;
            } else if (s.flags().fin()) {
                return -1;
            } else if (s.flags().rst()) {
                return synAckSent ? s.frame() : -1;
            }
        }
        return -1;
    }

    /** Who closed first, as the re-enactment's first line says it (a reset or no FIN at all are not "second"). */
    public Text closeOrder() {
        boolean clientFin = quiet.clientBeforeFinNanos() >= 0;
        if (mirror.finsCrossed()) {
            return Text.of("both closed at once (the FINs crossed)", "双方同时关闭（两个 FIN 交错而过）");
        }
        if (clientClosedFirst) {
            return Text.of("the client closed first", "客户端先关闭");
        }
        if (serverClosedFirst()) {
            return clientFin ? Text.of("the client closed second", "客户端后关闭")
                    : Text.of("the server closed, the client did not", "服务器关闭了，客户端没有");
        }
        return serverResetFrame() >= 0 ? Text.of("the server reset the connection", "服务器重置了连接")
                : Text.of("neither side's FIN is in the capture", "抓包中没有任何一方的 FIN");
    }

    public long clientBytes() {
        return chunks.stream().mapToLong(c -> c.data().length).sum();
    }

    /** The server's data bytes, each once (what a re-enactment's client reads when the peer answers). */
    public long serverBytes() {
        return serverReplies.stream().mapToLong(r -> r.data().length).sum();
    }

    /**
     * Reads connection {@code conn} (1-based, as `analyze` numbers them; 0 for the first whose
     * handshake was captured). Throws IllegalArgumentException naming what is missing.
     */
    public static RecordedConversation read(Path capture, int conn) throws IOException {
        List<AnalyzedSegment> segments = new ArrayList<>();
        int[] chosen = {conn};
        AnalysisSink collect = new AnalysisSink() {
            @Override
            public void segment(AnalyzedSegment s) {
                if (chosen[0] == 0 && s.segment().flags().syn() && !s.segment().flags().ack() && s.seq() == 0) {
                    chosen[0] = s.conn();
                }
                if (s.conn() == chosen[0]) {
                    segments.add(s);
                }
            }

            @Override
            public void connection(ConnectionSummary c) {
            }
        };
        try (CaptureReader r = CaptureReader.open(capture)) {
            AnalysisStats st = new Analyzer(collect, true).run(r, p -> { });
            if (st.problem != null && segments.isEmpty()) {
                throw new IllegalArgumentException(capture + ": " + st.problem);
            }
        }
        if (segments.isEmpty()) {
            throw new IllegalArgumentException(conn == 0 ? capture + " holds no connection whose SYN was captured"
                    : capture + " has no connection " + conn + " (tcplab analyze --summary lists them)");
        }
        if (!segments.get(0).segment().flags().syn() || !segments.get(0).fromClient()) {
            throw new IllegalArgumentException("connection " + chosen[0] + " of " + capture
                    + " starts without the client's SYN: there is no beginning to re-enact");
        }
        return from(segments);
    }

    static RecordedConversation from(List<AnalyzedSegment> segments) {
        List<Chunk> chunks = new ArrayList<>();
        List<SegmentShape> server = new ArrayList<>(), clientShapes = new ArrayList<>();
        AnalyzedSegment synAck = null;
        ByteStream clientStream = new ByteStream(), serverStream = new ByteStream();
        Writes writes = new Writes(), clientWrites = new Writes();
        long lastClientDataNanos = segments.get(0).timeNanos(), lastServerDataNanos = lastClientDataNanos;
        long clientFin = -1, serverFin = -1, serverBytesBeforeFin = 0, clientBytesBeforeServerFin = -1;
        long clientFinNanos = 0, serverFinNanos = 0, synData = 0, quietBeforeFirstFin = -1;
        SegmentShape clientFinShape = null, serverFinShape = null;
        // When the connection last did something other than keep itself alive, and each side's probes before
        // the client's FIN, with the quiet time when they began and whether the other side answered.
        long quietSince = segments.get(0).timeNanos(), quietBeforeLast = quietSince;
        List<AnalyzedSegment> clientProbes = new ArrayList<>(), serverProbes = new ArrayList<>();
        long clientProbesQuietSince = -1, serverProbesQuietSince = -1;
        boolean clientProbesAnswered = false, serverProbesAnswered = false;
        List<Long> zeroWindows = new ArrayList<>();
        ReadingPace serverReading = new ReadingPace();
        List<Long> clientZeroWindows = new ArrayList<>();
        ReadingPace clientPace = new ReadingPace();
        long clientLargestWindow = 0, serverLargestWindow = 0;
        AnalyzedSegment first = segments.get(0);
        for (AnalyzedSegment s : segments) {
            boolean clientsFin = s.fromClient() && s.segment().flags().fin();
            if (quietBeforeFirstFin < 0 && s.segment().flags().fin()) {
                quietBeforeFirstFin = s.timeNanos() - quietSince;
            }
            quietBeforeLast = quietSince;
            if (clientFin < 0 && !clientsFin) {
                boolean probe = s.has(Event.KEEP_ALIVE);
                clientProbesAnswered |= !clientProbes.isEmpty() && !s.fromClient() && !probe;
                serverProbesAnswered |= !serverProbes.isEmpty() && s.fromClient() && !probe;
                if (probe && s.fromClient()) {
                    clientProbesQuietSince = clientProbes.isEmpty() ? quietSince : clientProbesQuietSince;
                    clientProbes.add(s);
                } else if (probe) {
                    serverProbesQuietSince = serverProbes.isEmpty() ? quietSince : serverProbesQuietSince;
                    serverProbes.add(s);
                } else if (!s.has(Event.KEEP_ALIVE_ACK)
                        && (s.fromClient() || s.length() > 0 || !s.segment().flags().equals(Flags.ACK))) {
                    quietSince = s.timeNanos(); // not the server's pure ACKs, which answer probes too
                }
            }
            if (s.fromClient()) {
                clientShapes.add(SegmentShape.of(s));
                if (s.has(Event.ZERO_WINDOW)) {
                    clientZeroWindows.add(s.frame());
                }
                if (s.ack() >= 0) {
                    clientPace.saw(s.ack(), s.window(), s.has(Event.ZERO_WINDOW), s.timeNanos());
                }
                if (!s.segment().flags().syn()) {
                    clientLargestWindow = Math.max(clientLargestWindow, s.window());
                }
                if (s.ack() >= 0) {
                    writes.receiverSaw(s.ack(), s.window());
                }
                // A SYN's data (TCP Fast Open) starts after the SYN's own sequence number.
                boolean syn = s.segment().flags().syn();
                long seq = s.seq() + (syn ? 1 : 0);
                if (syn && s.length() > 0 && synData == 0) {
                    synData = s.length();
                }
                long pause = s.timeNanos() - Math.max(lastClientDataNanos, lastServerDataNanos);
                for (byte[] piece : clientStream.take(seq, s.length(), s.segment().payload())) {
                    chunks.add(new Chunk(piece, serverStream.next - 1, s.frame()));
                    clientWrites.add(piece, serverStream.next - 1, s.frame(), seq + s.length(), s.segment().flags().psh(),
                            pause);
                    lastClientDataNanos = s.timeNanos();
                }
                if (s.segment().flags().fin() && clientFin < 0) {
                    clientFinShape = clientShapes.get(clientShapes.size() - 1);
                    clientFin = s.frame();
                    clientFinNanos = s.timeNanos();
                    serverBytesBeforeFin = serverStream.next - 1;
                }
            } else {
                server.add(SegmentShape.of(s));
                if (synAck == null && s.segment().flags().syn()) {
                    synAck = s;
                }
                if (!s.segment().flags().syn()) {
                    serverLargestWindow = Math.max(serverLargestWindow, s.window());
                }
                if (s.has(Event.ZERO_WINDOW)) {
                    zeroWindows.add(s.frame());
                }
                if (s.ack() >= 0) {
                    clientWrites.receiverSaw(s.ack(), s.window());
                    serverReading.saw(s.ack(), s.window(), s.has(Event.ZERO_WINDOW), s.timeNanos());
                }
                // What the server had received when it sent this: its ACK says (its FIN, if any, is capped below).
                long received = s.ack() > 0 ? s.ack() - 1 : 0;
                long seq = s.seq() + (s.segment().flags().syn() ? 1 : 0);
                long pause = s.timeNanos() - Math.max(lastClientDataNanos, lastServerDataNanos);
                for (byte[] piece : serverStream.take(seq, s.length(), s.segment().payload())) {
                    writes.add(piece, received, s.frame(), seq + s.length(), s.segment().flags().psh(), pause);
                    lastServerDataNanos = s.timeNanos();
                }
                if (s.segment().flags().fin() && serverFin < 0) {
                    serverFinShape = server.get(server.size() - 1);
                    serverFin = s.frame();
                    serverFinNanos = s.timeNanos();
                    clientBytesBeforeServerFin = clientStream.next - 1;
                }
            }
        }
        boolean clientFirst = clientFin >= 0 && (serverFin < 0 || clientFin < serverFin);
        long lastNanos = segments.get(segments.size() - 1).timeNanos(), endNanos = clientFin >= 0 ? clientFinNanos : lastNanos;
        Quiet quiet = new Quiet(clientFin >= 0 ? clientFinNanos - quietSince : -1,
                clientFin >= 0 ? -1 : lastNanos - quietBeforeLast,
                Keepalive.of(clientProbes, clientProbesQuietSince, clientProbesAnswered, endNanos),
                Keepalive.of(serverProbes, serverProbesQuietSince, serverProbesAnswered, endNanos));
        String client = (first.fromClient() ? first.src() : first.dst()).toString();
        String serverName = (first.fromClient() ? first.dst() : first.src()).toString();
        long clientData = clientStream.next - 1;
        List<Write> cappedReplies = writes.all().stream().map(r -> r.receivedBefore() <= clientData ? r
                : new Write(r.data(), clientData, r.frame(), r.pauseNanos())).toList();
        return new RecordedConversation(first.conn(), client, serverName, chunks, clientFirst, serverBytesBeforeFin,
                server, clientStream.filled, clientStream.unseen,
                clientFirst && serverFin >= 0 ? serverFinNanos - clientFinNanos : -1, synData, quiet,
                List.copyOf(zeroWindows), serverReading.bytesPerSecond(), cappedReplies,
                new ClientReading(List.copyOf(clientZeroWindows), clientPace.bytesPerSecond(), clientLargestWindow),
                SynOffer.of(first), new Mirror(clientShapes, clientWrites.all(), clientBytesBeforeServerFin,
                        !clientFirst && clientFin >= 0 && serverFin >= 0 ? clientFinNanos - serverFinNanos : -1,
                        synAck == null ? null : SynOffer.of(synAck),
                        crossed(clientFinShape, serverFinShape, clientFirst) ? quietBeforeFirstFin : -1,
                        serverLargestWindow));
    }

    /** Whether the later of the two FINs acknowledges nothing of the earlier: both were sent before either arrived. */
    private static boolean crossed(SegmentShape clientFin, SegmentShape serverFin, boolean clientFirst) {
        if (clientFin == null || serverFin == null) {
            return false;
        }
        SegmentShape earlier = clientFirst ? clientFin : serverFin, later = clientFirst ? serverFin : clientFin;
        return later.flags().ack() && later.ack() <= earlier.seq() + earlier.length();
    }
}
