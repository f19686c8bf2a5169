package dev.tcplab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcplab.analysis.RecordedConversation;
import dev.tcplab.text.Text;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Which hint a client's re-enactment gives for which recording, read from the sample captures (whose facts the
 * comments give as tshark shows them), and that none suggests an option already given or one for the lab's peer
 * on --iface. What the live kernel then does with each option is ReplayLiveTest's.
 */
class ReenactmentHintsTest {

    private static ReenactmentHints hints(String capture, int conn, String... given) throws IOException {
        return new ReenactmentHints(RecordedConversation.read(Path.of(capture), conn), Set.of(given));
    }

    private static String en(ReenactmentHints.Hint hint) {
        assertNotNull(hint, "a hint");
        return hint.said().en();
    }

    /** The hint for this recording, asserting that it is not given once {@code option} is. */
    private static String saidUnless(String option, Function<ReenactmentHints, ReenactmentHints.Hint> hint, String capture, int conn)
            throws IOException {
        assertNull(hint.apply(hints(capture, conn, option)), "no hint once " + option + " is given");
        return en(hint.apply(hints(capture, conn)));
    }

    /** That a hint begins so and says this further on. */
    private static void assertSays(String hint, String begins, String further) {
        assertTrue(hint.startsWith(begins) && hint.contains(further), hint);
    }

    /** How many hints a client's re-enactment gives. */
    private static int given(ReenactmentHints h) {
        return h.all(false).size();
    }

    @Test
    void anEchoRecordedAsTheLabsPeerWouldAnswerItNeedsNoHint() throws IOException {
        // The client sent 18 bytes, the server echoed them and closed at once after the client's FIN.
        assertEquals(0, given(hints("captures/handshake-echo-close.pcap", 1)));
    }

    @Test
    void aServerThatClosedLateIsMatchedWithPeerCloseDelay() throws IOException {
        // The server's FIN came 1,003 ms after the client's.
        String hint = saidUnless("--peer-close-delay", ReenactmentHints::closeDelay,
                "captures/four-way-close-wait.pcap", 1);
        assertTrue(hint.contains("closed 1003 ms after the client's FIN") && hint.endsWith("--peer-close-delay 1003ms "
                + "makes it wait as the recording's did"), hint);
        assertEquals(1, given(hints("captures/four-way-close-wait.pcap", 1)));
    }

    @Test
    void aServerThatClosedFirstIsMatchedWithPeerClosesFirst() throws IOException {
        // Connection 1: the server's FIN (frame 180) before the client's.
        assertTrue(saidUnless("--peer-closes-first", ReenactmentHints::closeFirst, "captures/kernel-mix.pcap", 1)
                .startsWith("the recorded server closed first"));
        // Connection 40: the FINs crossed; said so, and no close delay is made of the second FIN's lateness.
        ReenactmentHints crossed = hints("captures/kernel-mix.pcap", 40);
        assertTrue(en(crossed.closeFirst()).startsWith("the recorded FINs crossed (a simultaneous close)"));
        assertNull(crossed.closeDelay());
    }

    @Test
    void aServerThatSentOtherDataOrNoneIsToldApartFromAnEcho() throws IOException {
        // A browser and Python's http.server: a 493-byte request, 200 bytes back.
        String http = saidUnless("--peer-answers", ReenactmentHints::echo,
                "src/test/resources/captures-external/simple_http.pcap", 1);
        assertTrue(http.startsWith("the recorded server sent 200 bytes for the client's 493: it was not an echo server"),
                http);
        // Connection 3: a 2 MB upload, nothing sent back.
        String upload = saidUnless("--peer-discard", ReenactmentHints::echo, "captures/kernel-mix.pcap", 3);
        assertSays(upload, "the recorded server sent nothing back for the client's 2097152 bytes",
                "--peer-discard makes it keep what arrives");
    }

    @Test
    void aServerThatResetIsMatchedWithPeerRstCloseAndClosesFirstWhenItResetBeforeTheClientsFin() throws IOException {
        // Connection 41: the server read 8 bytes and reset (frame 3788) before any FIN of the client's.
        String hint = saidUnless("--peer-rst-close", ReenactmentHints::reset, "captures/kernel-mix.pcap", 41);
        assertSays(hint, "the recorded server ended the connection with a RST (frame 3788, an abortive close)",
                "--peer-rst-close makes it abort, and --peer-closes-first makes it do so");
        String withFirst = en(hints("captures/kernel-mix.pcap", 41, "--peer-closes-first").reset());
        assertTrue(withFirst.endsWith("--peer-rst-close makes it abort"), withFirst);
    }

    @Test
    void aServerThatReadSlowlyIsMatchedWithItsReadingPace() throws IOException {
        // Connection 8: the server's window shut 15 times from frame 3901 on; it read about 10 KB/s after.
        String hint = saidUnless("--peer-read-rate", ReenactmentHints::zeroWindow, "captures/kernel-mix.pcap", 8);
        assertSays(hint, "the recorded server advertised a zero window 15 times (from frame 3901 on)",
                "--peer-read-rate 10KB/s makes it read as slowly");
    }

