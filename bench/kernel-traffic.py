#!/usr/bin/env python3
"""Real kernel TCP traffic of every kind the analysis flags, for bench/make-capture.sh.

  kernel-traffic.py serve ADDR               in one lab namespace
  kernel-traffic.py drive ADDR SECONDS SCALE in the other; stops after SECONDS at the latest
ADDR is IPv4 or IPv6.

Ports: 5001 echo (short connections, port reuse), 5002 sink (bulk, loss is added by the
script's iptables rule), 5003 slow reader (zero window, window full, probes), 5004 reset on
close (SO_LINGER 0), 5005 idle with keepalive on short timers. Everything is bounded by counts
and by SECONDS.
"""
import socket, struct, sys, threading, time

PORTS = {"echo": 5001, "sink": 5002, "slow": 5003, "reset": 5004, "idle": 5005}


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def serve(addr):
    def listener(port, handler):
        s = socket.socket(family(addr))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if port == PORTS["slow"]:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.bind((addr, port))
        s.listen(512)
        while True:
            c, _ = s.accept()
            threading.Thread(target=handler, args=(c,), daemon=True).start()

    def echo(c):
        with c:
            data = c.recv(65536)
            if data:
                c.sendall(data)
            # The server closes first here, so its side holds TIME_WAIT and the client may reuse its port.

    def sink(c):
        with c:
            while c.recv(1 << 20):
                pass

    def slow(c):
        with c:
            while True:
                time.sleep(0.05)
                if not c.recv(512):
                    return

    def reset(c):
        c.recv(65536)
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        c.close()

    def idle(c):
        with c:
            c.recv(1)  # the client never sends: only keepalive probes cross

    for name, handler in (("echo", echo), ("sink", sink), ("slow", slow), ("reset", reset), ("idle", idle)):
        threading.Thread(target=listener, args=(PORTS[name], handler), daemon=True).start()
    while True:
        time.sleep(3600)


def drive(addr, seconds, scale):
    deadline = time.monotonic() + seconds

    def left():
        return deadline - time.monotonic()

    def idle():
        c = socket.create_connection((addr, PORTS["idle"]))
        c.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 1)
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 1)
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, 3)
        time.sleep(min(4, max(0, left())))
        c.close()

    def bulk(n):
        block = bytes(range(256)) * 256
        for _ in range(n):
            if left() <= 0:
                return
            with socket.create_connection((addr, PORTS["sink"]), timeout=30) as c:
                for _ in range(32):
                    c.sendall(block)

    def slow(n):
        for _ in range(n):
            if left() <= 0:
                return
            with socket.create_connection((addr, PORTS["slow"]), timeout=30) as c:
                c.sendall(b"z" * 60000)

    def short(n, reuse_port):
        for i in range(n):
            if left() <= 0:
                return
            c = socket.socket(family(addr))
            c.settimeout(5)
            if reuse_port and i % 4 == 0:
                c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    c.bind(("", reuse_port))
                except OSError:
                    pass
            try:
                c.connect((addr, PORTS["reset" if i % 10 == 9 else "echo"]))
                c.sendall(b"hello %d\n" % i)
                c.recv(100)
            except OSError:
                pass
            finally:
                c.close()

    threads = [threading.Thread(target=idle)]
    threads += [threading.Thread(target=bulk, args=(scale,)) for _ in range(2)]
    threads += [threading.Thread(target=slow, args=(max(1, scale // 4),))]
    threads += [threading.Thread(target=short, args=(scale * 20, 40000 + k)) for k in range(4)]
    for t in threads:
        t.daemon = True
        t.start()
    for t in threads:
        t.join(max(0.1, left() + 1))


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(sys.argv[2])
    else:
        drive(sys.argv[2], float(sys.argv[3]), int(sys.argv[4]))
