package dev.tcplab.capture;

import java.io.IOException;

/** The file is not a capture, or stops being one part of the way through. The message says where. */
public final class CaptureFormatException extends IOException {
    public CaptureFormatException(String message) {
        super(message);
    }
}
