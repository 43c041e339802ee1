# Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
"""Slow clients against a server with a connection cap: many connections that
send their request head a byte a second (and reconnect when closed), and one
legitimate client that must still be served.

Run by hostile_test.py scaled down (400 slow connections, 100 slots). Run
standalone for the full size (4,200 slow connections against the default
4,096 slots):

  python3 examples/hostile/slow_clients.py --proxy build/bin/edgekit-caching-proxy
"""

import argparse
import socket
import sys
import threading
import time

import hostile_lib as lib


class SlowLoris:
    """`count` connections spread over `addresses` source addresses, each
    sending one more byte of an endless request head every `interval` s."""

    def __init__(self, port, count, addresses, interval=1.0):
        self.port = port
        self.addresses = addresses
        self.interval = interval
        self.socks = [None] * count
        self.reconnects = 0
        self.stopping = False
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _open(self, i):
        s = socket.socket()
        s.setblocking(False)
        try:
            s.bind((self.addresses[i % len(self.addresses)], 0))
            s.connect_ex(("127.0.0.1", self.port))
        except OSError:
            s.close()
            return None
        return [s, 0]

    def start(self):
        for i in range(len(self.socks)):
            self.socks[i] = self._open(i)
        self.thread.start()

    def _run(self):
        head = b"GET / HTTP/1.1\r\nHost: slow\r\nX-Slow: "
        while not self.stopping:
            t0 = time.monotonic()
            for i, entry in enumerate(self.socks):
                if self.stopping:
                    break
                if entry is None:
                    self.socks[i] = self._open(i)
                    self.reconnects += 1
                    continue
                s, sent = entry
                byte = head[sent:sent + 1] if sent < len(head) else b"a"
                try:
                    if s.send(byte) == 1:
                        entry[1] = sent + 1
                except BlockingIOError:
                    pass  # still connecting
                except OSError:
                    s.close()  # closed by the server: come back, as an attacker would
                    self.socks[i] = None
            time.sleep(max(0.0, self.interval - (time.monotonic() - t0)))

    def open_count(self):
        return sum(1 for e in self.socks if e is not None)

    def stop(self):
        self.stopping = True
        self.thread.join(5)
        for e in self.socks:
            if e is not None:
                e[0].close()


def legit_requests(port, n, spacing, source="127.0.0.1"):
    """n requests, each on a fresh connection; returns how many got a 200."""
    ok = 0
    for _ in range(n):
        t0 = time.monotonic()
        try:
            r = lib.request(port, "GET", "/p/legit", timeout=5, source=source)
            ok += 1 if r.status == 200 else 0
        except OSError:
            pass
        time.sleep(max(0.0, spacing - (time.monotonic() - t0)))
    return ok


def run(server, slow, addresses, legit, spacing, warmup=3.0):
    """Returns (served, legit, evicted, slow connections open at the end)."""
    loris = SlowLoris(server.port, slow, addresses)
    loris.start()
    time.sleep(warmup)  # let the slow connections fill every slot
    served = legit_requests(server.port, legit, spacing)
    still_open = loris.open_count()
    loris.stop()
    m = server.metrics()
    evicted = m.get('edgekit_proxy_connections_refused_total{listener="main",reason="evicted"}', 0)
    return served, legit, int(evicted), still_open


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--proxy", required=True)
    ap.add_argument("--slow", type=int, default=4200)
    ap.add_argument("--legit", type=int, default=60)
    ap.add_argument("--spacing", type=float, default=0.5)
    args = ap.parse_args()
    print("fd limit:", lib.raise_fd_limit())
    origin = lib.Origin()
    server = lib.Server([args.proxy, "--listen", "127.0.0.1:0", "--origin", origin.url,
                         "--admin-token", lib.Server.ADMIN])
    addresses = ["127.0.0.%d" % i for i in range(2, 32)]
    try:
        rss0 = server.rss_kb()
        t0 = time.monotonic()
        served, legit, evicted, still_open = run(server, args.slow, addresses, args.legit,
                                                  args.spacing, warmup=10.0)
        print("%d slow connections from %d addresses (%d still open at the end), %d evicted;"
              % (args.slow, len(addresses), still_open, evicted))
        print("legitimate client: %d of %d requests served (%.1f%%) over %.0f s; RSS %d → %d kB"
              % (served, legit, 100.0 * served / legit, time.monotonic() - t0, rss0,
                 server.rss_kb()))
        return 0 if served * 100 >= legit * 95 else 1
    finally:
        server.kill()
        origin.stop()


if __name__ == "__main__":
    sys.exit(main())
