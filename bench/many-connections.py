#!/usr/bin/env python3
"""Writes a capture of very many connections, to show that reading it keeps memory bounded
(bench/memory-flat.sh many): the shapes that outgrow a table of every connection.

    bench/many-connections.py closed N FILE   N connections, each handshake, FIN, FIN+ACK, ACK
                                              (6 N packets, 10 us apart: all closed within the 120 s
                                              a closed connection lingers), as a busy server's capture
    bench/many-connections.py scan N FILE     N SYNs to N ports that nobody answers (N packets), as a
                                              port scan's capture

Made by hand rather than recorded, so that a million connections take seconds. Checksums are left 0
(tcplab and tshark do not check them by default).
"""
import struct
import sys

ETHERNET = b"\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02\x08\x00"
SYN, SYN_ACK, ACK, FIN_ACK = 0x02, 0x12, 0x10, 0x11


def frame(src, dst, sport, dport, seq, ack, flags):
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, 5 << 4, flags, 65535, 0, 0)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0x4000, 64, 6, 0, src, dst)
    return ETHERNET + ip + tcp


def address(first, second, i):
    """10.first.x.y, a new address every 60,000 ports."""
    block = i // 60000
    return bytes([10, first, block % 256, block // 256 + second])


def main():
    kind, n, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    if kind not in ("closed", "scan"):
        sys.exit("usage: many-connections.py closed|scan N FILE")
    micros = 0
    with open(path, "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        batch = []
        for i in range(n):
            if kind == "closed":
                client, server, port = address(2, 1, i), bytes([10, 1, 0, 1]), 1024 + i % 60000
                c, s = 1000 + i, 5000 + i
                segments = [(client, server, port, 80, c, 0, SYN), (server, client, 80, port, s, c + 1, SYN_ACK),
                            (client, server, port, 80, c + 1, s + 1, ACK),
                            (client, server, port, 80, c + 1, s + 1, FIN_ACK),
                            (server, client, 80, port, s + 1, c + 2, FIN_ACK),
                            (client, server, port, 80, c + 2, s + 2, ACK)]
            else:
                segments = [(bytes([10, 3, 0, 1]), address(4, 1, i), 40000, 1 + i % 60000, 12345 + i, 0, SYN)]
            for segment in segments:
                micros += 10
                f = frame(*segment)
                batch.append(struct.pack("<IIII", 1_700_000_000 + micros // 1_000_000, micros % 1_000_000,
                                         len(f), len(f)) + f)
            if len(batch) >= 60000:
                out.write(b"".join(batch))
                batch = []
        out.write(b"".join(batch))


if __name__ == "__main__":
    main()
