package dev.tcplab.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ReadingPaceTest {
    static final long MS = 1_000_000L;

    @Test
    void aWindowThatKeepsShuttingGivesHowFarItLetTheSenderOnOverThatTime() {
        ReadingPace p = new ReadingPace();
        p.saw(4_000, 4_000, false, 0);            // filling: the edge moves with the data, not with reading
        p.saw(8_000, 0, true, 10 * MS);           // shut 1
        p.saw(8_000, 1_000, false, 110 * MS);     // read 1,000
        p.saw(9_000, 0, true, 120 * MS);          // shut 2
        p.saw(9_000, 1_000, false, 210 * MS);
        p.saw(10_000, 0, true, 220 * MS);         // shut 3
        p.saw(10_000, 0, true, 400 * MS);         // the same shut window again (a probe's answer): not a 4th
        p.saw(12_000, 4_000, false, 500 * MS);    // the end: moves after the last shut do not count
        assertEquals(5_128, p.bytesPerSecond(), "2,000 bytes from 10 ms to 400 ms");
    }

    @Test
    void thePaceCountsAcrossTheWrapOfTheSequenceSpace() {
        ReadingPace p = new ReadingPace();
        long nearTheEnd = (1L << 32) - 1_000;
        p.saw(nearTheEnd, 0, true, 0);
        p.saw(nearTheEnd, 1_000, false, 50 * MS);
        p.saw(0, 0, true, 100 * MS);               // 1,000 bytes on: past 2^32, so 0
        p.saw(0, 1_000, false, 150 * MS);
        p.saw(500, 0, true, 200 * MS);
        p.saw(400, 0, true, 210 * MS);             // a reordered, older ACK: no step back
        assertEquals(7_143, p.bytesPerSecond(), "1,500 bytes in 210 ms");
    }

    @Test
    void aWindowThatShutOnceOrTwiceIsALateReadersAndHasNoPace() {
        ReadingPace late = new ReadingPace();
        late.saw(4_344, 0, true, 50 * MS);
        late.saw(4_344, 0, true, 250 * MS);
        late.saw(4_344, 2_896, false, 1_500 * MS); // read everything at once
        late.saw(9_000, 0, true, 1_600 * MS);
        late.saw(9_000, 8_000, false, 1_700 * MS);
        assertEquals(0, late.bytesPerSecond());
        assertEquals(0, new ReadingPace().bytesPerSecond(), "never shut");
    }

    @Test
    void ratesAreSaidToTwoFigures() {
        assertEquals("10 KB/s", ReadingPace.text(10_073));
        assertEquals("1.2 KB/s", ReadingPace.text(1_234));
        assertEquals("990 B/s", ReadingPace.text(987));
        assertEquals("2.5 MB/s", ReadingPace.text(2_468_000));
        assertEquals(150, ReadingPace.twoFigures(149));
        assertEquals(99, ReadingPace.twoFigures(99));
    }
}
