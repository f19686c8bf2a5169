package dev.tcplab.lab.exercises;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcplab.lab.PeerOptions;
import dev.tcplab.netns.KernelPeer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExerciseRunnerTest {

    @Test
    void aRunOnARealInterfaceSaysWhatThePeerMachineMustDo() {
        assertEquals("close late (tcplab peer listen --close-delay 1000ms)",
                ExerciseRunner.peerNeeds(PeerOptions.DEFAULT.withCloseDelay(Duration.ofSeconds(1))));
        String both = ExerciseRunner.peerNeeds(PeerOptions.DEFAULT.withKeepalive(new KernelPeer.Keepalive(1, 1, 3))
                .withSysctls(Map.of("net.ipv4.tcp_synack_retries", "2")));
        assertTrue(both.contains("probe with keepalive 1,1,3") && both.contains("net.ipv4.tcp_synack_retries=2"), both);
        assertEquals("read late (tcplab peer listen --read-delay 1500ms)",
                ExerciseRunner.peerNeeds(PeerOptions.DEFAULT.withReadDelay(Duration.ofMillis(1500))));
        assertEquals("send a stream and close (tcplab peer listen --send-bytes 1000000)",
                ExerciseRunner.peerNeeds(PeerOptions.DEFAULT.withSendBytes(1_000_000)));
        assertEquals("keep what arrives and send nothing back (tcplab peer listen --discard)",
                ExerciseRunner.peerNeeds(PeerOptions.DEFAULT.withDiscard(true)));
    }

    @Test
    void everyExerciseSpeaksBothLanguagesAndTheEightAreThere() {
        for (Exercise e : Exercises.all()) {
            assertTrue(!e.title().en().isBlank() && !e.title().zh().isBlank(), e.name());
            assertTrue(!e.intro().en().isBlank() && e.intro().zh().codePoints().anyMatch(c -> c > 0x4e00), e.name());
            for (LabRun r : e.runs()) {
                assertTrue(!r.label().zh().isBlank(), e.name());
            }
        }
        assertEquals(8, Exercises.all().size());
    }
}
