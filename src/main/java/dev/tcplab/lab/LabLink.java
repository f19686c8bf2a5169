package dev.tcplab.lab;

import dev.tcplab.host.EnvironmentProblem;
import dev.tcplab.host.Shell;
import dev.tcplab.link.FaultRule;
import dev.tcplab.link.FaultyFrameLink;
import dev.tcplab.link.FirewallRstGuard;
import dev.tcplab.link.FrameLink;
import dev.tcplab.link.PcapFrameLink;
import dev.tcplab.link.PcapWriter;
import dev.tcplab.link.RecordingFrameLink;
import dev.tcplab.link.SegmentKind;
import dev.tcplab.link.SegmentLink;
import dev.tcplab.netns.KernelPeer;
import dev.tcplab.netns.LabNetwork;
import dev.tcplab.netns.Namespaces;
import dev.tcplab.netns.SockDiag;
import dev.tcplab.text.Text;
import dev.tcplab.wire.HostPort;
import dev.tcplab.wire.Ipv4Address;
import dev.tcplab.wire.MacAddress;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The link a live run talks over, set up with everything around it: the embedded lab network (or a
 * real interface), the RST guard, the capture, injected faults. Every resource goes into the run's
 * {@link Cleanup}, so it is undone on every exit path.
 */
final class LabLink {

    /**
     * What to set up.
     *
     * @param iface     a real interface, or null for the embedded lab network
     * @param peer      the peer on a real interface; in the lab network it is 10.77.1.2:peerPort (port 0: any)
     * @param portFrom  our ports, portFrom..portTo (the firewall guard covers exactly these)
     * @param echoServer whether to start the kernel echo server on peerPort in the lab network
     */
    record Setup(String iface, HostPort peer, Ipv4Address src, int peerPort, int portFrom, int portTo,
                 RstGuard guard, Path capture, List<FaultRule> faults, PeerOptions peerOptions, boolean echoServer) {
        boolean embedded() {
            return iface == null;
        }
    }

    final String labNamespace;   // where our capture handle lives; null: this namespace
    final String peerNamespace;  // the kernel peer's namespace; null on a real interface
    private static final String LOSS_COMMENT = "tcplab loss";
    final String iface;
    final Ipv4Address ourAddress;
    final HostPort peer;
    final FrameLink frames;
    final MacAddress ourMac;
    /** The lab network's kernel echo server, or null. */
    final KernelPeer kernelPeer;
    /** sock_diag in the peer namespace, or null (no lab network, or no netlink: ask `ss`). */
    final SockDiag diag;

    private LabLink(String labNamespace, String peerNamespace, String iface, Ipv4Address ourAddress, HostPort peer,
                    FrameLink frames, MacAddress ourMac, KernelPeer kernelPeer, SockDiag diag) {
        this.kernelPeer = kernelPeer;
        this.diag = diag;
        this.labNamespace = labNamespace;
        this.peerNamespace = peerNamespace;
        this.iface = iface;
        this.ourAddress = ourAddress;
        this.peer = peer;
        this.frames = frames;
        this.ourMac = ourMac;
    }

