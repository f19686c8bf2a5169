package dev.tcplab.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonSecondsTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** As the writers hand it to Jackson: a raw number value in a tree. */
    private static String json(String seconds) throws Exception {
        ObjectNode o = MAPPER.createObjectNode();
        o.putRawValue("t", new RawValue(seconds));
        return MAPPER.writeValueAsString(o);
    }

    @Test
    void writesDecimalSecondsWhereADoubleWouldUseAnExponent() throws Exception {
        assertEquals("{\"t\":9.33E-4}", MAPPER.writeValueAsString(Map.of("t", 933_000 / 1e9)), "what the double gave");
        assertEquals("{\"t\":0.000933}", json(JsonSeconds.of(933_000)));
        assertEquals("{\"t\":0.000000005}", json(JsonSeconds.of(5)));
        assertEquals("{\"t\":-0.0000015}", json(JsonSeconds.of(-1_500)));
    }

    @Test
    void keepsEveryNanosecondOfAnEpochTime() throws Exception {
        long epoch = 1_795_490_959_612_194_301L;
        assertEquals("{\"t\":1.7954909596121943E9}", MAPPER.writeValueAsString(Map.of("t", epoch / 1e9)),
                "the double: an exponent, the last digits gone");
        assertEquals("{\"t\":1795490959.612194301}", json(JsonSeconds.of(epoch)));
    }

    @Test
    void looksAsBeforeOtherwise() throws Exception {
        assertEquals("{\"t\":2.0}", json(JsonSeconds.of(2_000_000_000L)));
        assertEquals("{\"t\":10.0}", json(JsonSeconds.of(10_000_000_000L)));
        assertEquals("{\"t\":0.0}", json(JsonSeconds.of(0)));
        assertEquals("{\"t\":4.097787}", json(JsonSeconds.of(4_097_787_000L)));
        assertEquals("{\"t\":0.016}", json(JsonSeconds.millis(16_000)));
        assertEquals("{\"t\":1.0}", json(JsonSeconds.millis(1_000_000)));
    }

    /** The text is what the BigDecimal these times were written with before gave, for any value. */
    @Test
    void isTheExactDecimalForAnyValue() {
        Random random = new Random(20261202);
        long[] edges = {Long.MIN_VALUE, Long.MAX_VALUE, -1, 1, 999_999_999, 1_000_000_001, -1_000_000_000};
        for (int i = 0; i < 10_000 + edges.length; i++) {
            long v = i < edges.length ? edges[i] : random.nextLong() >> random.nextInt(64);
            for (int scale : new int[] {9, 6}) {
                BigDecimal d = BigDecimal.valueOf(v, scale).stripTrailingZeros();
                String expected = (d.scale() < 1 ? d.setScale(1) : d).toPlainString();
                assertEquals(expected, scale == 9 ? JsonSeconds.of(v) : JsonSeconds.millis(v), "value " + v);
            }
        }
    }
}
