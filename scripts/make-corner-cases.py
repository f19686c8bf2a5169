#!/usr/bin/env python3
"""Writes captures/corner-cases.pcap: TCP cases that real captures hold but the lab's kernel traffic
rarely does, each segment made byte by byte, so that `tcplab analyze` can be checked against tshark on
them (AnalysisAgreesWithTsharkTest reads every capture in captures/).

    scripts/make-corner-cases.py [FILE]      (default: captures/corner-cases.pcap)

Addresses 10.0.0.1 (client) and 10.0.0.2 (server), 1 ms between frames; checksums are correct.
Connections, in order:
 1. TCP Fast Open: a SYN with a cookie option (kind 34) and 10 bytes of data, acknowledged by the SYN+ACK.
 2. Sequence numbers that wrap past 2^32 in the middle of the transfer.
 3. ECN (ECE and CWR in the handshake and after) and urgent data (URG), ended by the client's RST.
 4. A simultaneous open: both send SYN, then each a SYN+ACK.
 5. Window scale 14, a zero window, a zero-window probe and its ACK, a window update, a keep-alive
    with one byte of garbage (as Windows sends it), ended by RST.
 6. New data that starts one byte before the next expected byte (not a retransmission to Wireshark).
 7. A refused connect tried again with the same SYN (as Windows does), the RST with sequence number 0
    as Linux sends it, then answered and closed.
 8. The same refusal, then a new SYN with a new ISN: port reuse, a connection of its own.
 9. A SYN and a FIN each sent twice within a millisecond: retransmissions, not out of order.
"""
import struct
import sys

CLIENT, SERVER = "10.0.0.1", "10.0.0.2"
MSS = b"\x02\x04\x05\xb4"
WSCALE_14 = b"\x01\x03\x03\x0e"
TFO_COOKIE = b"\x22\x0a" + b"ABCDEFGH"
FLAG_BITS = {"F": 1, "S": 2, "R": 4, "P": 8, "A": 16, "U": 32, "E": 64, "C": 128}


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def address(text):
    return bytes(int(part) for part in text.split("."))