    /** Builds what {@code s} asks for, saying what it built on {@code info} in {@code lang}. */
    static LabLink open(Setup s, Cleanup cleanup, PrintWriter info, Text.Lang lang) {
        Consumer<Text> say = t -> info.println(t.in(lang));
        String ns = null;
        String peerNs = null;
        KernelPeer server = null;
        String iface;
        Ipv4Address us;
        HostPort peer;
        if (s.embedded()) {
            for (String stale : LabNetwork.removeStale()) {
                say.accept(Text.of("removed a stale lab namespace left by a killed run: " + stale,
                        "删除了一个被强行终止的运行留下的实验网络命名空间：" + stale));
            }
            LabNetwork net = LabNetwork.create();
            cleanup.add(net);
            ns = net.labNamespace();
            peerNs = net.peerNamespace();
            iface = net.labInterface();
            us = LabNetwork.USERSPACE_ADDR;
            peer = new HostPort(LabNetwork.PEER_ADDR, s.peerPort());
            for (var e : s.peerOptions().sysctls().entrySet()) {
                setPeerSysctl(peerNs, e.getKey(), e.getValue());
                say.accept(Text.of("peer namespace: " + e.getKey() + " = " + e.getValue(),
                        "对端命名空间：" + e.getKey() + " = " + e.getValue()));
            }
            if (s.peerOptions().lossPercent() > 0) {
                addLoss(peerNs, s.peerOptions().lossPercent(), say);
            }
            String app = "", appZh = "";
            if (s.echoServer()) {
                PeerOptions p = s.peerOptions();
                server = KernelPeer.echo(peerNs, s.peerPort(), p.behaviour());
                cleanup.add(server);
                var k = p.keepalive();
                app = (p.sendBytes() > 0 ? ", kernel server sending " + p.sendBytes() + " bytes on " + peer
                        : p.discard() ? ", kernel server that only reads on " + peer : ", kernel echo server on " + peer)
                        + howItCloses(p).en()
                        + howItReads(p).en()
                        + (k == null ? "" : " with keep-alive " + k.idleSeconds() + " s idle, "
                        + k.intervalSeconds() + " s interval, " + k.count() + " probes");
                appZh = (p.sendBytes() > 0 ? "，内核服务器在 " + peer + " 上发送 " + p.sendBytes() + " 字节"
                        : p.discard() ? "，只读不回的内核服务器在 " + peer : "，内核回显服务器在 " + peer)
                        + howItCloses(p).zh()
                        + howItReads(p).zh()
                        + (k == null ? "" : "，保活：空闲 " + k.idleSeconds() + " 秒，间隔 " + k.intervalSeconds() + " 秒，"
                        + k.count() + " 个探测");
            }
            String link = ns + " [" + iface + "] <-veth-> " + peerNs + " [" + net.peerInterface() + "]";
            say.accept(Text.of("lab network: " + link + app, "实验网络：" + link + appZh));
            if (s.guard().usesKernelAddress()) {
                net.assignUserspaceAddressToKernel();
            }
        } else {
            iface = s.iface();
            requireInterface(iface);
            peer = s.peer();
            us = ourAddress(s);
            int stale = FirewallRstGuard.removeStale(null);
            if (stale > 0) {
                say.accept(Text.of("removed " + stale + " firewall rule(s) left by a killed tcplab run",
                        "删除了被强行终止的 tcplab 运行留下的 " + stale + " 条防火墙规则"));
            }
        }
        guard(s, ns, iface, us, cleanup, say);

        String filter = SegmentLink.bpfFilter(us, peer);
        String where = ns;
        FrameLink pcap = where == null ? PcapFrameLink.open(iface, filter)
                : Namespaces.call(where, () -> PcapFrameLink.open(iface, filter));
        FrameLink link = new RecordingFrameLink(pcap, new PcapWriter(s.capture()));
        cleanup.add(link);
        say.accept(Text.of("capture: " + s.capture().toAbsolutePath(), "抓包文件：" + s.capture().toAbsolutePath()));
        List<FaultRule> faults = new ArrayList<>(s.faults());
        if (s.embedded() && s.peerOptions().lossPercent() > 0) {
            faults.add(kernelSegmentsLost(s.peerOptions().lossPercent(), say));
        }
        if (!faults.isEmpty()) {
            Path record = faultRecordPath(s.capture());
            FaultRecord r = new FaultRecord(record);
            cleanup.add(r);
            link = new FaultyFrameLink(link, faults, r::write);
            say.accept(Text.of("faults: " + faults + "; what they hit is listed in " + record,
                    "故障注入：" + faults + "；它们命中的报文段记录在 " + record));
        }
        info.flush();
        MacAddress mac = s.guard().usesKernelAddress() ? kernelMac(ns, iface) : MacAddress.randomLocal();
        SockDiag diag = null;
        if (peerNs != null) {
            try {
                diag = SockDiag.open(peerNs);
                cleanup.add(diag);
                warm(diag);
            } catch (RuntimeException e) {
                say.accept(Text.of("sock_diag unavailable (" + e.getMessage() + "); asking ss for the kernel's state",
                        "sock_diag 不可用（" + e.getMessage() + "）；改用 ss 查询内核的状态"));
            }
        }
        return new LabLink(ns, peerNs, iface, us, peer, link, mac, server, diag);
    }

    private static void guard(Setup s, String ns, String iface, Ipv4Address us, Cleanup cleanup, Consumer<Text> say) {
        switch (s.guard()) {
            case FIREWALL -> {
                FirewallRstGuard g = new FirewallRstGuard(ns, iface, us, s.portFrom(), s.portTo());
                g.install();
                cleanup.add(g);
                String where = ns != null ? "  (in " + ns + ")" : "";
                say.accept(Text.of("RST guard: " + g.describe() + where, "RST 防护：" + g.describe() + where));
            }
            case NONE -> say.accept(Text.of("RST guard: none; " + us + " belongs to the kernel, which will answer the"
                    + " peer with RST", "RST 防护：无；" + us + " 属于内核，内核会用 RST 回应对端"));
            case ADDRESS -> say.accept(Text.of("RST guard: " + us + " belongs to no kernel interface; tcplab answers"
                    + " ARP for it", "RST 防护：" + us + " 不属于任何内核接口；由 tcplab 回应对它的 ARP 请求"));
        }
    }

