package dev.tcplab.analysis;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.NumberOutput;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.tcplab.capture.CaptureInterface;
import dev.tcplab.endpoint.TcpState;
import dev.tcplab.text.Text;
import dev.tcplab.trace.JsonSeconds;
import dev.tcplab.wire.Flags;
import dev.tcplab.wire.HostPort;
import dev.tcplab.wire.TcpOption;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The analysis as JSON lines (the fields issue #4 and the README name), written with Jackson's
 * streaming generator: one object per segment, one per connection as it ends, and a last one
 * about the capture.
 */
public final class AnalysisJson implements AnalysisSink {
    private final JsonGenerator json;

    public AnalysisJson(OutputStream out) {
        try {
            json = new JsonFactory().createGenerator(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        json.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
        // One object per line. A root separator, not a pretty printer: the printer's path costs a third of the time.
        json.setRootValueSeparator(new SerializedString("\n"));
    }

    /** Each object's newline ends it rather than starting the next one: what is flushed is whole lines. */
    private boolean endEachLine;
    /** For a paced replay: each line goes through at once, not when the 8 KB buffer fills. */
    private boolean flushEachObject;

    /** For output flushed now and then ({@link #flush}): the same bytes, each line complete when written. */
    public AnalysisJson endingEachLine() {
        endEachLine = true;
        json.setRootValueSeparator(null);
        return this;
    }

    public AnalysisJson flushingEachObject() {
        flushEachObject = true;
        return endingEachLine();
    }

    private void endObject() throws IOException {
        json.writeEndObject();
        if (endEachLine) {
            json.writeRaw('\n');
            if (flushEachObject) {
                json.flush();
            }
        }
    }

    /** Hands what is written so far to the output stream (a capture from a pipe, before it waits). */
    public void flush() {
        try {
            json.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // Field names encoded once: the segment objects are most of the output, a million or more per file.
    private static final SerializedString TYPE = new SerializedString("type"), FRAME = new SerializedString("frame"),
            TIME = new SerializedString("time"), CONN = new SerializedString("conn"), FROM = new SerializedString("from"),
            SRC = new SerializedString("src"), DST = new SerializedString("dst"), FLAGS = new SerializedString("flags"),
            SEQ = new SerializedString("seq"), ACK = new SerializedString("ack"), SEQ_ABS = new SerializedString("seq_abs"),
            ACK_ABS = new SerializedString("ack_abs"), LEN = new SerializedString("len"), WIN = new SerializedString("win"),
            WIN_FIELD = new SerializedString("win_field"), OPTIONS = new SerializedString("options"),
            STATE_SRC = new SerializedString("state_src"), STATE_DST = new SerializedString("state_dst"),
            EVENTS = new SerializedString("events"), NOTE = new SerializedString("note"),
            TSVAL = new SerializedString("tsval"), TSECR = new SerializedString("tsecr");
    private static final SerializedString SEGMENT = new SerializedString("segment"),
            CLIENT = new SerializedString("client"), SERVER = new SerializedString("server");
    /*
     * Values that repeat from segment to segment (the flags array, the events array, an address) are
     * serialized once, by Jackson, and then written as raw values: the generator still places the commas
     * and checks the structure, and the per-segment work becomes one copy instead of an array's calls.
     * Measured on a 1.5 M packet capture: the warm JSON path ~7 % faster, the output byte for byte the same.
     */
    /** Makes the generators of the fragments: one factory, since making one takes a while (symbol tables). */
    private static final JsonFactory FRAGMENTS = new JsonFactory();

    /** The flags arrays, made when a combination first turns up: a capture has a dozen of the 256. */
    private final SerializedString[] flagsJson = new SerializedString[256];
    private static final SerializedString EMPTY_ARRAY = fragment(g -> {
        g.writeStartArray();
        g.writeEndArray();
    });

    private SerializedString flagsJson(int bits) {
        SerializedString known = flagsJson[bits];
        if (known == null) {
            String[] names = new Flags(bits).names().toArray(String[]::new);
            known = fragment(g -> g.writeArray(names, 0, names.length));
            flagsJson[bits] = known;
        }
        return known;
    }

    private interface Fragment {
        void write(JsonGenerator g) throws IOException;
    }

    /** One JSON value as Jackson writes it, kept to be written again raw. */
    private static SerializedString fragment(Fragment value) {
        StringWriter text = new StringWriter();
        try (JsonGenerator g = FRAGMENTS.createGenerator(text)) {
            value.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new SerializedString(text.toString());
    }

    /** Event sets seen so far; a capture has a few dozen combinations. Bounded in case one has more. */
    private final Map<Integer, SerializedString> eventsJson = new HashMap<>();
    private static final int MAX_EVENT_SETS = 4096;
    /** The last set written: bulk transfers repeat one (a window update, a duplicate ACK) many times. */
    private int lastEventsMask;
    private SerializedString lastEventsJson;

    /** A segment's time: "-", up to 19 digits of whole seconds, "." and nine digits. */
    private final RawAscii timeText = new RawAscii(32);
    private long lastWholeSeconds = -1;
    private byte[] lastWholeSecondsText;

    @Override
    public void segment(AnalyzedSegment s) {
        try {
            json.writeStartObject();
            stringField(TYPE, SEGMENT);
            numberField(FRAME, s.frame());
            timeField(s.timeNanos());
            numberField(CONN, s.conn());
            stringField(FROM, s.fromClient() ? CLIENT : SERVER);
            stringField(SRC, endpointJson(s.src()));
            stringField(DST, endpointJson(s.dst()));
            rawField(FLAGS, flagsJson(s.segment().flags().bits()));
            numberField(SEQ, s.seq());
            if (s.ack() >= 0) {
                numberField(ACK, s.ack());
            } else {
                nullField(ACK);
            }
            numberField(SEQ_ABS, s.seqAbs());
            numberField(ACK_ABS, s.ackAbs());
            numberField(LEN, s.length());
            numberField(WIN, s.window());
            numberField(WIN_FIELD, s.segment().window());
            optionsField(s.segment().options());
            stringField(STATE_SRC, STATE_NAMES[s.stateSrc().ordinal()]);
            stringField(STATE_DST, STATE_NAMES[s.stateDst().ordinal()]);
            rawField(EVENTS, eventsJson(s.events()));
            if (s.note() != null) {
                stringField(NOTE, s.note().en());
            }
            endObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /*
     * Each member is written by one of these small methods, which the reading JVM compiles once each,
     * with Jackson's generator inlined, and which segment() calls rather than inlines (scripts/deps.sh:
     * dontinline for AnalysisJson::*Field and ::segment). With the generator inlined into segment()
     * itself, that one method took the JIT 0.4 s to compile; with the generator called, every member
     * costs two calls. A 1.54 M packet capture: 1.508 -> 1.402 s, the output the same. The connection
     * objects go through them too: written with the generator inlined, connection() took the JIT 171 ms to
     * compile near the end of the run, when its code was of little use (now 11 ms, and 53 for eventCountsField).
     */
    private void numberField(SerializedString name, long value) throws IOException {
        json.writeFieldName(name);
        json.writeNumber(value);
    }

    private void stringField(SerializedString name, SerializedString value) throws IOException {
        json.writeFieldName(name);
        json.writeString(value);
    }

    /** A string member; a null value is written as JSON null. */
    private void stringField(SerializedString name, String value) throws IOException {
        json.writeFieldName(name);
        json.writeString(value);
    }

    private void booleanField(SerializedString name, boolean value) throws IOException {
        json.writeFieldName(name);
        json.writeBoolean(value);
    }

    private void nullField(SerializedString name) throws IOException {
        json.writeFieldName(name);
        json.writeNull();
    }

    /** A value Jackson serialized once (flags, events), written again as it is. */
    private void rawField(SerializedString name, SerializedString value) throws IOException {
        json.writeFieldName(name);
        json.writeRawValue(value);
    }

    private void timeField(long nanos) throws IOException {
        json.writeFieldName(TIME);
        secondsText(nanos, timeText);
        json.writeRawValue(timeText);
    }

    /** An endpoint's text, from the cache its segments filled. */
    private void endpointField(SerializedString name, HostPort endpoint) throws IOException {
        json.writeFieldName(name);
        json.writeString(endpointJson(endpoint));
    }

    private void secondsField(SerializedString name, long nanos) throws IOException {
        json.writeFieldName(name);
        json.writeNumber(JsonSeconds.of(nanos));
    }

    private void millisField(SerializedString name, long nanos) throws IOException {
        json.writeFieldName(name);
        json.writeNumber(JsonSeconds.millis(nanos));
    }

    /** A connection's events by name, with how often each came. */
    private void eventCountsField(Map<String, Long> counts) throws IOException {
        json.writeFieldName(EVENTS);
        json.writeStartObject();
        for (Map.Entry<String, Long> e : counts.entrySet()) {
            json.writeFieldName(e.getKey());
            json.writeNumber(e.getValue());
        }
        json.writeEndObject();
    }

    /** The options as an array of descriptions, with the timestamps' two numbers beside it. */
    private void optionsField(List<TcpOption> options) throws IOException {
        json.writeFieldName(OPTIONS);
        TcpOption.Timestamps ts = null;
        boolean described = false;
        for (int i = 0; i < options.size(); i++) { // indexed: the list's iterator is not always optimised away
            TcpOption o = options.get(i);
            if (o instanceof TcpOption.Timestamps t) {
                ts = t; // on nearly every segment: numbers of their own, not a string to build and parse
            } else if (!(o instanceof TcpOption.Nop) && !(o instanceof TcpOption.EndOfList)) {
                if (!described) {
                    json.writeStartArray();
                    described = true;
                }
                if (o instanceof TcpOption.Sack sack) {
                    sackString(sack);
                } else {
                    SerializedString repeating = repeatingOptionJson(o);
                    if (repeating != null) {
                        json.writeString(repeating);
                    } else {
                        json.writeString(o.describe());
                    }
                }
            }
        }
        if (described) {
            json.writeEndArray();
        } else {
            json.writeRawValue(EMPTY_ARRAY);
        }
        if (ts != null) {
            numberField(TSVAL, ts.tsVal());
            numberField(TSECR, ts.tsEcr());
        }
    }

    /** Room for "sack" and four blocks of two edges (what 40 bytes of options hold), each up to 20 digits. */
    private final byte[] sackText = new byte[4 + 4 * (1 + 20 + 1 + 20)];

    /**
     * A SACK option's text, what {@link TcpOption.Sack#describe} says ("sack 1:2 3:4"), made in place and
     * written as UTF-8 bytes. In a lossy transfer most segments carry one: built as a String, and encoded
     * again by the generator, they took ~35 ms of the speed benchmark's first million packets.
     */
    private void sackString(TcpOption.Sack sack) throws IOException {
        int pairs = sack.edgeCount() / 2;
        if (pairs > 4) { // not from a wire
            json.writeString(sack.describe());
            return;
        }
        byte[] out = sackText;
        out[0] = 's';
        out[1] = 'a';
        out[2] = 'c';
        out[3] = 'k';
        int n = 4;
        for (int i = 0; i < 2 * pairs; i += 2) {
            out[n++] = ' ';
            n = NumberOutput.outputLong(sack.edge(i), out, n);
            out[n++] = ':';
            n = NumberOutput.outputLong(sack.edge(i + 1), out, n);
        }
        json.writeRawUTF8String(out, 0, n);
    }

    /*
     * The options of a SYN (MSS, window scale, SACK permitted) take a handful of values in a capture:
     * their descriptions are made and encoded once, keyed by kind and value (not by the option records,
     * whose generated hashCode would be bootstrapped at start-up). Others (SACK blocks) vary too much.
     */
    private final Map<Integer, SerializedString> optionsJson = new HashMap<>();
    private static final int MAX_OPTIONS_KEPT = 1024;

    /** The option's description, encoded once, or null for an option that is not one of those. */
    private SerializedString repeatingOptionJson(TcpOption o) {
        int key;
        if (o instanceof TcpOption.Mss m) {
            key = TcpOption.KIND_MSS << 16 | m.value();
        } else if (o instanceof TcpOption.WindowScale w) {
            key = TcpOption.KIND_WSCALE << 16 | w.shift();
        } else if (o instanceof TcpOption.SackPermitted) {
            key = TcpOption.KIND_SACK_PERMITTED << 16;
        } else {
            return null;
        }
        SerializedString known = optionsJson.get(key);
        if (known == null) {
            known = new SerializedString(o.describe());
            if (optionsJson.size() < MAX_OPTIONS_KEPT) {
                optionsJson.put(key, known);
            }
        }
        return known;
    }

    private static final SerializedString[] STATE_NAMES = java.util.Arrays.stream(TcpState.values())
            .map(st -> new SerializedString(st.name())).toArray(SerializedString[]::new);

    /*
     * The endpoints as JSON strings, in a direct-mapped cache by the endpoint's hash. A busy capture
     * interleaves the segments of a few dozen connections: the two-entry cache this replaced missed 8.5 %
     * of the lookups in the speed benchmark's first million packets, each miss a string built and encoded
     * (~25 ms a million packets); 256 slots miss 0.5 %, about once per new endpoint.
     */
    private static final int ENDPOINT_SLOTS = 256;
    private final HostPort[] endpoints = new HostPort[ENDPOINT_SLOTS];
    private final SerializedString[] endpointsJson = new SerializedString[ENDPOINT_SLOTS];

    private SerializedString endpointJson(HostPort h) {
        int hash = h.hashCode();
        int slot = (hash ^ hash >>> 16) & (ENDPOINT_SLOTS - 1);
        if (h.equals(endpoints[slot])) {
            return endpointsJson[slot];
        }
        SerializedString made = new SerializedString(h.toString());
        endpoints[slot] = h;
        endpointsJson[slot] = made;
        return made;
    }

    private SerializedString eventsJson(int mask) {
        if (mask == 0) {
            return EMPTY_ARRAY;
        }
        if (mask == lastEventsMask) {
            return lastEventsJson;
        }
        lastEventsMask = mask;
        lastEventsJson = eventsJsonOf(mask);
        return lastEventsJson;
    }

    private SerializedString eventsJsonOf(int mask) {
        SerializedString known = eventsJson.get(mask);
        if (known != null) {
            return known;
        }
        List<Event> events = Event.of(mask);
        SerializedString made = fragment(g -> {
            g.writeStartArray();
            for (Event e : events) {
                g.writeString(e.jsonName);
            }
            g.writeEndArray();
        });
        if (eventsJson.size() < MAX_EVENT_SETS) {
            eventsJson.put(mask, made);
        }
        return made;
    }

    /**
     * Seconds with nanosecond digits, written without going through a double (exact, and cheaper), as
     * bytes the generator copies as they are. Negative when a capture's clock stepped back before its
     * first packet.
     */
    private void secondsText(long nanos, RawAscii text) {
        byte[] out = text.bytes;
        int n = 0;
        if (nanos < 0) {
            out[n++] = '-';
            nanos = -nanos;
        }
        long whole = nanos / 1_000_000_000L;
        if (whole != lastWholeSeconds) { // the whole seconds change once a second of capture time
            lastWholeSeconds = whole;
            lastWholeSecondsText = Long.toString(whole).getBytes(StandardCharsets.US_ASCII);
        }
        byte[] wholeText = lastWholeSecondsText;
        for (int i = 0; i < wholeText.length; i++) {
            out[n++] = wholeText[i];
        }
        out[n++] = '.';
        // Nine digits as three groups of three, which do not wait on each other: ints divided by constants,
        // which compile to multiplies.
        int frac = (int) (nanos % 1_000_000_000L);
        threeDigits(frac / 1_000_000, out, n);
        threeDigits(frac / 1000 % 1000, out, n + 3);
        threeDigits(frac % 1000, out, n + 6);
        text.length = n + 9;
    }

    private static void threeDigits(int value, byte[] out, int at) {
        out[at] = (byte) ('0' + value / 100);
        out[at + 1] = (byte) ('0' + value / 10 % 10);
        out[at + 2] = (byte) ('0' + value % 10);
    }

    // The connection objects' field names, encoded once: a capture of short connections has tens of thousands.
    private static final SerializedString FIRST_FRAME = new SerializedString("first_frame"),
            LAST_FRAME = new SerializedString("last_frame"), START = new SerializedString("start"),
            DURATION = new SerializedString("duration"), PACKETS_CLIENT = new SerializedString("packets_client"),
            PACKETS_SERVER = new SerializedString("packets_server"), BYTES_CLIENT = new SerializedString("bytes_client"),
            BYTES_SERVER = new SerializedString("bytes_server"), HANDSHAKE_SEEN = new SerializedString("handshake_seen"),
            HANDSHAKE_RTT_MS = new SerializedString("handshake_rtt_ms"), CLOSE = new SerializedString("close"),
            CLOSE_EXPLAINED = new SerializedString("close_explained"), TIME_WAIT = new SerializedString("time_wait"),
            RESET_BY = new SerializedString("reset_by"), STATE_CLIENT = new SerializedString("state_client"),
            STATE_SERVER = new SerializedString("state_server"), CONNECTION = new SerializedString("connection"),
            CLIENT_READ_RATE = new SerializedString("client_read_rate"),
            SERVER_READ_RATE = new SerializedString("server_read_rate");

    @Override
    public void connection(ConnectionSummary c) {
        try {
            json.writeStartObject();
            stringField(TYPE, CONNECTION);
            numberField(CONN, c.conn());
            endpointField(CLIENT, c.client());
            endpointField(SERVER, c.server());
            numberField(FIRST_FRAME, c.firstFrame());
            numberField(LAST_FRAME, c.lastFrame());
            secondsField(START, c.startNanos());
            secondsField(DURATION, c.endNanos() - c.startNanos());
            numberField(PACKETS_CLIENT, c.packetsFromClient());
            numberField(PACKETS_SERVER, c.packetsFromServer());
            numberField(BYTES_CLIENT, c.bytesFromClient());
            numberField(BYTES_SERVER, c.bytesFromServer());
            booleanField(HANDSHAKE_SEEN, c.handshakeSeen());
            if (c.handshakeRttNanos() >= 0) {
                millisField(HANDSHAKE_RTT_MS, c.handshakeRttNanos());
            }
            stringField(CLOSE, c.close().label);
            stringField(CLOSE_EXPLAINED, c.close().explanation);
            stringField(TIME_WAIT, c.timeWait());
            stringField(RESET_BY, c.resetBy());
            stringField(STATE_CLIENT, STATE_NAMES[c.clientState().ordinal()]);
            stringField(STATE_SERVER, STATE_NAMES[c.serverState().ordinal()]);
            // Only where a window shut and then moved: a reading pace of 0 would say the application never read.
            if (c.clientReadRate() > 0) {
                numberField(CLIENT_READ_RATE, c.clientReadRate());
            }
            if (c.serverReadRate() > 0) {
                numberField(SERVER_READ_RATE, c.serverReadRate());
            }
            eventCountsField(c.eventCounts());
            endObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void note(Text text) {
        try {
            json.writeStartObject();
            json.writeStringField("type", "note");
            json.writeStringField("text", text.en());
            endObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void finish(AnalysisStats st) {
        try {
            json.writeStartObject();
            json.writeStringField("type", "capture");
            json.writeStringField("format", st.format);
            json.writeNumberField("packets", st.packets);
            json.writeNumberField("tcp_segments", st.tcpSegments);
            json.writeNumberField("connections", st.connections);
            json.writeNumberField("not_tcp", st.notTcp);
            json.writeNumberField("skipped", st.skipped());
            json.writeNumberField("truncated_payloads", st.truncatedPayload);
            json.writeNumberField("reassembled", st.reassembled);
            json.writeNumberField("fragments_incomplete", st.fragmentsIncomplete);
            json.writeNumberField("ipv4_lengths_from_the_frame", st.lengthFromTheWire);
            json.writeNumberField("released_closed", st.releasedClosed);
            json.writeNumberField("released_open", st.releasedOpen);
            json.writeArrayFieldStart("skipped_examples");
            for (String m : st.malformedExamples) {
                json.writeString(m);
            }
            json.writeEndArray();
            json.writeStringField("problem", st.problem);
            json.writeArrayFieldStart("interfaces");
            for (CaptureInterface i : st.interfaces) {
                json.writeStartObject();
                json.writeStringField("name", i.name());
                json.writeNumberField("link_type", i.linkType());
                json.writeNumberField("packets", i.packets());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
            json.writeRaw('\n');
            json.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
