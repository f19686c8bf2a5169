package dev.tcplab.link;

/** The peer did not answer on the link (no ARP reply): the exercise cannot start; exit code 1. */
public class PeerUnreachableException extends RuntimeException {
    public PeerUnreachableException(String message) {
        super(message);
    }
}
