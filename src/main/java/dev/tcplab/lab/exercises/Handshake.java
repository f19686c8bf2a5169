package dev.tcplab.lab.exercises;

import static dev.tcplab.lab.exercises.Exercise.rel;

import dev.tcplab.text.Text;
import dev.tcplab.trace.Direction;
import dev.tcplab.trace.TraceEvent;
import dev.tcplab.wire.SeqNum;
import java.util.ArrayList;
import java.util.List;

/** Seed claim 2: SYN(seq=j) → SYN+ACK(seq=k, ack=j+1) → ACK(ack=k+1), and the states on both sides, in both roles. */
public final class Handshake implements Exercise {

    @Override
    public String name() {
        return "handshake";
    }

    @Override
    public Text title() {
        return Text.of("The three-way handshake, from both sides", "三次握手：两端各看一次");
    }

    @Override
    public Text intro() {
        return Text.of("""
                The client sends SYN with its initial sequence number j and enters SYN_SENT. The server
                answers SYN+ACK: its own ISN k, and ack = j+1 (the SYN used up number j). It is now in
                SYN_RECEIVED. The client answers ACK with ack = k+1 and is ESTABLISHED; the server becomes
                ESTABLISHED when that ACK arrives. Run 1: tcplab is the client, the Linux kernel the server.
                Run 2: the roles swap. Look at the seq and ack columns (relative: the ISNs show as 0) and at
                the kernel's own state, which sock_diag reports beside ours.""", """
                客户端发送 SYN，带上自己的初始序号 j，进入 SYN_SENT。服务器回 SYN+ACK：自己的初始序号 k，
                确认号 ack = j+1（SYN 占用了序号 j）。此时服务器处于 SYN_RECEIVED。客户端再回 ACK，
                ack = k+1，进入 ESTABLISHED；服务器收到这个 ACK 后也进入 ESTABLISHED。
                第 1 次运行：tcplab 当客户端，Linux 内核当服务器。第 2 次运行：角色互换。
                请看 seq 和 ack 两列（相对序号，初始序号显示为 0），以及旁边由 sock_diag 报告的内核自己的状态。""");
    }

    @Override
    public List<LabRun> runs() {
        return List.of(LabRun.connect(Text.of("tcplab is the client", "tcplab 当客户端")),
                LabRun.listen(Text.of("tcplab is the server", "tcplab 当服务器")));
    }

    @Override
    public List<Check> checks(List<Timeline> runs) {
        List<Check> out = new ArrayList<>();
        Timeline client = runs.get(0);
        out.addAll(numbers(client, Direction.OUT, "tcplab", "kernel"));
        List<String> ours = new ArrayList<>();
        client.stateChanges().forEach(c -> ours.add(c.to()));
        boolean clientStates = ours.size() >= 2 && ours.get(0).equals("SYN_SENT") && ours.get(1).equals("ESTABLISHED");
        out.add(Check.of(Text.of("the client goes CLOSED → SYN_SENT → ESTABLISHED",
                "客户端经历 CLOSED → SYN_SENT → ESTABLISHED"), clientStates, ourStates(ours)));
        boolean kernelEstablished = client.kernelStates().stream().anyMatch(k -> k.state().equals("ESTAB"));
        out.add(Check.of(Text.of("the kernel server is ESTABLISHED once our ACK arrived",
                "内核服务器收到我们的 ACK 后进入 ESTABLISHED"), kernelEstablished,
                Text.of("kernel: " + names(client), "内核：" + names(client))));

        Timeline server = runs.get(1);
        out.addAll(numbers(server, Direction.IN, "kernel", "tcplab"));
        List<String> ourServer = new ArrayList<>();
        server.stateChanges().forEach(c -> ourServer.add(c.to()));
        int listen = ourServer.indexOf("LISTEN"), recv = ourServer.indexOf("SYN_RECEIVED"), est = ourServer.indexOf("ESTABLISHED");
        out.add(Check.of(Text.of("the server goes LISTEN → SYN_RECEIVED → ESTABLISHED",
                "服务器经历 LISTEN → SYN_RECEIVED → ESTABLISHED"), listen >= 0 && recv > listen && est > recv,
                ourStates(ourServer)));
        return out;
    }

    /** The numbers of the three segments, the client being on side {@code clientSide}. */
    /** A side's name in a Chinese sentence: "kernel" is 内核; tcplab stays tcplab. */
    private static String zh(String side) {
        return side.equals("kernel") ? "内核" : side + " ";
    }

    private static Text ourStates(List<String> states) {
        return Text.of("our states: " + states, "我们的状态：" + states);
    }

    static List<Check> numbers(Timeline t, Direction clientSide, String clientName, String serverName) {
        Direction serverSide = clientSide == Direction.OUT ? Direction.IN : Direction.OUT;
        List<TraceEvent.SegmentEvent> syn = t.onWire(clientSide, s -> s.flags().syn() && !s.flags().ack());
        List<TraceEvent.SegmentEvent> synAck = t.onWire(serverSide, s -> s.flags().syn() && s.flags().ack());
        if (syn.isEmpty() || synAck.isEmpty()) {
            return List.of(Check.of(Text.of("a SYN and a SYN+ACK cross", "SYN 与 SYN+ACK 往返"), false,
                    Text.of("SYNs from " + clientName + ": " + syn.size() + ", SYN+ACKs from " + serverName + ": "
                            + synAck.size(), "来自" + zh(clientName) + "的 SYN：" + syn.size() + " 个，来自" + zh(serverName)
                            + "的 SYN+ACK：" + synAck.size() + " 个")));
        }
        SeqNum j = syn.get(0).segment().seq();
        SeqNum k = synAck.get(0).segment().seq();
        long synAckAck = rel(synAck.get(0).segment().ack(), j);
        List<TraceEvent.SegmentEvent> third = t.onWire(clientSide, s -> !s.flags().syn() && s.flags().ack());
        long thirdAck = third.isEmpty() ? -1 : rel(third.get(0).segment().ack(), k);
        return List.of(
                Check.of(Text.of("SYN+ACK acknowledges j+1: the SYN consumed one number",
                        "SYN+ACK 确认 j+1：SYN 占用一个序号"), synAckAck == 1,
                        Text.of(clientName + "'s SYN seq j=" + j + ", " + serverName + "'s SYN+ACK ack="
                                + synAck.get(0).segment().ack() + " (j+" + synAckAck + ")", zh(clientName) + "的 SYN seq j="
                                + j + "，" + zh(serverName) + "的 SYN+ACK ack=" + synAck.get(0).segment().ack() + "（j+"
                                + synAckAck + "）")),
                Check.of(Text.of("the third segment acknowledges k+1", "第三个报文段确认 k+1"), thirdAck == 1,
                        third.isEmpty() ? Text.of(serverName + "'s ISN k=" + k + ", " + clientName + "'s ACK: none",
                                zh(serverName) + "的初始序号 k=" + k + "，" + zh(clientName) + "没有发 ACK")
                                : Text.of(serverName + "'s ISN k=" + k + ", " + clientName + "'s ACK ack="
                                + third.get(0).segment().ack() + " (k+" + thirdAck + ")", zh(serverName) + "的初始序号 k=" + k
                                + "，" + zh(clientName) + "的 ACK ack=" + third.get(0).segment().ack() + "（k+" + thirdAck + "）")));
    }

    static List<String> names(Timeline t) {
        List<String> out = new ArrayList<>();
        t.kernelStates().forEach(k -> out.add(k.state()));
        return out;
    }
}
