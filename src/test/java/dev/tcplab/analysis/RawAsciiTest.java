package dev.tcplab.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Every form Jackson may ask a raw value for gives the same bytes, and too little room is said, not overrun. */
class RawAsciiTest {
    private static RawAscii of(String text) {
        RawAscii raw = new RawAscii(32);
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, raw.bytes, 0, b.length);
        raw.length = b.length;
        return raw;
    }

    @Test
    void everyFormIsTheText() throws Exception {
        RawAscii raw = of("-12.000000345");
        assertEquals("-12.000000345", raw.getValue());
        assertEquals(13, raw.charLength());
        assertEquals("-12.000000345", new String(raw.asQuotedChars()));
        assertArrayEquals("-12.000000345".getBytes(StandardCharsets.US_ASCII), raw.asUnquotedUTF8());
        assertArrayEquals(raw.asUnquotedUTF8(), raw.asQuotedUTF8());

        byte[] bytes = new byte[20];
        assertEquals(13, raw.appendUnquotedUTF8(bytes, 2));
        assertEquals("-12.000000345", new String(bytes, 2, 13, StandardCharsets.US_ASCII));
        assertEquals(13, raw.appendQuotedUTF8(bytes, 7));
        assertEquals("-12.000000345", new String(bytes, 7, 13, StandardCharsets.US_ASCII));
        char[] chars = new char[15];
        assertEquals(13, raw.appendUnquoted(chars, 1));
        assertEquals("-12.000000345", new String(chars, 1, 13));
        assertEquals(13, raw.appendQuoted(chars, 2));
        assertEquals("-12.000000345", new String(chars, 2, 13));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(13, raw.writeUnquotedUTF8(out));
        assertEquals(13, raw.writeQuotedUTF8(out));
        assertEquals("-12.000000345-12.000000345", out.toString(StandardCharsets.US_ASCII));
        ByteBuffer buffer = ByteBuffer.allocate(30);
        assertEquals(13, raw.putUnquotedUTF8(buffer));
        assertEquals(13, raw.putQuotedUTF8(buffer));
        assertEquals("-12.000000345-12.000000345", new String(buffer.array(), 0, 26, StandardCharsets.US_ASCII));
    }

    @Test
    void tooLittleRoomIsSaidAndNothingWritten() throws Exception {
        RawAscii raw = of("7.250000000");
        byte[] bytes = new byte[12];
        assertEquals(-1, raw.appendUnquotedUTF8(bytes, 2));
        assertEquals(-1, raw.appendQuotedUTF8(bytes, 2));
        assertArrayEquals(new byte[12], bytes);
        char[] chars = new char[11];
        assertEquals(-1, raw.appendUnquoted(chars, 1));
        assertEquals(-1, raw.appendQuoted(chars, 1));
        assertArrayEquals(new char[11], chars);
        ByteBuffer buffer = ByteBuffer.allocate(10);
        assertEquals(-1, raw.putUnquotedUTF8(buffer));
        assertEquals(-1, raw.putQuotedUTF8(buffer));
        assertEquals(0, buffer.position());
        assertEquals(11, raw.appendUnquotedUTF8(new byte[11], 0), "room for exactly the text is enough");
        assertEquals(11, raw.appendUnquoted(new char[11], 0));
        assertEquals(11, raw.putUnquotedUTF8(ByteBuffer.allocate(11)));
    }

    @Test
    void aWriterOfCharactersTakesItToo() throws Exception {
        // The JSON lines go to a byte stream; a generator over characters asks for the other forms.
        StringWriter text = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(text)) {
            g.writeStartArray();
            g.writeRawValue(of("1.5"));
            g.writeRawValue(of("2.000000001"));
            g.writeEndArray();
        }
        assertEquals("[1.5,2.000000001]", text.toString());
    }
}
