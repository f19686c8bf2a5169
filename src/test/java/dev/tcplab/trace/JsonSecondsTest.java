package dev.tcplab.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonSecondsTest {
    private static final ObjectMapper PLAIN = new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    private static String json(Object value) throws Exception {
        return PLAIN.writeValueAsString(Map.of("t", value));
    }

    @Test
    void writesDecimalSecondsWhereADoubleWouldUseAnExponent() throws Exception {
        assertEquals("{\"t\":9.33E-4}", json(933_000 / 1e9), "what the double gave");
        assertEquals("{\"t\":0.000933}", json(JsonSeconds.of(933_000)));
        assertEquals("{\"t\":0.000000005}", json(JsonSeconds.of(5)));
        assertEquals("{\"t\":-0.0000015}", json(JsonSeconds.of(-1_500)));
    }

    @Test
    void keepsEveryNanosecondOfAnEpochTime() throws Exception {
        long epoch = 1_795_490_959_612_194_301L;
        assertEquals("{\"t\":1.7954909596121943E9}", json(epoch / 1e9), "the double: an exponent, the last digits gone");
        assertEquals("{\"t\":1795490959.612194301}", json(JsonSeconds.of(epoch)));
    }

    @Test
    void looksAsBeforeOtherwise() throws Exception {
        assertEquals("{\"t\":2.0}", json(JsonSeconds.of(2_000_000_000L)));
        assertEquals("{\"t\":0.0}", json(JsonSeconds.of(0)));
        assertEquals("{\"t\":4.097787}", json(JsonSeconds.of(4_097_787_000L)));
        assertEquals("{\"t\":0.016}", json(JsonSeconds.millis(16_000)));
        assertEquals("{\"t\":1.0}", json(JsonSeconds.millis(1_000_000)));
    }
}