    /**
     * A --peer-sysctl the namespace does not take is the user's to correct (exit 2), with sysctl's reason:
     * no such setting (a typo, or one the kernel keeps outside network namespaces), or a value it refuses.
     */
    private static void setPeerSysctl(String peerNs, String key, String value) {
        Shell.Result r = Shell.run("ip", "netns", "exec", peerNs, "sysctl", "-qw", key + "=" + value);
        if (r.ok()) {
            return;
        }
        String reason = r.stderr().strip();
        if (reason.contains("cannot stat")) {
            throw new IllegalArgumentException("--peer-sysctl " + key + ": the peer namespace has no such setting (a typo,"
                    + " or one this kernel keeps outside network namespaces); unshare -n sysctl -a -r '^net' lists those a"
                    + " namespace has");
        }
        throw new IllegalArgumentException("--peer-sysctl " + key + "=" + value + " was refused: " + reason);
    }

    /**
     * Our segments lost on the way to the kernel, made by the peer namespace's own firewall (this
     * kernel has no netem): its INPUT drops them after our capture saw them leave. The rule vanishes
     * with the namespace. The other way is {@link #kernelSegmentsLost}.
     */
    private static void addLoss(String peerNs, double percent, Consumer<Text> say) {
        String p = String.format(java.util.Locale.ROOT, "%.4f", percent / 100);
        Shell.check("ip", "netns", "exec", peerNs, "iptables", "-w", "5", "-A", "INPUT", "-p", "tcp", "-m",
                "statistic", "--mode", "random", "--probability", p, "-m", "comment", "--comment",
                LOSS_COMMENT, "-j", "DROP");
        String chance = FaultRule.chanceText(percent);
        say.accept(Text.of("peer namespace: its INPUT drops " + chance + " % of our segments (iptables statistic)",
                "对端命名空间：它的 INPUT 链丢弃我们 " + chance + "% 的报文段（iptables statistic）"));
    }

    /**
     * How many of our segments the peer namespace's loss rule has dropped so far (its packet
     * counter), or -1 when there is no such rule or iptables cannot say.
     */
    long droppedByPeerFirewall() {
        if (peerNamespace == null) {
            return -1;
        }
        Shell.Result r = Shell.run("ip", "netns", "exec", peerNamespace, "iptables", "-w", "5", "-L", "INPUT", "-v",
                "-x", "-n");
        if (!r.ok()) {
            return -1;
        }
        for (String line : r.stdout().split("\n")) {
            if (line.contains(LOSS_COMMENT)) {
                return Long.parseLong(line.trim().split("\\s+")[0]);
            }
        }
        return -1;
    }

    /**
     * The kernel's segments lost on the way to us. A DROP in the peer's OUTPUT would not do: the
     * kernel sees the send fail and keeps the segment to send later, so nothing is missing on the
     * wire and its loss recovery never runs (measured: 90 segments dropped there, 2 gaps in the
     * capture). tcplab drops them instead, after the capture saw them arrive: to the kernel, a loss
     * like any other, which only its retransmission repairs.
     */
    private static FaultRule kernelSegmentsLost(double percent, Consumer<Text> say) {
        FaultRule r = FaultRule.randomDrop(false, SegmentKind.ANY, percent);
        String chance = FaultRule.chanceText(percent);
        say.accept(Text.of("lab link: tcplab drops " + chance + " % of the kernel's segments as they arrive (" + r + ")",
                "实验链路：tcplab 在内核的报文段到达时丢弃其中 " + chance + "%（" + r + "）"));
        return r;
    }

    /**
     * A few hundred questions before the run: the first ones (JNA binding, the JIT) take
     * milliseconds, and the live loop asks between segments.
     */
    private static void warm(SockDiag diag) {
        for (int i = 0; i < SOCK_DIAG_WARMUP; i++) {
            diag.find(LabNetwork.PEER_ADDR, 1, LabNetwork.USERSPACE_ADDR, 1); // a tuple nobody uses
        }
    }

    private static final int SOCK_DIAG_WARMUP = 300;

    /** Beside the capture: runs/connect-X.pcap → runs/connect-X.pcap.faults.jsonl. */
    static Path faultRecordPath(Path capture) {
        return capture.resolveSibling(capture.getFileName() + ".faults.jsonl");
    }

    /** Our address on a real interface: --src, or with a kernel-address guard the interface's own. */
    private static Ipv4Address ourAddress(Setup s) {
        if (s.guard() == RstGuard.ADDRESS) {
            if (s.src() == null) {
                throw new IllegalArgumentException("on a real interface, name an unused address on " + s.iface()
                        + "'s subnet with --src (tcplab answers ARP for it), or use --rst-guard firewall to use "
                        + s.iface() + "'s own address");
            }
            if (kernelOwns(s.src())) {
                throw new IllegalArgumentException(s.src() + " belongs to a kernel interface, which would answer "
                        + "the peer with RST: pick an unused address, or use --rst-guard firewall");
            }
            return s.src();
        }
        if (s.src() != null) {
            return s.src();
        }
        List<Ipv4Address> mine = kernelAddressesOf(s.iface());
        if (mine.isEmpty()) {
            throw new EnvironmentProblem(s.iface() + " has no IPv4 address for --rst-guard " + s.guard().name()
                    .toLowerCase() + ": give one with --src.");
        }
        return mine.get(0);
    }

