package dev.tcplab.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ColumnsTest {

    @Test
    void flagsThenSeqIsTheLaddersFormatButALongerFlagSetKeepsTheNextColumnsInPlace() {
        for (String flags : new String[] {"SYN", "SYN,ACK", "FIN,ACK", "RST,ACK"}) {
            for (Object seq : new Object[] {0, 19, 4294967295L, "-", "seq(rel)"}) {
                assertEquals(String.format("%-9s %10s", flags, seq), Columns.flagsThenSeq(flags, seq));
            }
        }
        assertEquals("FIN,PSH,ACK  2097041", Columns.flagsThenSeq("FIN,PSH,ACK", 2097041));
        assertEquals(20, Columns.flagsThenSeq("SYN,ECE,CWR", 0).length());
        assertEquals("FIN,PSH,ACK 4294967295", Columns.flagsThenSeq("FIN,PSH,ACK", 4294967295L),
                "a space at least, when both are as long as they get");
    }

    @Test
    void aChineseCharacterAndFullWidthPunctuationTakeTwoColumns() {
        assertEquals(9, Columns.width("TIME_WAIT"));
        assertEquals(6, Columns.width("客户端"));
        assertEquals(7, Columns.width("时间 ms"));
        assertEquals(4, Columns.width("：（"));
        assertEquals(3, Columns.width("──▶"), "box drawing and arrows are one column each, as the ladder draws them");
    }

    @Test
    void widthsCountColumnsSoChineseHeadsStandOverTheirColumns() {
        assertEquals("   帧|客户端   |x", Columns.format("%5s|%-9s|%s", "帧", "客户端", "x"));
        assertEquals(Columns.width(String.format("%6s|%-12s|", "frame", "client")),
                Columns.width(Columns.format("%6s|%-12s|", "帧", "客户端")));
    }

    @Test
    void otherConversionsAndEnglishCellsAreStringFormatsOwn() {
        Object[] cells = {"frame", 42, 3.14159, "ESTABLISHED"};
        String format = "%6s %4d %.2f %-12s%%%n";
        assertEquals(String.format(format, cells), Columns.format(format, cells));
        assertEquals("a 客户端b", Columns.format("a %sb", "客户端"), "no width: nothing to pad");
        assertEquals("客户端服务器", Columns.format("%2s", "客户端服务器"), "a cell wider than its column is not cut");
    }
}
