package dev.tcplab.endpoint;

import java.util.Arrays;

/** Bytes the application gave us that the peer has not acknowledged yet, oldest first. */
final class SendBuffer {
    private byte[] data = new byte[4096];
    private int head;
    private int tail;

    int size() {
        return tail - head;
    }

    void append(byte[] bytes) {
        if (tail + bytes.length > data.length) {
            int need = size() + bytes.length;
            byte[] grown = need > data.length / 2 ? new byte[Math.max(need, data.length * 2)] : data;
            System.arraycopy(data, head, grown, 0, size());
            if (grown == data) {
                Arrays.fill(data, size(), data.length, (byte) 0);
            }
            tail = size();
            head = 0;
            data = grown;
        }
        System.arraycopy(bytes, 0, data, tail, bytes.length);
        tail += bytes.length;
    }

    /** Forgets the first n bytes: the peer acknowledged them. */
    void drop(int n) {
        head += Math.min(n, size());
        if (head == tail) {
            head = tail = 0;
        }
    }

    byte[] copy(int offset, int len) {
        return Arrays.copyOfRange(data, head + offset, head + offset + len);
    }
}
