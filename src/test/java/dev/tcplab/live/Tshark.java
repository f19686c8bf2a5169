package dev.tcplab.live;

import dev.tcplab.host.Shell;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** tshark as the independent decoder: one row per TCP frame of a capture, with the fields asked for. */
final class Tshark {
    private Tshark() {
    }

    /** A decoded TCP frame; {@code flags} as tshark's tcp.flags hex, seq/ack raw (absolute). */
    record Row(int frame, double time, String src, int srcPort, String dst, int dstPort, int flags, long seq,
               long ack, int len, String checksumStatus) {
        boolean hasSyn() { return (flags & 0x02) != 0; }
        boolean hasAck() { return (flags & 0x10) != 0; }
        boolean hasFin() { return (flags & 0x01) != 0; }
        boolean hasRst() { return (flags & 0x04) != 0; }
    }

    /** Frames matching a display filter, e.g. "tcp.analysis.keep_alive": tshark's own analysis. */
    static List<Integer> frames(Path capture, String displayFilter) {
        Shell.Result r = Shell.run("tshark", "-r", capture.toString(), "-Y", displayFilter, "-T", "fields", "-e",
                "frame.number");
        if (!r.ok()) {
            throw new AssertionError("tshark could not read " + capture + ": " + r.stderr());
        }
        List<Integer> out = new ArrayList<>();
        for (String line : r.stdout().split("\n")) {
            if (!line.isBlank()) {
                out.add(Integer.parseInt(line.trim()));
            }
        }
        return out;
    }

    static List<Row> tcp(Path capture) {
        Shell.Result r = Shell.run("tshark", "-r", capture.toString(), "-o", "tcp.check_checksum:TRUE",
                "-Y", "tcp", "-T", "fields", "-E", "separator=\t",
                "-e", "frame.number", "-e", "frame.time_epoch", "-e", "ip.src", "-e", "tcp.srcport", "-e", "ip.dst",
                "-e", "tcp.dstport", "-e", "tcp.flags", "-e", "tcp.seq_raw", "-e", "tcp.ack_raw", "-e", "tcp.len",
                "-e", "tcp.checksum.status");
        if (!r.ok()) {
            throw new AssertionError("tshark could not read " + capture + ": " + r.stderr());
        }
        List<Row> rows = new ArrayList<>();
        for (String line : r.stdout().split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            rows.add(new Row(Integer.parseInt(f[0]), Double.parseDouble(f[1]), f[2], Integer.parseInt(f[3]), f[4],
                    Integer.parseInt(f[5]), Integer.decode(f[6]), Long.parseLong(f[7]), Long.parseLong(f[8]),
                    Integer.parseInt(f[9]), f[10]));
        }
        return rows;
    }
}
