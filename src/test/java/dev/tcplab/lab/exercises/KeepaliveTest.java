package dev.tcplab.lab.exercises;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tcplab.text.Text;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KeepaliveTest {
    /** The setting as cat prints it: an independent reader of /proc/sys. */
    private static String cat(String name) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("cat", "/proc/sys/net/ipv4/" + name).start();
        String value = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.waitFor());
        return value;
    }

    /** The afterword told students "this machine has 7 s, 7 s, 9" where Linux had its 7200 s, 75 s and 9. */
    @Test
    void theMachinesKeepaliveSettingsAreReadWhole() throws Exception {
        Text settings = Keepalive.linuxDefaults();
        assertEquals(cat("tcp_keepalive_time") + " s, " + cat("tcp_keepalive_intvl") + " s, " + cat("tcp_keepalive_probes"),
                settings.en());
        assertEquals(cat("tcp_keepalive_time") + " 秒、" + cat("tcp_keepalive_intvl") + " 秒、" + cat("tcp_keepalive_probes")
                + " 个探测", settings.zh());
    }
}
