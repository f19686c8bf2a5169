package dev.tcplab.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcplab.endpoint.TcpConfig;
import dev.tcplab.endpoint.TcpState;
import dev.tcplab.link.MemoryFrameLink;
import dev.tcplab.link.SegmentLink;
import dev.tcplab.netns.KernelSockets;
import dev.tcplab.text.Text;
import dev.tcplab.trace.Direction;
import dev.tcplab.trace.TraceEvent;
import dev.tcplab.wire.HostPort;
import dev.tcplab.wire.Ipv4Address;
import dev.tcplab.wire.MacAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The kernel's socket state, asked for after each of our steps, takes its place in the timeline by the
 * time it was asked: below the frames that had arrived before (the in-memory peer answers inside our
 * send, so its answer is always waiting, stamped earlier, when the kernel is asked), above later ones.
 */
class KernelViewOrderTest {
    @Test
    void aFrameThatArrivedBeforeTheKernelWasAskedComesAboveItsSocketLine() {
        HostPort us = new HostPort(Ipv4Address.parse("192.0.2.1"), 61010);
        HostPort them = new HostPort(RehearsalPeer.ADDRESS, 7);
        MemoryFrameLink memory = new MemoryFrameLink();
        memory.answerWith(new RehearsalPeer(0));
        SegmentLink link = new SegmentLink(memory, MacAddress.parse("02:00:00:00:00:01"), us, them);
        link.resolvePeer(1, Duration.ofMillis(100));
        List<TraceEvent> timeline = new ArrayList<>();
        LiveSession session = new LiveSession(link, TcpConfig.defaults().withMsl(Duration.ZERO), us, them,
                () -> 1000, timeline::add, 0);
        int[] looks = {0};
        KernelView.Lookup kernel = new KernelView.Lookup() {
            @Override
            public KernelSockets.Socket find(HostPort local, HostPort remote) {
                // A different answer every time, so that every look is written into the timeline.
                return new KernelSockets.Socket("STATE" + ++looks[0], local.toString(), remote.toString(), "");
            }

            @Override
            public Text where() {
                return Text.of("a test", "一个测试");
            }
        };
        byte[] line = "order\n".getBytes();
        session.run(new KernelView(new ConnectScript(line, line.length, Duration.ofSeconds(1).toNanos(), 0, false),
                kernel, us, them, EnumSet.of(TcpState.ESTABLISHED)), Duration.ofSeconds(5).toNanos());
        assertEquals(TcpState.CLOSED, session.connection().state());

        List<String> outOfOrder = new ArrayList<>();
        int notes = 0;
        for (int i = 0; i < timeline.size(); i++) {
            if (timeline.get(i) instanceof TraceEvent.Note n && n.text().en().startsWith("kernel peer's socket")) {
                notes++;
                for (TraceEvent later : timeline.subList(i + 1, timeline.size())) {
                    if (later instanceof TraceEvent.SegmentEvent s && s.direction() == Direction.IN
                            && s.timeNanos() < n.timeNanos()) {
                        outOfOrder.add(s.segment() + " at " + s.timeNanos() + " below " + n.text() + " at " + n.timeNanos());
                    }
                }
            }
        }
        assertTrue(notes >= 3, "the kernel's socket was written " + notes + " times");
        assertEquals(List.of(), outOfOrder);
    }
}
