package dev.tcplab.link;

/** Decorates a link so that every frame sent or received also goes to the run's capture. */
public final class RecordingFrameLink implements FrameLink {
    private final FrameLink inner;
    private final PcapWriter writer;

    public RecordingFrameLink(FrameLink inner, PcapWriter writer) {
        this.inner = inner;
        this.writer = writer;
    }

    @Override
    public Frame send(byte[] frame) {
        Frame f = inner.send(frame);
        writer.write(f);
        return f;
    }

    @Override
    public Frame poll() {
        Frame f = inner.poll();
        if (f != null) {
            writer.write(f);
        }
        return f;
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public void close() {
        try {
            inner.close();
        } finally {
            writer.close();
        }
    }
}