    /** Whether the host kernel takes this address as its own: a "local" route, as for all of 127/8. */
    private static boolean kernelOwns(Ipv4Address a) {
        return Shell.run("ip", "-4", "route", "get", a.toString()).stdout().startsWith("local ");
    }

    private static final Pattern INET = Pattern.compile("inet (\\d+\\.\\d+\\.\\d+\\.\\d+)/");

    /** Checked first, so that a mistyped name is the one thing said (no RST guard set up for it, no capture). */
    private static void requireInterface(String iface) {
        Path all = Path.of("/sys/class/net");
        if (Files.isDirectory(all) && !Files.exists(all.resolve(iface))) {
            throw noSuchInterface(iface);
        }
        if (isLoopback(all.resolve(iface).resolve("flags"))) {
            // Seen here: on lo no ARP answers, so the run waited 3 s and blamed the peer; and the kernel's
            // segments there carry unfinished (offloaded) checksums, which tcplab's endpoint would drop.
            throw new IllegalArgumentException(iface + " is a loopback interface: it answers no ARP and leaves the kernel's "
                    + "checksums unfinished, so tcplab's own TCP cannot use it. Use the lab network (no --iface), or "
                    + "sudo lab-scripts/lab-up.sh, and start the server to watch in its tcplab-peer namespace");
        }
    }

    /** IFF_LOOPBACK in an interface's flags (as /sys/class/net/IF/flags shows them, in hex). */
    static boolean isLoopback(Path flags) {
        try {
            return (Integer.decode(Files.readString(flags).trim()) & 0x8) != 0;
        } catch (java.io.IOException | NumberFormatException e) {
            return false; // no such file here (not Linux's sysfs): the run finds out on its own
        }
    }

    private static EnvironmentProblem noSuchInterface(String iface) {
        return new EnvironmentProblem("no interface named '" + iface + "' here: list them with 'ip -br link'.");
    }

    private static List<Ipv4Address> kernelAddressesOf(String iface) {
        Shell.Result r = Shell.run("ip", "-4", "-o", "addr", "show", "dev", iface);
        if (!r.ok()) {
            throw noSuchInterface(iface);
        }
        Matcher m = INET.matcher(r.stdout());
        List<Ipv4Address> out = new ArrayList<>();
        while (m.find()) {
            out.add(Ipv4Address.parse(m.group(1)));
        }
        return out;
    }

    /** With a kernel-address guard the frames come from the kernel's own MAC, which owns the address. */
    private static MacAddress kernelMac(String ns, String iface) {
        return MacAddress.parse(Shell.check(Shell.inNamespace(ns, "cat", "/sys/class/net/" + iface + "/address")
                .toArray(new String[0])).trim());
    }

    /** A late or slow reader, said with its small buffer: why its window closes. */
    private static Text howItReads(PeerOptions p) {
        if (p.readDelay().isZero() && p.readRate() == 0) {
            return Text.of("", "");
        }
        String late = p.readDelay().isZero() ? "" : "nothing for the first " + p.readDelay().toMillis() + " ms";
        String lateZh = p.readDelay().isZero() ? "" : "前 " + p.readDelay().toMillis() + " 毫秒什么也不读";
        String slow = p.readRate() == 0 ? "" : "at most " + p.readRate() + " bytes/s";
        String slowZh = p.readRate() == 0 ? "" : "每秒最多读 " + p.readRate() + " 字节";
        return Text.of(", reading " + late + (late.isEmpty() || slow.isEmpty() ? "" : ", then ") + slow + " (8 KB buffer)",
                "，" + lateZh + (lateZh.isEmpty() || slowZh.isEmpty() ? "" : "，之后") + slowZh + "（缓冲区 8 KB）");
    }

    /** How the peer's application closes, when not as an echo server does (after the client's FIN, with a FIN). */
    private static Text howItCloses(PeerOptions p) {
        if (!p.closeFirst() && !p.resetOnClose()) {
            return Text.EMPTY;
        }
        String en = p.closeFirst() ? (p.discard() ? "closes after its first read" : "closes after its echo") : "closes";
        String zh = p.closeFirst() ? (p.discard() ? "第一次读到数据后关闭" : "回显后关闭") : "关闭";
        return p.resetOnClose() ? Text.of(" (" + en + " with RST)", "（" + zh + "，用 RST）")
                : Text.of(" (" + en + ")", "（" + zh + "）");
    }
}
