package dev.tcplab.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcplab.host.Shell;
import dev.tcplab.wire.Ipv4Address;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import org.junit.jupiter.api.Test;

/** sock_diag against sockets of our own on loopback, with `ss` as the independent witness. */
class SockDiagTest {

    static KernelSockets.Socket byPeer(List<KernelSockets.Socket> all, String peer) {
        return all.stream().filter(s -> s.peer().equals(peer)).findFirst()
                .orElseThrow(() -> new AssertionError("no socket with peer " + peer + " in " + all));
    }

    @Test
    void seesAnEstablishedPairAndTheActiveCloserInTimeWait() throws Exception {
        try (SockDiag diag = SockDiag.open(null);
             ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Socket client = new Socket("127.0.0.1", server.getLocalPort());
            Socket accepted = server.accept();
            String clientEnd = "127.0.0.1:" + client.getLocalPort();
            String serverEnd = "127.0.0.1:" + server.getLocalPort();

            List<KernelSockets.Socket> all = diag.tcpSockets();
            assertEquals("ESTAB", byPeer(all, clientEnd).state(), "the server's side");
            assertEquals("ESTAB", byPeer(all, serverEnd).state(), "the client's side");

            client.close();                       // the client closes first ...
            accepted.close();                     // ... so it ends in TIME_WAIT
            Thread.sleep(50);                     // let the four segments cross loopback (not an assertion)
            KernelSockets.Socket tw = byPeer(diag.tcpSockets(), serverEnd);
            assertEquals("TIME-WAIT", tw.state());
            assertTrue(tw.timer().startsWith("timer:(timewait,"), tw.timer());

            if (Shell.run("sh", "-c", "command -v ss").ok()) {
                String ss = Shell.run("ss", "-tanH", "state", "time-wait", "dst", serverEnd).stdout()
                        .replace("[::ffff:", "").replace("]:", ":");  // Java's sockets are dual-stack
                assertTrue(ss.contains(clientEnd), "ss agrees: " + ss);
            }
        }
    }

    @Test
    void findsOneSocketByItsTupleAndNotTheListenerBehindIt() throws Exception {
        Ipv4Address lo = Ipv4Address.parse("127.0.0.1");
        try (SockDiag diag = SockDiag.open(null);
             ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Socket client = new Socket("127.0.0.1", server.getLocalPort());
            Socket accepted = server.accept();
            int sp = server.getLocalPort(), cp = client.getLocalPort();
            assertEquals("ESTAB", diag.find(lo, sp, lo, cp).state(), "the server's end, by its tuple");
            accepted.close();                     // the server closes first: it will be in TIME_WAIT
            client.close();
            Thread.sleep(50);                     // let the segments cross loopback (not an assertion)
            assertEquals("TIME-WAIT", diag.find(lo, sp, lo, cp).state());
            assertEquals("none", diag.find(lo, sp, lo, 1).state(), "no such connection: not the listener");
        }
    }
}
