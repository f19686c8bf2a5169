package dev.tcplab.link;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.lang.reflect.Field;
import org.pcap4j.core.PcapHandle;

/**
 * The hot path around pcap4j, on pcap4j's own handles: reads through a direct-mapped pcap_next_ex
 * (reusing two preallocated out-pointers) and sends through a direct-mapped pcap_sendpacket. pcap4j's getNextRawPacket allocates a JNA Structure (native memory and
 * a Cleaner) on every call, empty ones included: measured here at 10-15 µs per empty poll, which put
 * ~90 µs between a SYN+ACK reaching the capture socket and the live loop seeing it. Opening,
 * filtering, direction and sending stay with pcap4j; only this hot read goes around it.
 */
final class DirectPcap {
    /** struct pcap_pkthdr on LP64: struct timeval (two longs), caplen, len. */
    private static final int TS_SEC = 0, TS_FRAC = 8, CAPLEN = 16, LEN = 20;

    static {
        Native.register(DirectPcap.class, NativeLibrary.getInstance(System.getProperty(Libpcap.PROPERTY)));
    }

    private static native int pcap_next_ex(Pointer p, Pointer headerOut, Pointer dataOut);

    private static native int pcap_sendpacket(Pointer p, byte[] buf, int size);

    /**
     * Sends a frame on {@code h} the same direct way: pcap4j's sendPacket takes a lock and marshals
     * through an interface-mapped call on every frame. Returns false when it cannot (then use pcap4j).
     */
    static boolean send(Pointer pcap, byte[] frame) {
        return pcap_sendpacket(pcap, frame, frame.length) == 0;
    }

    /** pcap4j's pcap_t pointer of a handle, or null when its internals are not what 1.8.2 has. */
    static Pointer pointerOf(PcapHandle h) {
        try {
            Field f = PcapHandle.class.getDeclaredField("handle");
            f.setAccessible(true);
            return (Pointer) f.get(h);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private final Pointer pcap;
    private final Memory headerOut = new Memory(Native.POINTER_SIZE);
    private final Memory dataOut = new Memory(Native.POINTER_SIZE);
    private final boolean nanos;

    private DirectPcap(Pointer pcap, boolean nanos) {
        this.pcap = pcap;
        this.nanos = nanos;
    }

    /** The reader for an open handle, or null when pcap4j's internals are not what 1.8.2 has. */
    static DirectPcap of(PcapHandle h) {
        if (Native.LONG_SIZE != 8) {
            return null; // the header layout above is LP64's
        }
        Pointer p = pointerOf(h);
        return p == null ? null : new DirectPcap(p, h.getTimestampPrecision() == PcapHandle.TimestampPrecision.NANO);
    }

    /** The next frame, or null when none is waiting (non-blocking handle) or on an error. */
    Frame next() {
        int rc = pcap_next_ex(pcap, headerOut, dataOut);
        if (rc != 1) {
            return null; // 0: nothing waiting; negative: error or end, which the caller sees as silence
        }
        Pointer hdr = headerOut.getPointer(0);
        long sec = hdr.getLong(TS_SEC);
        long frac = hdr.getLong(TS_FRAC);
        int caplen = hdr.getInt(CAPLEN);
        int len = hdr.getInt(LEN);
        byte[] data = dataOut.getPointer(0).getByteArray(0, caplen);
        return new Frame(data, sec * 1_000_000_000L + (nanos ? frac : frac * 1000), len);
    }
}
