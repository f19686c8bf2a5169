package dev.tcplab.trace;

import dev.tcplab.text.Text;
import dev.tcplab.wire.Segment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Records a live run's timeline and, when it ends, draws it as an SVG picture or an HTML page:
 * tcplab's endpoint on the left, the kernel peer on the right with the states sock_diag reported
 * for it, segments dropped on purpose crossed out, retransmissions dashed. The reasons beside the arrows
 * come in the language asked for; the picture's own labels are in English.
 */
public final class PictureRecorder implements TraceSink {
    public enum Kind { SVG, HTML }

    private static final Pattern KERNEL = Pattern.compile("^kernel peer's socket[^:]*\\): (?:\\S+ → )?(\\S+)");

    private final Path file;
    private final Kind kind;
    private final String title;
    private final Text.Lang lang;
    private final List<LadderPicture.Step> steps = new ArrayList<>();
    private final RelativeNumbers relative = new RelativeNumbers();
    private String lastOurs;
    private String kernelPending;
    private String lastKernel;
    private final StringBuilder causes = new StringBuilder();
    private final List<LadderPicture.Timer> timers = new ArrayList<>();
    private final java.util.Map<String, Integer> firstSent = new java.util.HashMap<>();
    /** The kernel's segments that take sequence space, by flags, seq and length: a second copy is a retransmission. */
    private final java.util.Map<String, Integer> kernelFirstSent = new java.util.HashMap<>();
    /** Linux's smallest retransmission timeout (TCP_RTO_MIN): a copy sooner than this was not sent by the RTO. */
    private static final long LINUX_MIN_RTO_NANOS = 200_000_000L;
    private int timeWaitFrom = -1;
    /**
     * The step each side's persist timer runs from, ours [0] and the kernel's [1]: the other side's zero
     * window, then the last probe; -1 while that window is open.
     */
    private final int[] persistFrom = {-1, -1};
    /** The ack of our last segment, raw: a kernel probe in Linux's form carries this minus one. */
    private long ourLastAck = -1;
    /**
     * A bulk transfer's picture keeps the first {@link LadderPicture#MAX_STEPS} less these and these last
     * steps: the handshake and the start, and the close and TIME_WAIT (20 MB echoed drew a 23 MB SVG).
     */
    private static final int LAST_STEPS_KEPT = 500;
    private static final Text SENT_AGAIN = Text.of("the kernel sends this again", "内核再次发送了它");
    private static final Text PERSIST = Text.of("persist ", "持续 ");
    private static final Text KERNEL_PROBE = Text.of("the kernel's zero-window probe, in Linux's form: a byte we already "
            + "have (seq = our RCV.NXT − 1, no data), which Wireshark calls a keep-alive", "内核的零窗口探测，Linux 的形式："
            + "我们已经收到的字节（seq = 我们的 RCV.NXT − 1，不带数据），Wireshark 称之为保活探测");
    /** The lifelines' names. */
    private static final Text US = Text.of("tcplab (userspace TCP)", "tcplab（用户态 TCP）"),
            KERNEL_PEER = Text.of("Linux kernel", "Linux 内核");

    public PictureRecorder(Path file, Kind kind, String title) {
        this(file, kind, title, Text.Lang.en);
    }

    public PictureRecorder(Path file, Kind kind, String title, Text.Lang lang) {
        this.file = file;
        this.kind = kind;
        this.title = title;
        this.lang = lang;
    }

