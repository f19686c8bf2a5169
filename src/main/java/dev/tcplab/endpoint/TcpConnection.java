package dev.tcplab.endpoint;

import dev.tcplab.text.Text;
import dev.tcplab.wire.Flags;
import dev.tcplab.wire.Segment;
import dev.tcplab.wire.SeqNum;
import dev.tcplab.wire.TcpOption;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * One TCP connection's state machine and TCB: RFC 9293 §3.10 (user calls and segment arrival),
 * RFC 6298 (retransmission timer), RFC 5961 (challenge ACKs), RFC 1122 §4.2.3.6 (keep-alive), with
 * {@link PersistTimer} (zero-window probing),
 * {@link Negotiated} (RFC 7323 options, RFC 2018 SACK), {@link CongestionControl} (RFC 5681, RFC
 * 6582) and {@link Reassembly} (out-of-order data) beside it. Pure logic: segments in through
 * {@link #onSegment}, segments out through a {@link SegmentSink}, time from a {@link Clock}; the
 * owner calls {@link #onTimer} when {@link #nextDeadline} has passed. Not thread-safe: one thread
 * drives it.
 *
 * <p>Variable names follow the RFC's TCB (SND.UNA → sndUna, RCV.NXT → rcvNxt), so that reading
 * this is reading §3.10.7.
 */
public final class TcpConnection {

    /** No timer armed. */
    public static final long NEVER = Long.MAX_VALUE;

    private final TcpConfig config;
    private final Clock clock;
    private final SegmentSink out;
    private final ConnectionListener listener;
    private final LongSupplier isnSource;
    private final int localPort;
    /** Known from the start for an active open; learned from the SYN for a passive one (0 until then). */
    private int remotePort;
    private boolean passive;

    private TcpState state = TcpState.CLOSED;
    private Text closeReason = Text.EMPTY;

    // Send sequence variables (RFC 9293 §3.3.1)
    private SeqNum iss;
    private SeqNum sndUna;
    private SeqNum sndNxt;
    /** The highest SND.NXT reached: after a timeout SND.NXT goes back (go-back-N), this does not. */
    private SeqNum sndMax;
    private int sndWnd;
    /** The last window field seen: a duplicate ACK must not change it (RFC 5681 §2). */
    private int lastWindowField;
    private SeqNum sndWl1;
    private SeqNum sndWl2;
    // Receive sequence variables
    private SeqNum irs;
    private SeqNum rcvNxt;
    /**
     * The window we offer, in bytes: at most {@link #rcvLimit} less what our application has not read; after
     * a partial read, less, until it can grow by enough to be worth the sender's while (RFC 1122 §4.2.3.3).
     */
    private long rcvWnd;
    /** Our receive buffer: at most 64 KiB − 1 until window scaling is agreed. */
    private long rcvLimit;
    /** The application is not reading: what arrives stays in the buffer and the window shrinks. */
    private boolean readingHeld;
    /** Bytes received in order that the application has not read yet. */
    private long unread;
    private final Negotiated negotiated;

    private int peerMss = 536; // RFC 9293 §3.7.1: the default when the SYN carries no MSS option
    private final SendBuffer sendBuffer = new SendBuffer();
    /** Sequence number of the first byte in {@link #sendBuffer}. */
    private SeqNum dataStart;
    private final Reassembly reassembly = new Reassembly();
    private boolean closeRequested;
    private SeqNum finSeq; // set once our FIN has been sent
    private boolean ackPending;
    private CongestionControl cc;
    /** Delayed ACKs (RFC 1122 §4.2.3.2, RFC 5681 §4.2): every second full segment, else within 40 ms. */
    private static final long DELAYED_ACK_NANOS = 40_000_000L;
    private int segmentsUnacked;
    private long delayedAckDeadline = NEVER;
    /**
     * Inside a burst (frames that arrived together and are fed in one go), the every-second-segment
     * ACK waits for {@link #endBurst}: one ACK then covers the burst, as Linux's GRO makes it do.
     */
    private boolean inBurst;
    /** A burst's ACK never covers more than this many segments (GRO stops at 64 KB, ~44 of them). */
    static final int MAX_SEGMENTS_PER_ACK = 16;
    /**
     * An RST ends TIME_WAIT as RFC 9293 §3.10.7.4 says and Linux does by default. It comes when our ACK
     * of an old duplicate reaches a peer that has closed; RFC 1337 calls it TIME-WAIT assassination.
     */
    public static final Text TIME_WAIT_CUT_SHORT = Text.of("connection reset by the peer (RST in TIME_WAIT): "
            + "TIME_WAIT cut short, as RFC 9293 allows and Linux does unless net.ipv4.tcp_rfc1337=1 (RFC 1337: "
            + "TIME-WAIT assassination)",
            "连接被对方重置（TIME_WAIT 中收到 RST）：TIME_WAIT 被提前结束。RFC 9293 允许这样做，Linux 默认也这样做，"
            + "除非设置 net.ipv4.tcp_rfc1337=1（RFC 1337：TIME-WAIT 暗杀）");
    private SeqNum lastOutOfOrder;          // for SACK: the most recent out-of-order arrival goes first

    // RFC 6298 retransmission timer and Karn's rule
    private final RtoEstimator rto;
    private long rtxDeadline = NEVER;
    private int retransmissions;
    private SeqNum timedSeq; // the segment being timed for an RTT sample, if any
    private long timedAt;
    private long timeWaitDeadline = NEVER;
    // RFC 1122 §4.2.3.6 keep-alive (ours; off unless configured)
    private long keepaliveDeadline = NEVER;
    private int keepaliveProbes;
    private long keepaliveProbesSent;   // in all, answered or not
    // RFC 9293 §3.8.6.1 zero-window probing
    private final PersistTimer persist = new PersistTimer();
    private long zeroWindowProbesSent;  // in all

    public TcpConnection(TcpConfig config, Clock clock, int localPort, int remotePort, LongSupplier isnSource,
                         SegmentSink out, ConnectionListener listener) {
        this.config = config;
        this.clock = clock;
        this.localPort = localPort;
        this.remotePort = remotePort;
        this.isnSource = isnSource;
        this.out = out;
        this.listener = listener;
        this.negotiated = new Negotiated(config.extensions(), config.timestamps(), config.receiveWindow(), clock);
        this.rcvLimit = Math.min(config.receiveWindow(), 0xffff);
        this.rcvWnd = rcvLimit;
        this.rto = new RtoEstimator(config.initialRto().toNanos(), config.minRto().toNanos(),
                config.maxRto().toNanos());
    }

    // ---------------------------------------------------------------- user calls (RFC 9293 §3.10.1-§3.10.5)

    /** Active OPEN: send SYN(seq = ISS) and enter SYN_SENT (seed: first handshake segment). */
    public void open() {
        if (state != TcpState.CLOSED) {
            throw new IllegalStateException("open in " + state + ": connection already exists");
        }
        iss = SeqNum.of(isnSource.getAsLong());
        sndUna = iss;
        sndNxt = iss.plus(1);
        sndMax = sndNxt;
        dataStart = iss.plus(1);
        setState(TcpState.SYN_SENT, Text.of("active open: SYN sent with ISN " + iss, "主动打开：已发送 SYN，初始序号 " + iss));
        sendSyn(Flags.SYN, null);
        armRetransmission();
    }

    /**
     * Passive OPEN: wait in LISTEN for a SYN (RFC 9293 §3.10.1). The remote port is whatever the
     * first SYN comes from.
     */
    public void listen() {
        if (state != TcpState.CLOSED) {
            throw new IllegalStateException("listen in " + state + ": connection already exists");
        }
        passive = true;
        setState(TcpState.LISTEN, Text.of("passive open: waiting for a SYN", "被动打开：等待 SYN"));
    }

    /** SEND: queue bytes; they leave when the handshake is done and the peer's window allows. */
    public void send(byte[] data) {
        switch (state) {
            case SYN_SENT, SYN_RECEIVED, ESTABLISHED, CLOSE_WAIT -> {
                if (closeRequested) {
                    throw new IllegalStateException("connection closing: no more data may be sent");
                }
                sendBuffer.append(data);
                pushData();
            }
            default -> throw new IllegalStateException("send in " + state + ": connection not open for sending");
        }
    }

    /**
     * CLOSE: our side has no more data. The FIN follows the queued data. From ESTABLISHED this is
     * the active close (→ FIN_WAIT_1); from CLOSE_WAIT the passive one (→ LAST_ACK).
     */
    public void close() {
        switch (state) {
            case SYN_SENT -> enterClosed(Text.of("closed by the application before the handshake finished",
                    "握手完成之前应用程序就关闭了"));
            case ESTABLISHED, SYN_RECEIVED -> {
                closeRequested = true;
                setState(TcpState.FIN_WAIT_1, Text.of("application closed: FIN queued after the data",
                        "应用程序关闭：FIN 排在数据之后发出"));
                pushData();
            }
            case CLOSE_WAIT -> {
                closeRequested = true;
                setState(TcpState.LAST_ACK, Text.of("application closed after the peer's FIN: our FIN follows",
                        "应用程序在对方的 FIN 之后关闭：我们的 FIN 随之发出"));
                pushData();
            }
            default -> {
                // already closing: RFC 9293 §3.10.4 answers "connection closing"; nothing to send
            }
        }
    }

    /**
     * The application stops reading (RECEIVE is not called): what arrives stays in the receive buffer, and
     * the window we offer shrinks by as much, down to 0, when the peer must stop and probe.
     */
    public void holdReading() {
        readingHeld = true;
    }

    /**
     * The application reads everything waiting: the window opens to the whole buffer again. If the peer
     * may be stopped by the window it last saw, it is told at once, a window update: nobody else would.
     */
    public void readHeld() {
        readingHeld = false;
        long read = unread;
        int fieldBefore = window();
        unread = 0;
        rcvWnd = Math.max(rcvWnd, inWholeSegments(rcvLimit));
        // RFC 1122 §4.2.3.3: worth a segment when the window grows by a full segment or half the buffer.
        boolean worthIt = fieldBefore == 0 || read >= Math.min(rcvLimit / 2, config.mss());
        if (read > 0 && worthIt && state.synchronizedState() && state != TcpState.TIME_WAIT) {
            sendAck(Text.of("window update: our application read the " + read + " bytes waiting; window " + rcvWnd,
                    "窗口更新：我们的应用程序读取了等待中的 " + read + " 个字节；窗口为 " + rcvWnd));
        }
    }

    /**
     * The application, not reading freely ({@link #holdReading}), reads at most {@code max} of the bytes
     * waiting. The window grows only when it can grow by a full segment or half the buffer (RFC 1122
     * §4.2.3.3, the receiver's silly-window avoidance: small openings would draw small segments), and then
     * the peer is told at once, a window update.
     *
     * @return how many bytes it read
     */
    public long read(long max) {
        long n = Math.min(Math.max(0, max), unread);
        unread -= n;
        long grows = rcvLimit - unread - rcvWnd;
        if (n > 0 && grows >= Math.min(rcvLimit / 2, effectiveMss())) {
            rcvWnd = Math.max(rcvWnd, inWholeSegments(rcvLimit - unread));
            if (state.synchronizedState() && state != TcpState.TIME_WAIT) {
                sendAck(Text.of("window update: our application has read enough for the window to grow by " + grows
                        + " bytes, to " + rcvWnd, "窗口更新：我们的应用程序读取的数据已足够让窗口增大 " + grows
                        + " 个字节，达到 " + rcvWnd));
            }
        }
        return n;
    }

    /** Bytes received in order that the application has not read. */
    public long unreadBytes() {
        return unread;
    }

    /** ABORT: RST to the peer in synchronized states, then CLOSED (RFC 9293 §3.10.5). */
    public void abort(Text why) {
        if (state.synchronizedState() || state == TcpState.SYN_RECEIVED) {
            transmit(Segment.of(localPort, remotePort, sndNxt, SeqNum.ZERO, Flags.RST, 0),
                    Text.of("abort: " + why.en(), "中止：" + why.zh()));
        }
        enterClosed(Text.of("aborted: " + why.en(), "已中止：" + why.zh()));
    }

    // ---------------------------------------------------------------- segment arrival (RFC 9293 §3.10.7)

    /**
     * The segments fed until {@link #endBurst} arrived together. With delayed ACKs, in-order data
     * then gets one ACK at the burst's end instead of one every second segment (a stretch ACK, at
     * most {@value #MAX_SEGMENTS_PER_ACK} segments): what Linux does when GRO merges a burst.
     * Anything out of order is still ACKed at once.
     */
    public void beginBurst() {
        inBurst = true;
    }

    public void endBurst() {
        inBurst = false;
        if (segmentsUnacked >= 2 && state.synchronizedState()) {
            sendAck(Text.of("one ACK for " + segmentsUnacked + " segments that arrived together (stretch ACK, as GRO)",
                    "一个 ACK 确认一起到达的 " + segmentsUnacked + " 个报文段（拉伸 ACK，如同 GRO 合并之后）"));
        }
    }

    public void onSegment(Segment seg) {
        if (config.keepalive() != null && keepaliveDeadline != NEVER) {
            restartKeepalive();             // anything from the peer proves it alive
        }
        switch (state) {
            case CLOSED -> answerFromClosed(seg);
            case LISTEN -> onSegmentInListen(seg);
            case SYN_SENT -> onSegmentInSynSent(seg);
            default -> onSegmentSynchronized(seg);
        }
        if (ackPending) {
            sendAck(null);
        }
    }

    /** §3.10.7.1: a segment to a connection that does not exist is answered with RST (unless RST). */
    private void answerFromClosed(Segment seg) {
        if (seg.flags().rst()) {
            return;
        }
        // Answer whoever sent it: in CLOSED there is no connection to take the port from.
        if (seg.flags().ack()) {
            transmit(Segment.of(localPort, seg.srcPort(), seg.ack(), SeqNum.ZERO, Flags.RST, 0),
                    Text.of("RST: no connection (RFC 9293 §3.10.7.1, seq = SEG.ACK)",
                            "RST：没有这个连接（RFC 9293 §3.10.7.1，seq = SEG.ACK）"));
        } else {
            transmit(Segment.of(localPort, seg.srcPort(), SeqNum.ZERO, seg.seqEnd(), Flags.RST_ACK, 0),
                    Text.of("RST: no connection (RFC 9293 §3.10.7.1, ack = SEG.SEQ + SEG.LEN)",
                            "RST：没有这个连接（RFC 9293 §3.10.7.1，ack = SEG.SEQ + SEG.LEN）"));
        }
    }

    /** §3.10.7.2: a SYN starts a connection; anything else is refused or ignored. */
    private void onSegmentInListen(Segment seg) {
        Flags f = seg.flags();
        if (f.rst()) {
            return;
        }
        if (f.ack()) {
            transmit(Segment.of(localPort, seg.srcPort(), seg.ack(), SeqNum.ZERO, Flags.RST, 0),
                    Text.of("RST: an ACK in LISTEN acknowledges nothing we sent (RFC 9293 §3.10.7.2)",
                            "RST：LISTEN 状态下收到的 ACK 确认的并不是我们发出的东西（RFC 9293 §3.10.7.2）"));
            return;
        }
        if (!f.syn()) {
            return;
        }
        remotePort = seg.srcPort();
        irs = seg.seq();
        rcvNxt = irs.plus(1);                       // the SYN consumes one sequence number
        learnFromSyn(seg);
        sndWnd = seg.window();
        iss = SeqNum.of(isnSource.getAsLong());
        sndUna = iss;
        sndNxt = iss.plus(1);
        sndMax = sndNxt;
        dataStart = iss.plus(1);
        setState(TcpState.SYN_RECEIVED, Text.of("SYN received (seq = " + irs + "): answer SYN+ACK with our ISN " + iss
                + " and ack = their ISN + 1", "收到 SYN（seq = " + irs + "）：回 SYN+ACK，带上我们的初始序号 " + iss
                + "，ack = 对方的初始序号 + 1"));
        sendSyn(Flags.SYN_ACK, null);
        armRetransmission();
    }

    /** The peer's MSS and which extensions both sides offered; our window may grow with scaling. */
    private void learnFromSyn(Segment syn) {
        syn.option(TcpOption.Mss.class).ifPresent(m -> peerMss = m.value());
        negotiated.peerSyn(syn);
        rcvLimit = negotiated.windowLimit(config.receiveWindow());
        rcvWnd = inWholeSegments(Math.max(0, rcvLimit - unread));
    }

    /**
     * The window to offer for {@code free} bytes of buffer. Without a scale (shift 0: a small buffer set on
     * purpose), Linux offers whole segments (tcp_select_window rounds the free space down to a multiple of the
     * MSS), so that the sender fills it with full segments, not a full one and a sliver; callers never let the
     * right edge move left for it.
     */
    private long inWholeSegments(long free) {
        int mss = effectiveMss();
        return negotiated.ourShift() == 0 && free > mss ? free - free % mss : free;
    }

    /** §3.10.7.3: the reply to our SYN. */
    private void onSegmentInSynSent(Segment seg) {
        Flags f = seg.flags();
        if (f.ack() && (seg.ack().le(iss) || seg.ack().gt(sndNxt))) {
            // An ACK for something we never sent: an old connection's segment.
            if (!f.rst()) {
                transmit(Segment.of(localPort, remotePort, seg.ack(), SeqNum.ZERO, Flags.RST, 0),
                        Text.of("RST: unacceptable ACK in SYN_SENT", "RST：SYN_SENT 状态下收到不可接受的 ACK"));
            }
            return;
        }
        if (f.rst()) {
            if (f.ack()) {
                enterClosed(Text.of("connection refused: the peer answered SYN with RST", "连接被拒绝：对方用 RST 回应了 SYN"));
            }
            return;
        }
        if (!f.syn()) {
            return;
        }
        irs = seg.seq();
        rcvNxt = irs.plus(1);                       // the SYN consumes one sequence number
        learnFromSyn(seg);
        if (f.ack()) {
            acknowledge(seg.ack());
            updateWindow(seg);
            setState(TcpState.ESTABLISHED, Text.of("SYN+ACK acknowledges our SYN (ack = ISN+1): third segment ACKs theirs",
                    "SYN+ACK 确认了我们的 SYN（ack = ISN+1）：第三个报文段确认对方的 SYN"));
            sendAck(null);
            takeText(seg);
            pushData();
        } else {
            // Simultaneous open: both sent SYN; answer with SYN+ACK of our own ISN.
            setState(TcpState.SYN_RECEIVED, Text.of("SYN without ACK while in SYN_SENT: simultaneous open",
                    "在 SYN_SENT 状态收到不带 ACK 的 SYN：同时打开"));
            sendSyn(Flags.SYN_ACK, null);
        }
    }

    /** §3.10.7.4: every state after the handshake started. */
    private void onSegmentSynchronized(Segment seg) {
        Flags f = seg.flags();

        // Seed claim 4 (and Linux's tcp_timewait_state_process): the peer retransmits its FIN
        // because our last ACK was lost; ACK it again and restart the 2MSL timer.
        if (state == TcpState.TIME_WAIT && f.fin() && !f.rst() && seg.seqEnd().equals(rcvNxt)) {
            timeWaitDeadline = clock.nanos() + 2 * config.msl().toNanos();
            long twoMsl = 2 * config.msl().toNanos();
            listener.note(Text.of("retransmitted FIN in TIME_WAIT: ACK it again and restart the 2MSL timer ("
                    + millis(twoMsl) + ")", "TIME_WAIT 中收到重传的 FIN：再次确认它，并重新开始 2MSL 计时（"
                    + millisZh(twoMsl) + "）"));
            sendAck(Text.of("re-ACK of the retransmitted FIN", "再次确认重传的 FIN"));
            return;
        }

        // The peer's SYN again (our SYN+ACK was lost): answer with the SYN+ACK again, as Linux's
        // tcp_check_req does; the RFC's window check would answer a bare ACK, which helps nobody.
        if (state == TcpState.SYN_RECEIVED && f.syn() && !f.ack() && seg.seq().equals(irs)) {
            sendSyn(Flags.SYN_ACK, Text.of("the peer's SYN again: SYN+ACK again", "对方又发来 SYN：再发一次 SYN+ACK"));
            return;
        }

        // A keep-alive probe (RFC 1122 §4.2.3.6): an old sequence number, RCV.NXT − 1, with no data
        // or one garbage byte, sent only to make us answer. The window check below would answer it
        // too; saying so here names it in the ladder.
        if (f.ack() && !f.syn() && !f.fin() && !f.rst() && seg.payloadLength() <= 1
                && seg.seq().equals(rcvNxt.plus(-1)) && state != TcpState.TIME_WAIT) {
            // With our window shut, it is the peer's zero-window probe in Linux's form: the same shape.
            sendAck(window() == 0 ? Text.of("zero-window probe ACK: our window is still 0 (the peer's probe, seq = "
                    + "RCV.NXT − 1, is Linux's form; Wireshark calls it a keep-alive)", "零窗口探测的 ACK：我们的窗口仍为 0"
                    + "（对方的探测 seq = RCV.NXT − 1，是 Linux 的形式；Wireshark 称之为保活探测）")
                    : Text.of("keep-alive ACK: answers the peer's probe (seq = RCV.NXT − 1, RFC 1122 §4.2.3.6)",
                    "保活 ACK：回应对方的探测（seq = RCV.NXT − 1，RFC 1122 §4.2.3.6）"));
            return;
        }

        // PAWS (RFC 7323 §5.3): a timestamp older than the last one kept marks an old duplicate.
        if (negotiated.tooOld(seg)) {
            sendAck(Text.of("PAWS: timestamp older than TS.Recent, an old duplicate (RFC 7323 §5.3)",
                    "PAWS：时间戳早于 TS.Recent，是过时的重复报文段（RFC 7323 §5.3）"));
            return;
        }

        // First: is the segment in the receive window?
        if (!acceptable(seg)) {
            if (!f.rst()) {
                ackPending = true; // tell the peer what we expect (RFC 9293 §3.10.7.4 first)
            }
            return;
        }
        negotiated.remember(seg, seg.seq().le(rcvNxt));
        // Second: RST. RFC 5961 §3.2: only an exact RCV.NXT match resets; else a challenge ACK.
        if (f.rst()) {
            if (seg.seq().equals(rcvNxt)) {
                if (state == TcpState.SYN_RECEIVED && passive) {
                    backToListen();
                } else {
                    enterClosed(state == TcpState.SYN_RECEIVED
                            ? Text.of("connection refused (RST in SYN_RECEIVED)", "连接被拒绝（SYN_RECEIVED 状态下收到 RST）")
                            : state == TcpState.TIME_WAIT ? TIME_WAIT_CUT_SHORT
                            : Text.of("connection reset by the peer (RST in " + state + ")",
                                    "连接被对方重置（" + state + " 状态下收到 RST）"));
                }
            } else {
                sendAck(Text.of("challenge ACK (RFC 5961 §3.2): RST in window but not at RCV.NXT",
                        "挑战 ACK（RFC 5961 §3.2）：RST 落在窗口内，但不正好在 RCV.NXT"));
            }
            return;
        }
        // Fourth: a SYN in a synchronized state (RFC 5961 §4): challenge ACK, drop.
        if (f.syn()) {
            sendAck(Text.of("challenge ACK (RFC 5961 §4): SYN in " + state, "挑战 ACK（RFC 5961 §4）：" + state + " 状态下收到 SYN"));
            return;
        }
        // Fifth: the ACK field.
        if (!f.ack()) {
            return;
        }
        if (!processAck(seg)) {
            return;
        }
        // Seventh: the segment text.
        takeText(seg);
        pushData();
    }

    /** §3.10.7.4's four acceptability cases. */
    private boolean acceptable(Segment seg) {
        int len = seg.seqLength();
        SeqNum wndEnd = rcvNxt.plus(rcvWnd);  // rcvWnd < 2^31, so the modular range holds
        if (len == 0) {
            return rcvWnd == 0 ? seg.seq().equals(rcvNxt) : seg.seq().inRange(rcvNxt, wndEnd);
        }
        if (rcvWnd == 0) {
            return false;
        }
        return seg.seq().inRange(rcvNxt, wndEnd) || seg.seq().plus(len - 1).inRange(rcvNxt, wndEnd);
    }

    /** The fifth step; false when the segment is to be dropped. */
    private boolean processAck(Segment seg) {
        SeqNum ack = seg.ack();
        if (state == TcpState.SYN_RECEIVED) {
            if (ack.gt(sndUna) && ack.le(sndNxt)) {
                setState(TcpState.ESTABLISHED, Text.of("ACK of our SYN+ACK: the third handshake segment arrived",
                        "我们的 SYN+ACK 得到确认：握手的第三个报文段到了"));
            } else {
                transmit(Segment.of(localPort, remotePort, ack, SeqNum.ZERO, Flags.RST, 0),
                        Text.of("RST: unacceptable ACK in SYN_RECEIVED", "RST：SYN_RECEIVED 状态下收到不可接受的 ACK"));
                return false;
            }
        }
        if (ack.gt(sndMax)) {
            ackPending = true; // acknowledges something not yet sent
            return false;
        }
        if (ack.gt(sndNxt)) {
            sndNxt = ack;      // after a go-back: the first transmission got there after all
        }
        if (ack.gt(sndUna)) {
            long acked = ack.minus(sndUna);
            acknowledge(ack);
            if (cc != null && cc.onNewAck(acked, ack, sndNxt.minus(sndUna))) {
                resendOldest(Text.of("NewReno: a partial ACK, retransmit the next hole (RFC 6582)",
                        "NewReno：部分确认，重传下一个空缺（RFC 6582）"));
            }
        } else if (isDuplicateAck(seg)
                && cc.onDuplicateAck(sndNxt.minus(sndUna), sndNxt)) {
            resendOldest(Text.of("fast retransmit: third duplicate ACK (RFC 5681 §3.2)", "快速重传：第三个重复 ACK（RFC 5681 §3.2）"));
        }
        if (ack.ge(sndUna)) {
            updateWindow(seg);
        }
        if (persist.running()) {
            persist.answered();
            if (sndWnd > 0) {
                windowOpened();
            }
        }
        boolean finAcked = finSeq != null && ack.gt(finSeq);
        switch (state) {
            case FIN_WAIT_1 -> {
                if (finAcked) {
                    setState(TcpState.FIN_WAIT_2, Text.of("our FIN acknowledged; waiting for the peer's FIN",
                            "我们的 FIN 已被确认；等待对方的 FIN"));
                }
            }
            case CLOSING -> {
                if (finAcked) {
                    enterTimeWait(Text.of("our FIN acknowledged in CLOSING", "CLOSING 状态下我们的 FIN 得到确认"));
                }
            }
            case LAST_ACK -> {
                if (finAcked) {
                    enterClosed(Text.of("our FIN acknowledged: passive close complete", "我们的 FIN 已被确认：被动关闭完成"));
                    return false;
                }
            }
            default -> {
            }
        }
        return true;
    }

    /** Never lets SND.MAX fall behind SND.NXT. */
    private void raiseSndMax() {
        if (sndNxt.gt(sndMax)) {
            sndMax = sndNxt;
        }
    }

    /** RFC 5681 §2's duplicate ACK: nothing new acknowledged, no data, no SYN or FIN, data outstanding. */
    private boolean isDuplicateAck(Segment seg) {
        // Not while probing a zero window: the peer answers each probe with the same ACK, and that
        // says its window is shut, not that a segment was lost (FreeBSD counts none then either).
        return cc != null && !persist.running() && seg.ack().equals(sndUna) && sndUna.lt(sndMax)
                && seg.payloadLength() == 0 && !seg.flags().syn() && !seg.flags().fin()
                && seg.window() == lastWindowField;
    }

    /** Advances SND.UNA to {@code ack}: frees acknowledged bytes, samples RTT, manages the timer. */
    private void acknowledge(SeqNum ack) {
        int dataAcked = Math.max(0, Math.min(sendBuffer.size(), ack.minus(dataStart)));
        sendBuffer.drop(dataAcked);
        dataStart = dataStart.plus(dataAcked);
        sndUna = ack;
        if (timedSeq != null && ack.gt(timedSeq)) {
            rto.sample(clock.nanos() - timedAt);
            timedSeq = null;
        }
        retransmissions = 0;
        if (sndUna.equals(sndMax)) {
            rtxDeadline = NEVER;            // RFC 6298 §5.2: all data acknowledged
        } else {
            armRetransmission();            // §5.3: new data acknowledged, restart
        }
    }

    private void updateWindow(Segment seg) {
        lastWindowField = seg.window();
        // RFC 9293 §3.10.7.4: only a newer segment (by SEG.SEQ, then SEG.ACK) updates SND.WND.
        if (sndWl1 == null || sndWl1.lt(seg.seq()) || (sndWl1.equals(seg.seq()) && sndWl2.le(seg.ack()))) {
            sndWnd = (int) Math.min(Integer.MAX_VALUE, negotiated.peerWindow(seg));
            sndWl1 = seg.seq();
            sndWl2 = seg.ack();
        }
    }

    /** The seventh and eighth steps: in-order text to the application, then the FIN. */
    private void takeText(Segment seg) {
        if (seg.payloadLength() == 0 && !seg.flags().fin()) {
            return;
        }
        if (!(state == TcpState.ESTABLISHED || state == TcpState.FIN_WAIT_1 || state == TcpState.FIN_WAIT_2
                || state == TcpState.SYN_RECEIVED)) {
            // CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT: the peer already sent FIN; nothing new can follow.
            return;
        }
        boolean inOrder = seg.seq().le(rcvNxt);
        boolean hadGap = !reassembly.isEmpty();
        reassembly.hold(seg.seq(), seg.payload(), seg.flags().fin());
        if (!inOrder) {
            lastOutOfOrder = seg.seq();
        }
        Reassembly.Piece p;
        while ((p = reassembly.next(rcvNxt)) != null) {
            if (p.data().length > 0) {
                rcvNxt = rcvNxt.plus(p.data().length);
                listener.dataReceived(p.data());
                if (readingHeld) {
                    unread += p.data().length;  // RCV.NXT and the unread grow together: the right edge stays put
                    rcvWnd = Math.max(0, rcvWnd - p.data().length);
                }
            }
            if (p.fin()) {
                rcvNxt = rcvNxt.plus(1);    // the FIN consumes one sequence number
                ackPending = true;
                onFin();
                return;
            }
        }
        // ACK at once when something is out of order or a gap just closed (RFC 5681 §4.2);
        // otherwise, with delayed ACKs, every second segment or after 40 ms.
        segmentsUnacked++;
        int ackEvery = inBurst ? MAX_SEGMENTS_PER_ACK : 2;
        if (!config.delayedAcks() || !reassembly.isEmpty() || hadGap || !inOrder || segmentsUnacked >= ackEvery) {
            ackPending = true;
        } else if (delayedAckDeadline == NEVER) {
            delayedAckDeadline = clock.nanos() + DELAYED_ACK_NANOS;
        }
    }

    private void onFin() {
        switch (state) {
            case SYN_RECEIVED, ESTABLISHED -> setState(TcpState.CLOSE_WAIT, Text.of(
                    "peer's FIN: ACK it now; our FIN waits for our application (why closing takes four segments)",
                    "收到对方的 FIN：立即确认；我们的 FIN 要等我们的应用程序关闭（所以关闭要四个报文段）"));
            case FIN_WAIT_1 -> {
                if (finSeq != null && sndUna.gt(finSeq)) {
                    enterTimeWait(Text.of("peer's FIN after its ACK of ours", "对方先确认了我们的 FIN，再发来它的 FIN"));
                } else {
                    setState(TcpState.CLOSING, Text.of("peer's FIN before the ACK of ours: simultaneous close",
                            "对方的 FIN 先于它对我们 FIN 的确认到达：同时关闭"));
                }
            }
            case FIN_WAIT_2 -> enterTimeWait(Text.of("peer's FIN", "收到对方的 FIN"));
            default -> {
            }
        }
    }

    // ---------------------------------------------------------------- timers

    /** When {@link #onTimer} next has work, in clock nanoseconds; {@link #NEVER} if no timer runs. */
    public long nextDeadline() {
        return Math.min(Math.min(Math.min(rtxDeadline, timeWaitDeadline), Math.min(keepaliveDeadline, delayedAckDeadline)),
                persist.deadline());
    }

    public void onTimer() {
        long now = clock.nanos();
        if (now >= timeWaitDeadline) {
            timeWaitDeadline = NEVER;
            enterClosed(Text.of("2MSL passed in TIME_WAIT without a retransmitted FIN", "TIME_WAIT 中过了 2MSL，没有收到重传的 FIN"));
            return;
        }
        if (now >= rtxDeadline) {
            retransmit();
        }
        if (now >= keepaliveDeadline) {
            keepaliveTimeout();
        }
        if (now >= persist.deadline()) {
            zeroWindowProbe();
        }
        if (now >= delayedAckDeadline) {
            sendAck(Text.of("delayed ACK: 40 ms passed without a second segment", "延迟 ACK：40 毫秒内没有等到第二个报文段"));
        }
    }

    /** Idle long enough: probe, or after COUNT unanswered probes declare the peer dead. */
    private void keepaliveTimeout() {
        TcpConfig.Keepalive k = config.keepalive();
        if (!sndUna.equals(sndMax)) {
            keepaliveDeadline = clock.nanos() + k.interval().toNanos(); // data in flight: the RTO is on it
            return;
        }
        if (keepaliveProbes >= k.count()) {
            abort(Text.of("keep-alive: " + k.count() + " probes unanswered; the peer is taken for dead",
                    "保活：" + k.count() + " 个探测都没有回应；认为对方已经失效"));
            return;
        }
        keepaliveProbes++;
        keepaliveProbesSent++;
        // SEG.SEQ = SND.NXT − 1: a byte the peer already has, so it must answer with an ACK.
        transmit(Segment.of(localPort, remotePort, sndNxt.plus(-1), rcvNxt, Flags.ACK, window()),
                Text.of("keep-alive probe " + keepaliveProbes + " of " + k.count() + " (seq = SND.NXT − 1)",
                        "保活探测，第 " + keepaliveProbes + " 个，共 " + k.count() + " 个（seq = SND.NXT − 1）"));
        keepaliveDeadline = clock.nanos() + k.interval().toNanos();
    }

    /**
     * The peer's window is shut and data waits: start the persist timer, unless something is in flight
     * (its ACK, or the retransmission timer, will tell us more) or it already runs.
     */
    private void persistIfWindowShut() {
        int offset = sndNxt.minus(dataStart);
        boolean dataWaits = offset >= 0 && offset < sendBuffer.size();
        if (sndWnd == 0 && dataWaits && sndUna.equals(sndMax) && !persist.running()) {
            persist.start(clock.nanos(), rto.rto());
            listener.note(Text.of("the peer's window is zero: " + sendBuffer.size() + " bytes wait; a zero-window probe "
                    + "in " + millis(rto.rto()) + " (persist timer), in case its window update is lost",
                    "对方的窗口为零：" + sendBuffer.size() + " 个字节在等待；" + millisZh(rto.rto())
                    + "后发送零窗口探测（持续计时器），以防它的窗口更新丢失"));
        }
    }

    /**
     * The persist timer fired: one byte of new data into the shut window (RFC 9293 §3.8.6.1), which
     * the peer must answer with an ACK that carries its window. The same byte goes again on each
     * expiry until the window opens. Linux sends a byte the peer already has instead (seq =
     * SND.UNA − 1, no data), which Wireshark takes for a keep-alive.
     */
    private void zeroWindowProbe() {
        int unanswered = persist.unanswered();
        if (unanswered > 0 && unanswered >= config.dataRetries()) {
            enterClosed(Text.of("timed out: " + unanswered + " zero-window probes unanswered; the peer is gone",
                    "超时：" + unanswered + " 个零窗口探测都没有回应；对方已经不在了"));
            return;
        }
        int offset = sndUna.minus(dataStart);
        if (offset < 0 || offset >= sendBuffer.size()) {
            persist.stop();                 // nothing left to probe with
            return;
        }
        persist.probed(clock.nanos(), config.maxRto().toNanos());
        zeroWindowProbesSent++;
        transmitData(sndUna, sendBuffer.copy(offset, 1), false, Text.of("zero-window probe " + persist.probesSent()
                + ": one byte into the shut window, so that the peer answers with its window (RFC 9293 §3.8.6.1); next in "
                + millis(persist.interval()), "零窗口探测，第 " + persist.probesSent() + " 个：向关闭的窗口"
                + "发送一个字节，让对方用 ACK 告知它的窗口（RFC 9293 §3.8.6.1）；下一个在 "
                + millisZh(persist.interval()) + "后"));
        if (sndNxt.equals(sndUna)) {
            sndNxt = sndUna.plus(1);        // the byte is in flight; no retransmission timer: this one probes
        }
        raiseSndMax();
    }

    /** An ACK opened the window: stop probing; a probe byte the peer dropped goes again with what follows. */
    private void windowOpened() {
        persist.stop();
        if (sndNxt.gt(sndUna)) {
            sndNxt = sndUna;
        }
        listener.note(Text.of("the peer's window opened (" + sndWnd + " bytes): sending resumes",
                "对方的窗口打开了（" + sndWnd + " 个字节）：继续发送"));
    }

    private void restartKeepalive() {
        keepaliveProbes = 0;
        keepaliveDeadline = clock.nanos() + config.keepalive().idle().toNanos();
    }

    private void retransmit() {
        boolean handshake = state == TcpState.SYN_SENT || state == TcpState.SYN_RECEIVED;
        int limit = handshake ? config.synRetries() : config.dataRetries();
        if (retransmissions >= limit) {
            String what = handshake ? "SYN" : "segment at seq " + sndUna;
            String whatZh = handshake ? "SYN " : "seq 为 " + sndUna + " 的报文段";
            rtxDeadline = NEVER;
            enterClosed(Text.of("timed out: " + what + " unacknowledged after " + (retransmissions + 1)
                    + " transmissions (" + limit + " retransmissions)", "超时：" + whatZh + "发送了 "
                    + (retransmissions + 1) + " 次（重传 " + limit + " 次）仍未得到确认"));
            return;
        }
        retransmissions++;
        timedSeq = null;                    // Karn: no RTT sample from a retransmitted segment
        rto.backOff();
        Text why = Text.of("retransmission " + retransmissions + " (RTO now " + millis(rto.rto()) + ")",
                "第 " + retransmissions + " 次重传（RTO 现为 " + millisZh(rto.rto()) + "）");
        if (state == TcpState.SYN_SENT) {
            sendSyn(Flags.SYN, why);
        } else if (state == TcpState.SYN_RECEIVED) {
            sendSyn(Flags.SYN_ACK, why);
        } else if (sndUna.lt(dataStart)) {
            // Closed in SYN_RECEIVED before the peer acknowledged our SYN (RFC 9293 §3.10.4: the FIN
            // may leave at once): what is missing first is the SYN+ACK itself, then the FIN.
            sendSyn(Flags.SYN_ACK, why);
            if (finSeq != null) {
                transmit(Segment.of(localPort, remotePort, finSeq, rcvNxt, Flags.FIN_ACK, window()), why);
            }
        } else {
            if (cc != null) {
                cc.onTimeout(sndNxt.minus(sndUna));
            }
            sndNxt = sndUna;                // go back: what followed the lost segment is sent again
            resendOldest(why);
        }
        rtxDeadline = clock.nanos() + rto.rto();
    }

    /**
     * RFC 6298 §5.4: retransmit the earliest segment not yet acknowledged. SND.NXT moves past it if
     * a go-back had put it there.
     */
    private void resendOldest(Text why) {
        int offset = sndUna.minus(dataStart);
        int unackedData = Math.max(0, sendBuffer.size() - Math.max(0, offset));
        int sentBefore = sndMax.minus(sndUna);
        if (offset >= 0 && unackedData > 0 && sentBefore > 0) {
            // Only bytes sent before: a retransmission that carried new ones would reach past SND.MAX,
            // and the peer's ACK of them would look like an ACK of unsent data, dropped for good.
            int len = Math.min(Math.min(unackedData, effectiveMss()), sentBefore);
            transmitData(sndUna, sendBuffer.copy(offset, len), offset + len == sendBuffer.size(), why);
            if (sndNxt.lt(sndUna.plus(len))) {
                sndNxt = sndUna.plus(len);
            }
        } else if (finSeq != null && sndUna.equals(finSeq)) {
            transmit(Segment.of(localPort, remotePort, finSeq, rcvNxt, Flags.FIN_ACK, window()), why);
            sndNxt = finSeq.plus(1);
        }
    }

    private void armRetransmission() {
        rtxDeadline = clock.nanos() + rto.rto();
    }

    // ---------------------------------------------------------------- output

    /** Sends what the send buffer and the peer's window allow, then the FIN once all data left. */
    private void pushData() {
        if (!state.synchronizedState()) {
            return;                         // data waits for the handshake to finish
        }
        if (cc == null) {
            cc = new CongestionControl(effectiveMss());
        }
        while (true) {
            int offset = sndNxt.minus(dataStart);
            if (offset < 0) {
                break;                      // our SYN is still unacknowledged: no data may go before it
            }
            int unsent = sendBuffer.size() - offset;
            long flight = sndNxt.minus(sndUna);
            long window = Math.min(sndWnd, cc.window()) - flight; // the peer's window and the network's
            int len = (int) Math.min(Math.min(unsent, window), effectiveMss());
            if (len <= 0) {
                break;
            }
            boolean last = len == unsent;
            transmitData(sndNxt, sendBuffer.copy(offset, len), last, null);
            if (timedSeq == null && retransmissions == 0) {
                timedSeq = sndNxt;
                timedAt = clock.nanos();
            }
            sndNxt = sndNxt.plus(len);
            noteSent();
        }
        boolean allDataSent = sndNxt.minus(dataStart) == sendBuffer.size();
        // The FIN leaves once all data has; again after a go-back put SND.NXT before it.
        if (closeRequested && allDataSent && (finSeq == null || sndNxt.equals(finSeq))) {
            finSeq = sndNxt;
            transmit(Segment.of(localPort, remotePort, finSeq, rcvNxt, Flags.FIN_ACK, window()), null);
            ackPending = false;
            sndNxt = sndNxt.plus(1);        // the FIN consumes one sequence number
            noteSent();
        }
        persistIfWindowShut();
    }

    private void noteSent() {
        raiseSndMax();
        if (rtxDeadline == NEVER) {
            armRetransmission();
        }
    }

    private void transmitData(SeqNum seq, byte[] data, boolean push, Text why) {
        Flags flags = push ? Flags.PSH_ACK : Flags.ACK;
        transmit(Segment.of(localPort, remotePort, seq, rcvNxt, flags, window()).withPayload(data), why);
        ackPending = false;                 // every data segment carries our ACK
    }

    private void sendSyn(Flags flags, Text why) {
        SeqNum ack = flags.ack() ? rcvNxt : SeqNum.ZERO;
        Segment syn = Segment.of(localPort, remotePort, iss, ack, flags, negotiated.windowField(rcvWnd, true))
                .withOptions(negotiated.synOptions(config.mss(), flags.ack()));
        if (why == null && timedSeq == null) {
            timedSeq = iss;
            timedAt = clock.nanos();
        }
        transmit(syn, why);
    }

    private void sendAck(Text why) {
        Segment ack = Segment.of(localPort, remotePort, sndNxt, rcvNxt, Flags.ACK, window());
        TcpOption.Sack sack = negotiated.sackPermitted() && !reassembly.isEmpty() ? sackOption() : null;
        if (sack != null && sack.edges().length > 0) {
            ack = ack.withOptions(List.of(new TcpOption.Nop(), new TcpOption.Nop(), sack));
        }
        transmit(ack, why);
        ackPending = false;
    }

    /** What we hold beyond the gap, so the peer retransmits only what is missing (RFC 2018). */
    private TcpOption.Sack sackOption() {
        List<SeqNum[]> blocks = reassembly.blocks(rcvNxt, lastOutOfOrder, negotiated.maxSackBlocks());
        long[] edges = new long[blocks.size() * 2];
        for (int i = 0; i < blocks.size(); i++) {
            edges[2 * i] = blocks.get(i)[0].value();
            edges[2 * i + 1] = blocks.get(i)[1].value();
        }
        return new TcpOption.Sack(edges);
    }

    /** Every segment after the SYNs carries the agreed timestamps; RSTs go out plain. */
    private void transmit(Segment s, Text why) {
        if (s.flags().ack()) {
            segmentsUnacked = 0;            // whatever we send carries the ACK
            delayedAckDeadline = NEVER;
        }
        out.transmit(s.flags().rst() ? s : negotiated.decorate(s), why);
    }

    /**
     * The window field for a non-SYN segment: our window, scaled if scaling was agreed. Scaling rounds it
     * down, so a nearly full buffer may announce a right edge up to 2^shift − 1 bytes left of the last one
     * (RFC 7323 Appendix F; Linux keeps the edge unless net.ipv4.tcp_shrink_window=1). What the peer sent
     * to the old edge is still taken: a segment that starts in the window is accepted whole.
     */
    private int window() {
        return negotiated.windowField(rcvWnd, false);
    }

    /** Payload per segment: the smaller MSS, less the 12 bytes timestamps take (as Linux's 1448). */
    private int effectiveMss() {
        return Math.min(peerMss, config.mss()) - (negotiated.timestamps() ? Negotiated.TIMESTAMP_SPACE : 0);
    }

    // ---------------------------------------------------------------- state changes

    private void enterTimeWait(Text cause) {
        rtxDeadline = NEVER;
        long twoMsl = 2 * config.msl().toNanos();
        timeWaitDeadline = clock.nanos() + twoMsl;
        setState(TcpState.TIME_WAIT, Text.of(cause.en() + "; waiting 2MSL (" + millis(twoMsl)
                + ") in case our last ACK is lost", cause.zh() + "；等待 2MSL（" + millisZh(twoMsl)
                + "），以防我们的最后一个 ACK 丢失"));
    }

    /** RFC 9293 §3.10.7.4: a passive connection reset in SYN_RECEIVED listens again. */
    private void backToListen() {
        rtxDeadline = NEVER;
        retransmissions = 0;
        remotePort = 0;
        setState(TcpState.LISTEN, Text.of("RST in SYN_RECEIVED: back to LISTEN (passive open)",
                "SYN_RECEIVED 状态下收到 RST：回到 LISTEN（被动打开）"));
    }

    private void enterClosed(Text reason) {
        closeReason = reason;
        rtxDeadline = NEVER;
        timeWaitDeadline = NEVER;
        keepaliveDeadline = NEVER;
        delayedAckDeadline = NEVER;
        persist.stop();
        setState(TcpState.CLOSED, reason);
    }

    private void setState(TcpState next, Text cause) {
        TcpState prev = state;
        state = next;
        if (config.keepalive() != null) {
            // Probing runs while the connection is open both ways or only our way (CLOSE_WAIT).
            boolean probing = next == TcpState.ESTABLISHED || next == TcpState.CLOSE_WAIT;
            if (probing && keepaliveDeadline == NEVER) {
                restartKeepalive();
            } else if (!probing) {
                keepaliveDeadline = NEVER;
            }
        }
        if (prev != next) {
            listener.stateChanged(prev, next, cause);
        }
    }

    private static String millis(long nanos) {
        return nanos % 1_000_000 == 0 ? nanos / 1_000_000 + " ms" : String.format("%.1f ms", nanos / 1e6);
    }

    private static String millisZh(long nanos) {
        return millis(nanos).replace("ms", "毫秒");
    }

    // ---------------------------------------------------------------- observation

    public TcpState state() { return state; }
    /** Why the connection closed, in English (empty while it is open). */
    public String closeReason() { return closeReason.en(); }
    public Text closeText() { return closeReason; }
    public SeqNum iss() { return iss; }
    public SeqNum irs() { return irs; }
    public SeqNum sndUna() { return sndUna; }
    public SeqNum sndNxt() { return sndNxt; }
    public SeqNum rcvNxt() { return rcvNxt; }
    /** RCV.WND in bytes, before the scale's rounding: RCV.NXT + RCV.WND is the right edge we offer. */
    public long rcvWnd() { return rcvWnd; }
    public int sndWnd() { return sndWnd; }
    public int localPort() { return localPort; }
    public int remotePort() { return remotePort; }
    /** The RTO the next (re)transmission will wait, in nanoseconds. */
    public long currentRto() { return rto.rto(); }
    /** Bytes queued by the application that the peer has not acknowledged. */
    public int unacknowledgedBytes() { return sendBuffer.size(); }

    /** Zero-window probes sent over the connection's life. */
    public long zeroWindowProbesSent() { return zeroWindowProbesSent; }
    /** Keep-alive probes sent over the connection's life, answered or not. */
    public long keepaliveProbesSent() { return keepaliveProbesSent; }
    /** The congestion window in bytes, once data has been sent; 0 before. */
    public long congestionWindow() { return cc == null ? 0 : cc.window(); }
    /** Whether the peer's FIN has arrived (in order). */
    public boolean peerClosed() {
        return state == TcpState.CLOSE_WAIT || state == TcpState.LAST_ACK || state == TcpState.CLOSING
                || state == TcpState.TIME_WAIT;
    }
}
