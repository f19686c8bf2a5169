package dev.tcplab.trace;

import dev.tcplab.text.Columns;
import dev.tcplab.text.Text;
import java.util.Locale;

/**
 * Draws a {@link LadderPicture} as SVG: two lifelines, one sloped arrow per segment labelled with
 * its flags and relative numbers, each side's state written beside its lifeline where it changes,
 * time on the left (compressed: long gaps are cut and marked). Black on white with dashes and
 * crosses rather than colours, so that it survives grey-scale printing; large enough type for a
 * projector.
 */
public final class SvgLadder {
    static final int WIDTH = 960, LEFT_X = 300, RIGHT_X = 760, TOP = 90, ROW = 46, SLOPE = 30;
    /** Gaps longer than this are drawn as a cut with their length written beside it. */
    static final long CUT_NANOS = 500_000_000L;

    private SvgLadder() {
    }

    /** A standalone SVG document; arrows carry class "arrow" and data-step="N" for the HTML page. */
    public static String render(LadderPicture p) {
        return render(p, Text.Lang.en);
    }

    /**
     * The same, its own words (the time column's head, a cut gap's length) in {@code lang} and marked so
     * that a browser draws Chinese characters in their Chinese forms; the picture's labels come as given.
     */
    public static String render(LadderPicture p, Text.Lang lang) {
        boolean zh = lang == Text.Lang.zh;
        StringBuilder svg = new StringBuilder();
        int height = TOP + ROW * (p.steps().size() + 1) + 60 + (cuts(p) + (p.cut() == null ? 0 : 1)) * 24;
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans, Arial, sans-serif\" font-size=\"15\"%s>%n",
                WIDTH, height, WIDTH, height, zh ? " lang=\"zh-CN\"" : ""));
        svg.append("<title>").append(esc(p.title())).append("</title>\n");
        svg.append("<defs><marker id=\"head\" markerWidth=\"12\" markerHeight=\"10\" refX=\"11\" refY=\"5\" orient=\"auto\" markerUnits=\"userSpaceOnUse\">"
                + "<path d=\"M0,0 L12,5 L0,10 z\" fill=\"black\"/></marker></defs>\n");
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append(fitted(text(WIDTH / 2, 28, "middle", 18, "bold", p.title()), p.title(), 18, WIDTH - 40));
        // Each lifeline's name may take its half of the page, less a margin: IPv6 endpoints can be long.
        int nameRoom = 2 * (WIDTH - RIGHT_X) - 40;
        svg.append(fitted(text(LEFT_X, 60, "middle", 16, "bold", p.leftName()), p.leftName(), 16, nameRoom));
        svg.append(fitted(text(RIGHT_X, 60, "middle", 16, "bold", p.rightName()), p.rightName(), 16, nameRoom));
        svg.append(String.format("<line x1=\"%d\" y1=\"70\" x2=\"%d\" y2=\"%d\" stroke=\"black\" stroke-width=\"2\"/>%n",
                LEFT_X, LEFT_X, height - 30));
        svg.append(String.format("<line x1=\"%d\" y1=\"70\" x2=\"%d\" y2=\"%d\" stroke=\"black\" stroke-width=\"2\"/>%n",
                RIGHT_X, RIGHT_X, height - 30));
        svg.append(text(40, 60, "start", 13, "normal", zh ? "时间 ms" : "time ms"));
        int y = TOP;
        long last = p.steps().isEmpty() ? 0 : p.steps().get(0).timeNanos();
        int i = 0;
        int[] ys = new int[p.steps().size()];
        for (LadderPicture.Step s : p.steps()) {
            if (p.cut() != null && i == p.cut().beforeStep()) {
                cutMark(svg, y, zh ? "…… 这里省略了 " + p.cut().segments() + " 个报文段 ……"
                        : "… " + p.cut().segments() + " segments left out here …");
                y += 24;
            } else if (s.timeNanos() - last > CUT_NANOS) {
                cutMark(svg, y, String.format(Locale.ROOT, zh ? "…… %.1f 秒后 ……" : "… %.1f s later …",
                        (s.timeNanos() - last) / 1e9));
                y += 24;
            }
            last = s.timeNanos();
            ys[i] = y;
            arrow(svg, s, i, y);
            y += ROW;
            i++;
        }
        for (LadderPicture.Timer t : p.timers()) {
            if (t.fromStep() >= 0 && t.toStep() < ys.length && t.fromStep() <= t.toStep()) {
                timer(svg, t, ys[t.fromStep()] + (p.steps().get(t.fromStep()).leftToRight() == t.leftSide() ? 0 : SLOPE),
                        ys[t.toStep()] + (p.steps().get(t.toStep()).leftToRight() == t.leftSide() ? 0 : SLOPE));
            }
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    /** A bracket beside a lifeline, outside the state labels, with the timer's name written beside it. */
    private static void timer(StringBuilder svg, LadderPicture.Timer t, int y1, int y2) {
        int x = t.leftSide() ? LEFT_X - 130 : RIGHT_X + 112;
        int tick = t.leftSide() ? 8 : -8;
        int bottom = Math.max(y2, y1 + 12);
        svg.append(String.format("<g class=\"timer\"><path d=\"M%d,%d h%d v%d h%d\" fill=\"none\" stroke=\"black\" "
                + "stroke-width=\"1.5\" stroke-dasharray=\"4 2\"/>", x + tick, y1, -tick, bottom - y1, tick));
        // A label of two lines ("cut short\nby RST") fits where one long line would run into the time column.
        String[] lines = t.label().split("\n");
        int firstY = (y1 + bottom) / 2 + 4 - (lines.length - 1) * 7;
        for (int i = 0; i < lines.length; i++) {
            svg.append(text(t.leftSide() ? x - 6 : x + 6, firstY + i * 14, t.leftSide() ? "end" : "start", 11, "normal",
                    lines[i]));
        }
        svg.append("</g>\n");
    }

    private static void arrow(StringBuilder svg, LadderPicture.Step s, int index, int y) {
        int x1 = s.leftToRight() ? LEFT_X : RIGHT_X;
        int x2 = s.leftToRight() ? RIGHT_X : LEFT_X;
        int y2 = y + SLOPE;
        svg.append(String.format("<g class=\"arrow\" data-step=\"%d\">", index));
        svg.append("<title>").append(esc(s.absolute())).append("</title>");
        svg.append(text(40, y + 5, "start", 13, "normal", String.format(Locale.ROOT, "%.3f", s.timeNanos() / 1e6)));
        if (s.lost()) {
            // A segment lost on purpose: it stops two thirds of the way, ending in a cross.
            int xe = x1 + (x2 - x1) * 2 / 3, ye = y + SLOPE * 2 / 3;
            svg.append(String.format("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\" stroke-width=\"2\" "
                    + "stroke-dasharray=\"8 5\"/>", x1, y, xe, ye));
            svg.append(String.format("<path d=\"M%d,%d l12,12 M%d,%d l12,-12\" stroke=\"black\" stroke-width=\"3\"/>",
                    xe - 6, ye - 6, xe - 6, ye + 6));
        } else {
            svg.append(String.format("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\" stroke-width=\"2\"%s "
                    + "marker-end=\"url(#head)\"/>", x1, y, x2, y2, s.retransmission() ? " stroke-dasharray=\"10 5\"" : ""));
        }
        int midX = (LEFT_X + RIGHT_X) / 2, midY = y + SLOPE / 2;
        String label = s.label() + (s.retransmission() ? "  (again)" : "") + (s.lost() ? "  (lost)" : "");
        // Written along the arrow, just above it: level text across a sloped line was struck through at one end.
        double degrees = Math.toDegrees(Math.atan2(SLOPE, RIGHT_X - LEFT_X)) * (s.leftToRight() ? 1 : -1);
        svg.append(text(midX, midY - 6, "middle", 14, "normal", label).replaceFirst("<text ",
                String.format(Locale.ROOT, "<text transform=\"rotate(%.2f %d %d)\" ", degrees, midX, midY)));
        if (s.leftState() != null) {
            svg.append(text(LEFT_X - 12, y2 + 5, "end", 13, "bold", s.leftState()));
        }
        if (s.rightState() != null) {
            svg.append(text(RIGHT_X + 12, y2 + 5, "start", 13, "bold", s.rightState()));
        }
        svg.append("</g>\n");
    }

    /** A dashed line across the picture with a few words on it: where time or segments were left out. */
    private static void cutMark(StringBuilder svg, int y, String words) {
        svg.append(String.format("<g class=\"cut\"><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\" "
                + "stroke-dasharray=\"2 6\"/>", 40, y + 2, WIDTH - 40, y + 2));
        svg.append(text(WIDTH / 2, y - 2, "middle", 12, "normal", words));
        svg.append("</g>\n");
    }

    /** The time gaps drawn as cuts (the left-out segments' mark stands in for one where both fall). */
    private static int cuts(LadderPicture p) {
        int n = 0;
        for (int i = 1; i < p.steps().size(); i++) {
            if (p.cut() != null && i == p.cut().beforeStep()) {
                continue;
            }
            if (p.steps().get(i).timeNanos() - p.steps().get(i - 1).timeNanos() > CUT_NANOS) {
                n++;
            }
        }
        return n;
    }

    /** Bold DejaVu Sans and Arial average about this many ems a character (digits, colons, letters). */
    private static final double EMS_PER_CHAR = 0.65;
    /** A Chinese character takes a whole em. */
    private static final double EMS_PER_WIDE_CHAR = 1.0;

    /**
     * The text element, squeezed to {@code room} pixels when its text would run wider (SVG's
     * textLength), so that a long title or name stays on the page instead of running off it.
     */
    static String fitted(String textElement, String content, int size, int room) {
        if (content == null) {
            return textElement;
        }
        int wide = Columns.width(content) - content.length();
        if (((content.length() - wide) * EMS_PER_CHAR + wide * EMS_PER_WIDE_CHAR) * size <= room) {
            return textElement;
        }
        return textElement.replaceFirst("<text ", "<text textLength=\"" + room + "\" lengthAdjust=\"spacingAndGlyphs\" ");
    }

    private static String text(int x, int y, String anchor, int size, String weight, String content) {
        // A white halo keeps text readable where it crosses a line.
        return String.format("<text x=\"%d\" y=\"%d\" text-anchor=\"%s\" font-size=\"%d\" font-weight=\"%s\" "
                + "paint-order=\"stroke\" stroke=\"white\" stroke-width=\"4\">%s</text>", x, y, anchor, size, weight,
                esc(content));
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