def tcp(src, dst, sport, dport, seq, ack, flags, window, options, payload, urgent):
    options += b"\x01" * (-len(options) % 4)
    header = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF,
                         (5 + len(options) // 4) << 4, sum(FLAG_BITS[f] for f in flags), window, 0, urgent)
    segment = header + options + payload
    pseudo = address(src) + address(dst) + struct.pack("!BBH", 0, 6, len(segment))
    return segment[:16] + struct.pack("!H", checksum(pseudo + segment)) + segment[18:]


class Capture:
    def __init__(self):
        self.frames = []
        self.ip_id = 0

    def segment(self, from_server, sport, dport, seq, ack, flags, window=65535, options=b"", payload=b"", urgent=0):
        src, dst = (SERVER, CLIENT) if from_server else (CLIENT, SERVER)
        body = tcp(src, dst, sport, dport, seq, ack, flags, window, options, payload, urgent)
        self.ip_id += 1
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(body), self.ip_id, 0x4000, 64, 6, 0,
                         address(src), address(dst))
        ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
        macs = b"\x02\0\0\0\0\x02\x02\0\0\0\0\x01" if not from_server else b"\x02\0\0\0\0\x01\x02\0\0\0\0\x02"
        self.frames.append(macs + b"\x08\x00" + ip + body)

    def write(self, path):
        with open(path, "wb") as out:
            out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
            for i, frame in enumerate(self.frames):
                micros = (i + 1) * 1000
                out.write(struct.pack("<IIII", micros // 1_000_000, micros % 1_000_000, len(frame), len(frame)))
                out.write(frame)


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "captures/corner-cases.pcap"
    cap = Capture()
    seg = cap.segment

    c, s = 1000, 5000  # 1. TCP Fast Open
    seg(0, 40001, 80, c, 0, "S", options=MSS + TFO_COOKIE, payload=b"GET / 0123")
    seg(1, 80, 40001, s, c + 11, "SA", options=MSS)
    seg(0, 40001, 80, c + 11, s + 1, "A")
    seg(1, 80, 40001, s + 1, c + 11, "PA", payload=b"hello")
    seg(0, 40001, 80, c + 11, s + 6, "FA")
    seg(1, 80, 40001, s + 6, c + 12, "FA")
    seg(0, 40001, 80, c + 12, s + 7, "A")

    c, s = 0xFFFFFF00, 0xFFFFFFF0  # 2. sequence numbers wrap
    seg(0, 40002, 80, c, 0, "S", options=MSS)
    seg(1, 80, 40002, s, c + 1, "SA", options=MSS)
    seg(0, 40002, 80, c + 1, s + 1, "A")
    for i in range(4):
        seg(0, 40002, 80, c + 1 + i * 100, s + 1, "PA", payload=b"x" * 100)
        seg(1, 80, 40002, s + 1, c + 1 + (i + 1) * 100, "A")
    seg(1, 80, 40002, s + 1, c + 401, "PA", payload=b"y" * 40)
    seg(0, 40002, 80, c + 401, s + 41, "FA")
    seg(1, 80, 40002, s + 41, c + 402, "FA")
    seg(0, 40002, 80, c + 402, s + 42, "A")

    c, s = 100, 200  # 3. ECN and urgent data
    seg(0, 40003, 80, c, 0, "SEC", options=MSS)
    seg(1, 80, 40003, s, c + 1, "SAE", options=MSS)
    seg(0, 40003, 80, c + 1, s + 1, "A")
    seg(0, 40003, 80, c + 1, s + 1, "PAU", payload=b"urgent!", urgent=7)
    seg(1, 80, 40003, s + 1, c + 8, "AE")
    seg(0, 40003, 80, c + 8, s + 1, "PAC", payload=b"more")
    seg(1, 80, 40003, s + 1, c + 12, "A")
    seg(0, 40003, 80, c + 12, s + 1, "RA")

    c, s = 7000, 9000  # 4. simultaneous open
    seg(0, 40004, 5555, c, 0, "S", options=MSS)
    seg(1, 5555, 40004, s, 0, "S", options=MSS)
    seg(0, 40004, 5555, c, s + 1, "SA", options=MSS)
    seg(1, 5555, 40004, s, c + 1, "SA", options=MSS)
    seg(0, 40004, 5555, c + 1, s + 1, "FA")
    seg(1, 5555, 40004, s + 1, c + 2, "FA")
    seg(0, 40004, 5555, c + 2, s + 2, "A")

    c, s = 50, 60  # 5. window scale 14, zero window, probe, window update, Windows' keep-alive
    seg(0, 40005, 80, c, 0, "S", options=MSS + WSCALE_14)
    seg(1, 80, 40005, s, c + 1, "SA", options=MSS + WSCALE_14)
    seg(0, 40005, 80, c + 1, s + 1, "A", window=4)
    seg(0, 40005, 80, c + 1, s + 1, "PA", window=4, payload=b"z" * 1000)
    seg(1, 80, 40005, s + 1, c + 1001, "A", window=0)
    seg(0, 40005, 80, c + 1001, s + 1, "A", window=4, payload=b"q")
    seg(1, 80, 40005, s + 1, c + 1001, "A", window=0)
    seg(1, 80, 40005, s + 1, c + 1001, "A", window=2)
    seg(0, 40005, 80, c + 1000, s + 1, "A", window=4, payload=b"\0")
    seg(1, 80, 40005, s + 1, c + 1001, "A", window=2)
    seg(0, 40005, 80, c + 1001, s + 1, "RA", window=4)

    c, s = 1000, 5000  # 6. new data from one byte early
    seg(0, 40006, 80, c, 0, "S", options=MSS)
    seg(1, 80, 40006, s, c + 1, "SA", options=MSS)
    seg(0, 40006, 80, c + 1, s + 1, "A")
    seg(0, 40006, 80, c + 1, s + 1, "PA", payload=b"a" * 100)
    seg(0, 40006, 80, c + 100, s + 1, "PA", payload=b"b" * 50)
    seg(1, 80, 40006, s + 1, c + 150, "A")
    seg(0, 40006, 80, c + 150, s + 1, "FA")
    seg(1, 80, 40006, s + 1, c + 151, "FA")
    seg(0, 40006, 80, c + 151, s + 2, "A")

    seg(0, 40007, 80, 10, 0, "S", options=MSS)  # 7. refused, the same SYN again, answered
    seg(1, 80, 40007, 0, 11, "RA")
    seg(0, 40007, 80, 10, 0, "S", options=MSS)
    seg(1, 80, 40007, 77, 11, "SA", options=MSS)
    seg(0, 40007, 80, 11, 78, "A")
    seg(0, 40007, 80, 11, 78, "FA")
    seg(1, 80, 40007, 78, 12, "A")
    seg(1, 80, 40007, 78, 12, "FA")
    seg(0, 40007, 80, 12, 79, "A")

    seg(0, 40008, 80, 500, 0, "S", options=MSS)  # 8. refused, then a new ISN: port reuse
    seg(1, 80, 40008, 0, 501, "RA")
    seg(0, 40008, 80, 900, 0, "S", options=MSS)
    seg(1, 80, 40008, 300, 901, "SA", options=MSS)
    seg(0, 40008, 80, 901, 301, "A")
    seg(0, 40008, 80, 901, 301, "RA")

    seg(0, 40009, 80, 10, 0, "S", options=MSS)  # 9. a SYN and a FIN sent twice at once
    seg(0, 40009, 80, 10, 0, "S", options=MSS)
    seg(1, 80, 40009, 20, 11, "SA", options=MSS)
    seg(0, 40009, 80, 11, 21, "A")
    seg(0, 40009, 80, 11, 21, "FA")
    seg(0, 40009, 80, 11, 21, "FA")
    seg(1, 80, 40009, 21, 12, "FA")
    seg(0, 40009, 80, 12, 22, "A")

    cap.write(path)
    print(f"{path}: {len(cap.frames)} segments", file=sys.stderr)


if __name__ == "__main__":
    main()
