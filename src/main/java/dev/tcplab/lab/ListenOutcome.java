package dev.tcplab.lab;

import dev.tcplab.endpoint.TcpState;
import dev.tcplab.text.Text;
import java.util.Arrays;

/**
 * How a listen run ended.
 *
 * @param received     what the client sent us
 * @param clientGot    what the lab network's kernel client read back (our echo); empty on a real interface
 * @param closeText    why the connection closed, in both languages
 */
public record ListenOutcome(boolean established, TcpState finalState, Text closeText, byte[] received,
                            byte[] clientGot, boolean timedOut) {

    /** Why the connection closed, in English. */
    public String closeReason() {
        return closeText.en();
    }

    /** Handshake, the client's bytes echoed back intact, and our passive close finished. */
    public boolean complete(byte[] payload, boolean embedded) {
        boolean echoed = !embedded || Arrays.equals(payload, clientGot);
        return established && !timedOut && finalState == TcpState.CLOSED && Arrays.equals(payload, received)
                && echoed && !closeReason().startsWith("connection reset") && !closeReason().startsWith("timed out");
    }
}
