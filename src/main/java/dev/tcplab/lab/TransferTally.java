package dev.tcplab.lab;

import dev.tcplab.text.Text;
import dev.tcplab.wire.Segment;

/** Counts of a run's segments and payload, each way, for the closing summary of a transfer. */
public final class TransferTally {
    /** Below this, a transfer is an exchange of lines: no rate, no digest in the summaries. */
    public static final long MEANINGFUL_BYTES = 64 * 1024;

    private long segmentsOut, segmentsIn, bytesOut, bytesIn, retransmissions, lostOut, lostIn;
    private long firstDataNanos = -1, lastDataNanos = -1;
    /** Our segments the lab's peer namespace dropped (--peer-loss); -1 when nobody counted. */
    private long droppedByPeer = -1;

    void out(Segment s, long epochNanos, Text why, boolean dropped) {
        segmentsOut++;
        bytesOut += s.payloadLength();
        if (why != null && (why.en().startsWith("retransmission") || why.en().startsWith("fast retransmit")
                || why.en().startsWith("NewReno"))) {
            retransmissions++;
        }
        if (dropped) {
            lostOut++;
        }
        data(s, epochNanos);
    }

    void in(Segment s, long epochNanos, boolean dropped) {
        segmentsIn++;
        bytesIn += s.payloadLength();
        if (dropped) {
            lostIn++;
        }
        data(s, epochNanos);
    }

    /**
     * The span runs from the earliest to the latest stamp, not the first to the last counted: a frame
     * held back by --delay is counted when it is delivered but keeps the stamp of its arrival, and the
     * rate of a 300 KB echo came out as 0.002 s of data where there were 25 ms.
     */
    private void data(Segment s, long t) {
        if (s.payloadLength() > 0) {
            firstDataNanos = firstDataNanos < 0 ? t : Math.min(firstDataNanos, t);
            lastDataNanos = Math.max(lastDataNanos, t);
        }
    }

    void droppedByPeer(long n) {
        droppedByPeer = n;
    }

    public long retransmissions() { return retransmissions; }

    /** Of our segments, how many the peer namespace's firewall dropped (--peer-loss), or -1. */
    public long droppedByPeer() { return droppedByPeer; }

    public long segmentsOut() { return segmentsOut; }

    public long segmentsIn() { return segmentsIn; }

    /** Seconds from the first to the last segment carrying data. */
    public double dataSeconds() {
        return firstDataNanos < 0 ? 0 : (lastDataNanos - firstDataNanos) / 1e9;
    }

    /** One line for a person: segments and bytes each way, retransmissions, and the rate. */
    public String describe() {
        return description().en();
    }

    /** {@link #describe} in both languages. */
    public Text description() {
        double secs = dataSeconds();
        long bytes = Math.max(bytesIn, bytesOut);
        // A rate means something for a transfer, not for one line of echo.
        boolean rated = secs > 0 && bytes >= MEANINGFUL_BYTES;
        double mbits = rated ? bytes * 8 / secs / 1e6 : 0;
        String rate = rated ? String.format("; %.1f Mbit/s over %.3f s of data", mbits, secs) : "";
        String rateZh = rated ? String.format("；%.1f Mbit/s，数据历时 %.3f 秒", mbits, secs) : "";
        return Text.of("segments out " + segmentsOut + " (" + bytesOut + " payload bytes, " + retransmissions
                + " retransmitted), in " + segmentsIn + " (" + bytesIn + " payload bytes)" + faultLosses().en()
                + (droppedByPeer >= 0 ? ", " + droppedByPeer + " of ours dropped by the peer's firewall" : "") + rate,
                "发出 " + segmentsOut + " 个报文段（载荷 " + bytesOut + " 字节，重传 " + retransmissions + " 个），收到 "
                + segmentsIn + " 个（载荷 " + bytesIn + " 字节）" + faultLosses().zh()
                + (droppedByPeer >= 0 ? "，对方的防火墙丢弃了我们的 " + droppedByPeer + " 个" : "") + rateZh);
    }

    /** Which side's segments the fault rules (--drop, --peer-loss's half) lost, if any. */
    private Text faultLosses() {
        if (lostOut == 0 && lostIn == 0) {
            return Text.EMPTY;
        }
        String ours = lostOut + " of ours", theirs = lostIn + " of the peer's";
        String oursZh = "我们的 " + lostOut + " 个", theirsZh = "对方的 " + lostIn + " 个";
        return Text.of(", fault rules lost " + (lostIn == 0 ? ours : lostOut == 0 ? theirs : ours + " and " + theirs),
                "，故障规则丢弃了" + (lostIn == 0 ? oursZh : lostOut == 0 ? theirsZh : oursZh + "和" + theirsZh));
    }
}