    @Override
    public synchronized void accept(TraceEvent e) {
        if (e instanceof TraceEvent.SegmentEvent s) {
            relative.observe(s.src(), s.dst(), s.segment());
            long seq = relative.seq(s.src(), s.segment());
            long ack = relative.ack(s.dst(), s.segment());
            String label = s.segment().flags() + " seq=" + seq + (ack >= 0 ? " ack=" + ack : "")
                    + (s.segment().payloadLength() > 0 ? " len=" + s.segment().payloadLength() : "");
            String absolute = "seq " + s.segment().seq().value() + ", ack " + s.segment().ack().value() + ", window "
                    + s.segment().window();
            String ours = s.state().equals(lastOurs) ? null : s.state();
            lastOurs = s.state();
            String kernel = kernelPending != null && !kernelPending.equals(lastKernel) ? kernelPending : null;
            if (kernel != null) {
                lastKernel = kernel;
            }
            kernelPending = null;
            String why = s.why() == null ? "" : s.why().en(); // what the endpoint meant: read in English
            String shown = s.why() == null ? "" : s.why().in(lang);
            String explanation = (shown + (causes.length() > 0 && !shown.isEmpty() ? "; " : "") + causes).trim();
            causes.setLength(0);
            boolean again = why.contains("retransmi") || why.contains("re-ACK");
            int index = steps.size();
            if (s.direction() == Direction.OUT) {
                Integer first = firstSent.putIfAbsent(label, index);
                if (why.contains("retransmi") && first != null) {
                    timers.add(new LadderPicture.Timer(first, index, true, String.format(java.util.Locale.ROOT, "RTO %.1f s",
                            (s.timeNanos() - steps.get(first).timeNanos()) / 1e9)));
                    firstSent.put(label, index); // the next RTO runs from this copy: the doubling shows
                }
            } else if (s.segment().flags().syn() || s.segment().flags().fin() || s.segment().payloadLength() > 0) {
                // The kernel gives no reasons: a segment that takes sequence space, seen from it before, is its
                // retransmission (the FIN again in TIME_WAIT's lesson). Its ack may have moved on; seq has not.
                String key = s.segment().flags() + " seq=" + seq + " len=" + s.segment().payloadLength();
                Integer first = kernelFirstSent.putIfAbsent(key, index);
                if (first != null) {
                    again = true;
                    long gap = s.timeNanos() - steps.get(first).timeNanos();
                    if (gap >= LINUX_MIN_RTO_NANOS) { // sooner, it is a fast retransmit or a tail loss probe
                        timers.add(new LadderPicture.Timer(first, index, false,
                                String.format(java.util.Locale.ROOT, "RTO %.1f s", gap / 1e9)));
                    }
                    kernelFirstSent.put(key, index);
                    explanation = (explanation.isEmpty() ? "" : explanation + "; ") + SENT_AGAIN.in(lang);
                }
            }
            String probe = persistTimers(s, why, index);
            if (!probe.isEmpty()) {
                explanation = (explanation.isEmpty() ? "" : explanation + "; ") + probe;
            }
            if ("TIME_WAIT".equals(ours)) {
                timeWaitFrom = index;
            } else if (why.contains("re-ACK") && timeWaitFrom >= 0) {
                // A FIN came again in TIME_WAIT: the 2MSL timer starts over at our re-ACK.
                timers.add(new LadderPicture.Timer(timeWaitFrom, index, true, LadderPicture.Timer.RESTARTED.in(lang)));
                timeWaitFrom = index;
            }
            steps.add(new LadderPicture.Step(s.timeNanos(), s.direction() == Direction.OUT, label, absolute, ours, kernel,
                    s.lost(), again, explanation));
        } else if (e instanceof TraceEvent.StateChange c) {
            causes.append(causes.length() > 0 ? "; " : "").append(c.from()).append(" → ").append(c.to()).append(": ")
                    .append(c.cause().in(lang));
        } else if (e instanceof TraceEvent.Note n) {
            Matcher m = KERNEL.matcher(n.text().en());
            if (m.find()) {
                kernelPending = m.group(1);
            }
        }
    }

    /**
     * The persist timers' waits, from the other side's zero window to the first probe, then probe to probe:
     * ours (the endpoint names its probes) and the kernel's (Linux's form: a byte we already have, seq = our
     * RCV.NXT − 1, no data). Returns what to say under a kernel probe, else "".
     */
    private String persistTimers(TraceEvent.SegmentEvent s, String why, int index) {
        Segment g = s.segment();
        if (g.flags().syn() || (s.lost() && s.direction() == Direction.IN)) {
            return "";
        }
        boolean out = s.direction() == Direction.OUT;
        int side = out ? 0 : 1;
        boolean probe = out ? why.matches("zero-window probe \\d.*") : persistFrom[1] >= 0 && g.payloadLength() == 0
                && !g.flags().fin() && !g.flags().rst() && g.seq().plus(1).value() == ourLastAck;
        if (probe && persistFrom[side] >= 0) {
            timers.add(new LadderPicture.Timer(persistFrom[side], index, out, PERSIST.in(lang) + String.format(
                    java.util.Locale.ROOT, "%.1f s", (s.timeNanos() - steps.get(persistFrom[side]).timeNanos()) / 1e9)));
            persistFrom[side] = index;
        }
        if (g.window() == 0 && persistFrom[1 - side] < 0) {
            persistFrom[1 - side] = index;          // this side's window shut: the other one's timer starts
        } else if (g.window() > 0) {
            persistFrom[1 - side] = -1;
        }
        if (out) {
            ourLastAck = g.ack().value();
        }
        return probe && !out ? KERNEL_PROBE.in(lang) : "";
    }

    @Override
    public synchronized void finish() {
        List<LadderPicture.Timer> all = new ArrayList<>(timers);
        if (timeWaitFrom >= 0 && !steps.isEmpty()) {
            all.add(LadderPicture.Timer.timeWait(steps, timeWaitFrom, true, lang));
        }
        LadderPicture picture = new LadderPicture(title, US.in(lang), KERNEL_PEER.in(lang), List.copyOf(steps), all);
        int head = LadderPicture.MAX_STEPS - LAST_STEPS_KEPT;
        picture = picture.withMiddleLeftOut(head, LAST_STEPS_KEPT, title + (lang == Text.Lang.zh
                ? "（共 " + steps.size() + " 个报文段，画出前 " + head + " 个和最后 " + LAST_STEPS_KEPT + " 个）"
                : " (the first " + head + " and the last " + LAST_STEPS_KEPT + " of " + steps.size() + " segments)"));
        String text = kind == Kind.SVG ? SvgLadder.render(picture, lang) : HtmlLadder.render(title, List.of(picture), lang);
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException ex) {
            // The place was checked before the run (WritablePlace); what fails now (a full disk) is said in one
            // line on the writer's thread, where an exception would end in a stack trace.
            System.err.println("tcplab: cannot write the picture " + file + ": " + ex);
        }
    }
}
