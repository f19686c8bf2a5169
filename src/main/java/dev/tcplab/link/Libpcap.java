package dev.tcplab.link;

import dev.tcplab.host.EnvironmentProblem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Finds libpcap for pcap4j. pcap4j asks JNA for "pcap", which needs the unversioned libpcap.so
 * from libpcap-dev; a plain Debian/Ubuntu install has only libpcap.so.0.8 (package libpcap0.8),
 * so point pcap4j at that file by absolute path (FIELD-NOTES: an absolute path in the property works).
 */
public final class Libpcap {
    static final String PROPERTY = "org.pcap4j.core.pcapLibName";
    private static final List<String> DIRS = List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
            "/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/lib");
    private static volatile boolean configured;

    private Libpcap() {
    }

    /** Sets pcap4j's library property once, or explains how to install libpcap. */
    public static synchronized void configure() {
        if (configured || System.getProperty(PROPERTY) != null) {
            configured = true;
            return;
        }
        for (String name : List.of("libpcap.so", "libpcap.so.1", "libpcap.so.0.8")) {
            for (String dir : DIRS) {
                Path p = Path.of(dir, name);
                if (Files.exists(p)) {
                    System.setProperty(PROPERTY, p.toString());
                    configured = true;
                    return;
                }
            }
        }
        throw missing(null);
    }

    static EnvironmentProblem missing(Throwable cause) {
        return new EnvironmentProblem("libpcap is not installed: apt-get install libpcap0.8 (./tcplab run as root"
                + " installs it).", cause);
    }
}