    @Test
    void reenactingASlowReadingServerOursIsToldToReadAtItsPaceFromABufferAsSmall() throws IOException {
        // Connection 8 again, with ours as the server: it offered at most 2,896 bytes of window (frame 4210).
        String hint = saidUnless("--read-rate", ReenactmentHints::slowServer, "captures/kernel-mix.pcap", 8);
        assertTrue(hint.endsWith("ours reads at once: --read-rate 10KB/s --window 2896 makes it read as the recorded one "
                + "did"), hint);
        String ownWindow = en(hints("captures/kernel-mix.pcap", 8, "--window").slowServer());
        assertTrue(ownWindow.contains("--read-rate 10KB/s makes it"), "no --window over the one given: " + ownWindow);
        assertNull(hints("captures/kernel-mix.pcap", 3).slowServer(), "an upload whose server kept up");
    }

    @Test
    void aServerWhoseKeepalivesWentUnansweredIsMatchedWithItsTimersAndTheLostAnswers() throws IOException {
        // The server's kernel probed 3 times, 1 s apart after 1 s of quiet; the crashed client never answered.
        String hint = saidUnless("--peer-keepalive", ReenactmentHints::peerKeepalive,
                "captures/keepalive-crashed-client.pcap", 1);
        assertTrue(hint.contains("that nobody answered: --peer-keepalive 1,1,3 gives the lab's peer the same, and --drop "
                + "in:keepalive:all loses our answers"), hint);
        // The server's kernel reset the connection when the probes went unanswered: no --peer-rst-close for that.
        assertNull(hints("captures/keepalive-crashed-client.pcap", 1).reset());
    }

    @Test
    void onAnotherInterfaceNoHintSuggestsAnOptionForTheLabsPeerUnlessAnAgentThereStartsTheServer() throws IOException {
        for (String[] c : new String[][] {{"captures/four-way-close-wait.pcap", "1"}, {"captures/kernel-mix.pcap", "1"},
            {"captures/kernel-mix.pcap", "3"}, {"captures/kernel-mix.pcap", "8"}, {"captures/kernel-mix.pcap", "41"},
            {"captures/keepalive-crashed-client.pcap", "1"}}) {
            int conn = Integer.parseInt(c[1]);
            assertTrue(given(hints(c[0], conn)) > 0, "a hint on the lab network: " + c[0] + " " + c[1]);
            assertEquals(0, given(hints(c[0], conn, "--iface")), c[0] + " " + c[1]);
            assertEquals(hints(c[0], conn).arguments(false), hints(c[0], conn, "--iface", "--agent").arguments(false),
                    "the peer machine's agent starts a server the same options shape: " + c[0] + " " + c[1]);
        }
        assertTrue(en(hints("captures/four-way-close-wait.pcap", 1, "--iface", "--agent").closeDelay()).contains(
                "the peer machine's echo server closes at once: --peer-close-delay 1003ms"), "named as the peer machine's");
    }

    @Test
    void theOptionsTheHintsNameAreTheArgumentsThatFollowThem() throws IOException {
        assertEquals(List.of("--peer-close-delay", "1003ms"),
                hints("captures/four-way-close-wait.pcap", 1).arguments(false));
        // Connection 41: read, sent nothing back, reset before the client's FIN; in the order the hints are said.
        assertEquals(List.of("--peer-discard", "--peer-rst-close", "--peer-closes-first"),
                hints("captures/kernel-mix.pcap", 41).arguments(false));
        assertEquals(List.of("--peer-keepalive", "1,1,3", "--drop", "in:keepalive:all"),
                hints("captures/keepalive-crashed-client.pcap", 1).arguments(false));
        // Connection 8, the slow reader: the lab's peer reads slowly; with --as server, ours does.
        assertEquals(List.of("--peer-discard", "--peer-read-rate", "10KB/s"),
                hints("captures/kernel-mix.pcap", 8).arguments(false));
        assertEquals(List.of("--read-rate", "10KB/s", "--window", "2896"),
                hints("captures/kernel-mix.pcap", 8).arguments(true));
        // Connection 1 sent data in its SYN, which no option changes: only the answers are followed.
        assertEquals(List.of("--peer-answers"), hints("captures/corner-cases.pcap", 1).arguments(false));
        assertEquals(List.of(), hints("captures/handshake-echo-close.pcap", 1).arguments(false));
        // Once given, an option is not named again.
        assertEquals(List.of("--peer-rst-close"),
                hints("captures/kernel-mix.pcap", 41, "--peer-discard", "--peer-closes-first").arguments(false));
    }

    @Test
    void dataInTheSynIsSaidWhereverTheRunIsForNoOptionChangesIt() throws IOException {
        // Connection 1: 10 bytes in the client's SYN (TCP Fast Open).
        assertTrue(en(hints("captures/corner-cases.pcap", 1).fastOpen()).startsWith("the recorded client sent 10 bytes "
                + "in its SYN (TCP Fast Open, RFC 7413)"));
        assertNotNull(hints("captures/corner-cases.pcap", 1, "--iface").fastOpen());
    }
}
