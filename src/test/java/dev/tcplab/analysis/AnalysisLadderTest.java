package dev.tcplab.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The ladder's rows, laid out by hand for speed, against the format its heads are laid out with. */
class AnalysisLadderTest {
    private static final List<String> STATES = List.of("ESTABLISHED", "SYN_SENT", "TIME_WAIT", "CLOSED", "LISTEN",
            "FIN_WAIT_1", "A_STATE_LONGER_THAN_ITS_COLUMN");

    @Test
    void aRowIsLaidOutAsTheHeadsFormatLaysItOut() {
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 20_000; i++) {
            long frame = random.nextLong(1, 100_000_000_000L) >> random.nextInt(40);
            String time = String.format("%.3f", random.nextLong(1L << random.nextInt(1, 50)) / 1e6);
            int conn = random.nextInt(1, 1 << random.nextInt(1, 24));
            String arrow = random.nextBoolean() ? "──▶" : "◀──";
            String flagsAndSeq = random.nextBoolean() ? "ACK" + " ".repeat(random.nextInt(1, 12)) + random.nextInt()
                    : "FIN,PSH,ACK " + random.nextLong(1L << 32);
            String ack = random.nextInt(10) == 0 ? "-" : Long.toString(random.nextLong(1L << random.nextInt(1, 40)));
            int length = random.nextInt(1 << random.nextInt(1, 20));
            long window = random.nextLong(1L << random.nextInt(1, 34));
            String client = STATES.get(random.nextInt(STATES.size()));
            String server = STATES.get(random.nextInt(STATES.size()));
            String tail = switch (random.nextInt(4)) {
                case 0 -> "";
                case 1 -> "  ";
                case 2 -> "retransmission, mss 1460,sackOK";
                default -> "duplicate_ack ";
            };
            String expected = String.format(AnalysisLadder.ROW, frame, time, conn, arrow, flagsAndSeq, ack, length,
                    window, client, server, tail).stripTrailing();
            assertEquals(expected, AnalysisLadder.layRow(new StringBuilder(), frame, time, conn, arrow, flagsAndSeq,
                    ack, length, window, client, server, tail).toString());
        }
    }
}
