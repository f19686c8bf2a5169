package dev.tcplab.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcplab.text.Text;
import dev.tcplab.wire.Flags;
import dev.tcplab.wire.Segment;
import dev.tcplab.wire.SeqNum;
import org.junit.jupiter.api.Test;

/** The closing line of a transfer says whose segments the faults and the peer's firewall took. */
class TransferTallyTest {
    static final Segment DATA = Segment.of(61000, 7, SeqNum.of(1), SeqNum.of(1), Flags.PSH_ACK, 100)
            .withPayload(new byte[10]);

    @Test
    void lossesAreSaidSideBySide() {
        TransferTally t = new TransferTally();
        t.out(DATA, 1, null, false);
        t.in(DATA, 2, false);
        assertFalse(t.describe().contains("fault rules"), t.describe());
        assertFalse(t.describe().contains("firewall"), "nobody counted the firewall: " + t.describe());
        t.in(DATA, 3, true);
        t.in(DATA, 4, true);
        assertTrue(t.describe().contains(", fault rules lost 2 of the peer's"), t.describe());
        t.out(DATA, 5, Text.of("retransmission 1", "第 1 次重传"), true);
        assertTrue(t.describe().contains(", fault rules lost 1 of ours and 2 of the peer's"), t.describe());
        assertEquals(1, t.retransmissions());
        t.droppedByPeer(0);
        assertTrue(t.describe().contains(", 0 of ours dropped by the peer's firewall"), t.describe());
    }

    @Test
    void theDataSpanRunsFromTheEarliestToTheLatestStampWhateverTheOrderCounted() {
        TransferTally t = new TransferTally();
        t.out(DATA, 5_000_000, null, false);
        t.in(DATA, 30_000_000, false);
        t.in(DATA, 7_000_000, false); // held back by --delay: delivered last, stamped when it arrived
        t.out(Segment.of(61000, 7, SeqNum.of(1), SeqNum.of(1), Flags.ACK, 100), 40_000_000, null, false); // no data
        assertEquals(0.025, t.dataSeconds(), 1e-12);
    }
}
