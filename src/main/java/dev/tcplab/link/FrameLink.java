package dev.tcplab.link;

import java.io.Closeable;

/** A network interface seen as frames: the pcap4j one live, an in-memory one in tests. */
public interface FrameLink extends Closeable {

    /** Sends one whole Ethernet frame; returns it stamped with the time it left. */
    Frame send(byte[] frame);

    /** The next received frame, or null at once when none is waiting. Never blocks. */
    Frame poll();

    /** The interface's name, for messages. */
    String name();

    @Override
    void close();
}
