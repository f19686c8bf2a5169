package dev.tcplab.wire;

/** Bytes that cannot be a packet of the kind expected; the message says which field and why. */
public class MalformedPacketException extends Exception {
    public MalformedPacketException(String message) {
        super(message);
    }
}
