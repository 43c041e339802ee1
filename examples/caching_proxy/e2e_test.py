#!/usr/bin/env python3
# Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
"""End-to-end test of edgekit-caching-proxy over real HTTP on loopback.

Starts a small test origin (in this process, on a free 127.0.0.1 port) and
the proxy in front of it, then checks through the proxy: hit / miss, Age and
Cache-Status, revalidation with a 304 merged, stale-while-revalidate with the
background refresh, stale-if-error, invalidation after POST, purge by
surrogate key through the admin endpoint, request collapsing, hop-by-hop
fields, extension methods, HEAD, big bodies, only-if-cached, Date added, and
502/504 for a dead or slow origin.

Real time is only waited for where it is the subject (a max-age=1 response
going stale). The proxy processes are killed on every exit path (and die
with this process: PR_SET_PDEATHSIG).

usage: e2e_test.py --proxy PATH/TO/edgekit-caching-proxy
"""

import argparse
import http.client
import http.server
import os
import random
import signal
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "hostile"))
from hostile_lib import Server  # noqa: E402  (the process handling both suites share)

ADMIN_TOKEN = "s3cret-admin"


# -----------------------------------------------------------------------------
# Test origin
# -----------------------------------------------------------------------------

class Origin:
    def __init__(self):
        self.lock = threading.Lock()
        self.counts = {}
        self.last_headers = {}
        self.last_method = {}
        self.fail = set()  # paths that answer 500
        origin = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _count(self):
                path = self.path.split("?")[0]
                with origin.lock:
                    origin.counts[path] = origin.counts.get(path, 0) + 1
                    origin.last_headers[path] = self.headers
                    origin.last_method[path] = self.command
                    return path, origin.counts[path]

            def _send(self, status, headers, body=b"", date=True):
                if date:
                    self.send_response(status)
                else:
                    self.send_response_only(status)
                for k, v in headers:
                    self.send_header(k, v)
                if status not in (204, 304):
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD" and status not in (204, 304):
                    self.wfile.write(body)

            def _read_body(self):
                n = int(self.headers.get("Content-Length", "0") or "0")
                return self.rfile.read(n) if n else b""

            def handle_any(self):
                body_in = self._read_body()
                path, n = self._count()
                if path in origin.fail:
                    return self._send(500, [("Content-Type", "text/plain")], b"origin broken\n")
                if path == "/hit" or path == "/inval":
                    return self._send(200, [("Cache-Control", "max-age=100"),
                                            ("Content-Type", "text/plain")],
                                      b"%s-%d" % (path.encode(), n))
                if path == "/surrogate":
                    return self._send(200, [("Cache-Control", "no-store"),
                                            ("Surrogate-Control", "max-age=100;e2e, no-store;other"),
                                            ("Set-Cookie", "s=%d" % n), ("Age", "5")],
                                      b"surrogate-%d" % n)
                if path == "/nostore":
                    return self._send(200, [("Cache-Control", "no-store")], b"nostore-%d" % n)
                if path == "/reval":
                    if self.headers.get("If-None-Match") == '"v1"':
                        return self._send(304, [("ETag", '"v1"'), ("Cache-Control", "no-cache"),
                                                ("X-Revalidated", str(n))])
                    return self._send(200, [("ETag", '"v1"'), ("Cache-Control", "no-cache")],
                                      b"reval-body")
                if path == "/swr":
                    return self._send(200, [("Cache-Control",
                                             "max-age=1, stale-while-revalidate=30")],
                                      b"swr-%d" % n)
                if path == "/sie":
                    return self._send(200, [("Cache-Control", "max-age=1, stale-if-error=60")],
                                      b"sie-%d" % n)
                if path == "/tagged":
                    return self._send(200, [("Cache-Control", "max-age=100"),
                                            ("Surrogate-Key", "t1 t2")], b"tagged-%d" % n)
                if path == "/collapse":
                    time.sleep(0.5)
                    return self._send(200, [("Cache-Control", "max-age=100")], b"collapse-%d" % n)
                if path == "/slow":
                    time.sleep(2)
                    return self._send(200, [], b"slow")
                if path == "/big":
                    return self._send(200, [("Cache-Control", "max-age=100")],
                                      b"x" * (5 * 1024 * 1024))
                if path == "/echo":
                    return self._send(200, [("X-Method", self.command)], body_in)
                if path == "/nodate":
                    return self._send(200, [("Cache-Control", "no-store")], b"nodate", date=False)
                if path == "/hop":
                    return self._send(200, [("Cache-Control", "no-store"),
                                            ("Connection", "X-Private-Hop"),
                                            ("X-Private-Hop", "secret")], b"hop")
                if path == "/garbage":
                    self.close_connection = True
                    self.wfile.write(b"THIS IS NOT HTTP\r\n\r\n")
                    return None
                raw = {
                    "/close-delimited": b"HTTP/1.1 200 OK\r\nCache-Control: max-age=100\r\n"
                                        b"Connection: close\r\n\r\nbody-until-close",
                    "/chunked": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
                    "/early-hints": b"HTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\n"
                                    b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
                    "/status599": b"HTTP/1.1 599 Custom Thing\r\nContent-Length: 3\r\n\r\nodd",
                }.get(path)
                if raw is not None:
                    self.close_connection = True
                    self.wfile.write(raw)
                    return None
                if path == "/nocontent":
                    return self._send(204, [("X-Empty", "1")])
                if path == "/truncated":
                    self.close_connection = True
                    self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort")
                    return None
                return self._send(404, [], b"no such path\n")

            do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_FROB = do_OPTIONS = handle_any

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def count(self, path):
        with self.lock:
            return self.counts.get(path, 0)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


# -----------------------------------------------------------------------------
# Proxy processes
# -----------------------------------------------------------------------------

def Proxy(binary, origin_url, *extra):
    return Server([binary, "--listen", "127.0.0.1:0", "--origin", origin_url, *extra])


# -----------------------------------------------------------------------------
# Checks
# -----------------------------------------------------------------------------

failures = []


def check(cond, what):
    if cond:
        print("  ok   %s" % what)
    else:
        print("  FAIL %s" % what)
        failures.append(what)


class Client:
    def __init__(self, port):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)

    def request(self, method, path, body=None, headers=None):
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=headers or {})
                r = self.conn.getresponse()
                data = r.read()
                return r.status, {k.lower(): v for k, v in r.getheaders()}, data
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                if attempt == 1:
                    raise
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)


def raw_exchange(port, data):
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        try:
            sock.sendall(data)
        except OSError:
            pass
        try:
            return sock.recv(65536)
        except OSError:
            return b""


def raw_until_close(port, data):
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(data)
        out = b""
        while True:
            try:
                d = sock.recv(65536)
            except OSError:
                break
            if not d:
                break
            out += d
        return out


def wait_for(pred, timeout=3.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.02)
    return pred()


def run(binary):
    origin = Origin()
    proxies = []
    try:
        origin_url = "http://127.0.0.1:%d" % origin.port
        proxy = Proxy(binary, origin_url, "--admin-token", ADMIN_TOKEN, "--cache-name", "e2e")
        proxies.append(proxy)
        c = Client(proxy.port)

        print("miss then hit")
        s, h, b = c.get("/hit")
        check(s == 200 and b == b"/hit-1", "first GET /hit comes from the origin")
        check("fwd=" in h.get("cache-status", ""), "miss has Cache-Status with fwd=")
        check(h.get("via", "").endswith("e2e"), "Via names the proxy")
        s, h, b = c.get("/hit")
        check(s == 200 and b == b"/hit-1", "second GET /hit served the stored body")
        check(origin.count("/hit") == 1, "origin saw /hit once")
        check("hit" in h.get("cache-status", ""), "hit has Cache-Status hit")
        check("age" in h and h["age"].isdigit(), "hit has an Age field")
        s, h, b = c.request("HEAD", "/hit")
        check(s == 200 and b == b"" and h.get("content-length") == str(len(b"/hit-1")),
              "HEAD answered from the stored GET with its Content-Length")
        check(origin.count("/hit") == 1, "HEAD did not reach the origin")
        s, h, b = c.request("GET", "/hit", headers={"Range": "bytes=1-3"})
        check(s == 206 and b == b"hit" and h.get("content-range") == "bytes 1-3/6",
              "Range on a stored 200 → 206 with one range (RFC 9110 §14.2)")
        s, h, b = c.request("GET", "/hit", headers={"Range": "bytes=-2"})
        check(s == 206 and b == b"-1", "suffix range")
        s, h, b = c.request("GET", "/hit", headers={"Range": "bytes=9-"})
        check(s == 416 and h.get("content-range") == "bytes */6", "unsatisfiable range → 416")
        s, h, b = c.request("GET", "/hit", headers={"Range": "bytes=0-1, 3-4"})
        check(s == 200 and b == b"/hit-1", "several ranges: the full 200 (allowed by §14.2)")
        s, h, b = c.request("GET", "/hit", headers={"Range": "bytes=0-1", "If-Range": '"other"'})
        check(s == 200 and b == b"/hit-1", "If-Range that does not match: the full 200")
        check(origin.count("/hit") == 1, "ranges were served from storage")

        print("Surrogate-Control, Set-Cookie and Age on the fetching response")
        s, h, b = c.get("/surrogate")
        sh = origin.last_headers.get("/surrogate")
        check(sh is not None and sh.get("Surrogate-Capability") == 'e2e="Surrogate/1.0"',
              "Surrogate-Capability announces the proxy's device token upstream")
        check(b == b"surrogate-1" and h.get("set-cookie") == "s=1" and h.get("age") == "5",
              "the fetching client gets the origin's Set-Cookie and Age")
        check("surrogate-control" not in h, "Surrogate-Control is not sent downstream")
        s, h, b = c.get("/surrogate")
        check(b == b"surrogate-1" and origin.count("/surrogate") == 1,
              "Surrogate-Control max-age targeted at the proxy overrides Cache-Control: no-store")
        check(h.get("set-cookie") == "s=1" and "surrogate-control" not in h,
              "stored with Set-Cookie (--set-cookie store), still without Surrogate-Control")

        print("not storable")
        c.get("/nostore")
        s, h, b = c.get("/nostore")
        check(b == b"nostore-2" and origin.count("/nostore") == 2, "no-store goes to the origin")

        print("revalidation")
        s, h, b = c.get("/reval")
        check(s == 200 and b == b"reval-body", "first GET /reval")
        s, h, b = c.get("/reval")
        hdrs = origin.last_headers.get("/reval")
        check(hdrs is not None and hdrs.get("If-None-Match") == '"v1"',
              "revalidation sent If-None-Match from the stored ETag")
        check(s == 200 and b == b"reval-body", "304 merged: client got the stored 200 body")
        check(h.get("x-revalidated") == "2", "304's fields updated the stored response")
        check(origin.count("/reval") == 2, "origin saw the conditional request")
        s, h, b = c.get("/reval", {"If-None-Match": '"v1"'})
        check(s == 304 and b == b"", "client's own If-None-Match answered 304")

        print("collapsing")
        results = []

        def fetch():
            cc = Client(proxy.port)
            results.append(cc.get("/collapse"))
        threads = [threading.Thread(target=fetch) for _ in range(10)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        check(len(results) == 10 and all(r[0] == 200 and r[2] == b"collapse-1" for r in results),
              "10 concurrent misses all got the one response")
        check(origin.count("/collapse") == 1, "origin saw 1 request for 10 concurrent misses")

        print("stale-while-revalidate and stale-if-error (waits 1.5 s of real time)")
        c.get("/swr")
        c.get("/sie")
        time.sleep(1.5)
        origin.fail.add("/sie")
        t0 = time.monotonic()
        s, h, b = c.get("/swr")
        check(s == 200 and b == b"swr-1", "stale response served within stale-while-revalidate")
        check(time.monotonic() - t0 < 1.0, "stale response served without waiting for the origin")
        check(wait_for(lambda: origin.count("/swr") == 2), "background revalidation reached origin")
        ok = wait_for(lambda: c.get("/swr")[2] == b"swr-2")
        check(ok, "next request gets the refreshed response")
        check(origin.count("/swr") == 2, "only one background revalidation")
        s, h, b = c.get("/sie")
        check(s == 200 and b == b"sie-1", "origin 500 → stale served within stale-if-error")
        origin.fail.discard("/sie")

        print("invalidation after POST")
        c.get("/inval")
        c.get("/inval")
        check(origin.count("/inval") == 1, "GET /inval cached")
        s, h, b = c.request("POST", "/inval", body=b"data",
                            headers={"Content-Type": "text/plain"})
        check(s == 200 and origin.count("/inval") == 2, "POST forwarded")
        s, h, b = c.get("/inval")
        check(origin.count("/inval") == 3 and b == b"/inval-3", "GET after POST went to origin")

        print("purge by surrogate key through the admin endpoint")
        c.get("/tagged")
        s, h, b = c.get("/tagged")
        check(origin.count("/tagged") == 1, "tagged response cached")
        check("surrogate-key" not in h, "Surrogate-Key not served downstream")
        s, h, b = c.request("POST", "/.edgekit/purge?tag=t1")
        check(s == 401, "admin endpoint needs the token")
        s, h, b = c.request("POST", "/.edgekit/purge?tag=t1",
                            headers={"Authorization": "Bearer " + ADMIN_TOKEN})
        check(s == 200 and b.strip() == b"purged 1", "purge by tag purged 1 (%r)" % b)
        s, h, b = c.get("/tagged")
        check(b == b"tagged-2" and origin.count("/tagged") == 2, "after purge: origin again")
        s, h, b = c.request("POST", "/.edgekit/purge?url=/hit",
                            headers={"X-Edgekit-Admin-Token": ADMIN_TOKEN})
        check(s == 200 and b.strip() == b"purged 1", "purge by URL (%r)" % b)
        s, h, b = c.get("/hit")
        check(origin.count("/hit") == 2, "after URL purge: origin again")
        s, h, b = c.get("/.edgekit/metrics", {"Authorization": "Bearer " + ADMIN_TOKEN})
        check(s == 200 and b"edgekit_cache_hits_total" in b, "metrics in Prometheus text")

        print("forwarding")
        s, h, b = c.request("FROB", "/echo", body=b"payload")
        check(s == 200 and h.get("x-method") == "FROB" and b == b"payload",
              "extension method forwarded with its body")
        big = b"y" * (3 * 1024 * 1024)
        s, h, b = c.request("PUT", "/echo", body=big)
        check(s == 200 and b == big, "3 MiB request body forwarded and echoed")
        s, h, b = c.get("/big")
        check(s == 200 and len(b) == 5 * 1024 * 1024, "5 MiB response forwarded")
        s, h, b = c.get("/big")
        check(len(b) == 5 * 1024 * 1024 and origin.count("/big") == 1, "5 MiB response cached")
        s, h, b = c.get("/hop", {"Connection": "X-Client-Hop", "X-Client-Hop": "1",
                                 "Keep-Alive": "timeout=5"})
        oh = origin.last_headers.get("/hop")
        check(oh is not None and "X-Client-Hop" not in oh and "Keep-Alive" not in oh,
              "Connection-listed request fields not forwarded")
        check(oh is not None and "e2e" in (oh.get("Via") or ""), "Via added to the request")
        check("x-private-hop" not in h, "Connection-listed response fields not forwarded")
        s, h, b = c.get("/nodate")
        check(s == 200 and "date" in h, "Date added when the origin sent none")
        s, h, b = c.get("/never-stored", {"Cache-Control": "only-if-cached"})
        check(s == 504 and origin.count("/never-stored") == 0, "only-if-cached miss → 504")

        s, h, b = c.get("/.edgekit/metrics", {"Authorization": "Bearer " + ADMIN_TOKEN})
        reused = [l for l in b.decode().splitlines()
                  if l.startswith("edgekit_proxy_origin_connections_reused_total ")]
        check(reused and int(reused[0].split()[1]) > 0, "origin connections kept alive and reused")

        print("origin framing")
        s, h, b = c.get("/close-delimited")
        check(s == 200 and b == b"body-until-close", "close-delimited origin body forwarded")
        s, h, b = c.get("/close-delimited")
        check(b == b"body-until-close" and origin.count("/close-delimited") == 1 and
              h.get("content-length") == "16", "close-delimited response cached (the hit has "
              "its Content-Length)")
        s, h, b = c.get("/chunked")
        check(s == 200 and b == b"hello world" and h.get("transfer-encoding") == "chunked",
              "chunked origin body streamed on, chunked (its length is not known in advance)")
        raw = raw_until_close(proxy.port, b"GET /early-hints HTTP/1.1\r\nHost: x\r\n"
                                          b"Connection: close\r\n\r\n")
        check(raw.startswith(b"HTTP/1.1 103 Early Hints\r\n") and b"Link: </s.css>" in raw
              and b"\r\n\r\nHTTP/1.1 200 OK\r\n" in raw and raw.endswith(b"ok"),
              "103 Early Hints forwarded before the final response (RFC 9110 §15.2)")
        raw = raw_until_close(proxy.port, b"GET /early-hints HTTP/1.0\r\nHost: x\r\n\r\n")
        check(raw.startswith(b"HTTP/1.1 200 OK\r\n") and raw.endswith(b"ok"),
              "no 1xx sent to an HTTP/1.0 client")
        s, h, b = c.get("/status599")
        check(s == 599 and b == b"odd", "unknown status code forwarded")
        s, h, b = c.get("/nocontent")
        check(s == 204 and b == b"" and h.get("x-empty") == "1", "204 forwarded without a body")
        c.conn.request("POST", "/echo", body=iter([b"chunk-one,", b"chunk-two"]),
                       encode_chunked=True, headers={"Transfer-Encoding": "chunked"})
        r = c.conn.getresponse()
        check(r.status == 200 and r.read() == b"chunk-one,chunk-two",
              "chunked request body forwarded")

        with socket.create_connection(("127.0.0.1", proxy.port), timeout=5) as sock:
            sock.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
                         b"Expect: 100-continue\r\nConnection: close\r\n\r\n")
            interim = sock.recv(4096)
            sock.sendall(b"abcd")
            final = b""
            while True:
                d = sock.recv(65536)
                if not d:
                    break
                final += d
        check(interim.startswith(b"HTTP/1.1 100") and final.startswith(b"HTTP/1.1 200")
              and final.endswith(b"abcd"), "Expect: 100-continue answered, then the body forwarded")

        s, h, b = c.request("TRACE", "/trace", headers={"Max-Forwards": "0", "X-Probe": "1"})
        check(s == 200 and b"X-Probe: 1" in b and origin.count("/trace") == 0,
              "TRACE with Max-Forwards: 0 answered by the proxy")
        s, h, b = c.request("OPTIONS", "/echo", headers={"Max-Forwards": "5"})
        oh = origin.last_headers.get("/echo")
        check(s == 200 and oh is not None and oh.get("Max-Forwards") == "4",
              "OPTIONS forwarded with Max-Forwards decremented")

        print("bad clients")
        check(raw_exchange(proxy.port, b"GARBAGE\r\n\r\n").startswith(b"HTTP/1.1 400"),
              "malformed request line → 400")
        huge = b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 100000 + b"\r\n\r\n"
        check(raw_exchange(proxy.port, huge).startswith(b"HTTP/1.1 431"), "huge header → 431")
        s, h, b = c.get("/hit")
        check(s == 200, "proxy still serves after bad clients")

        print("bad origins")
        s, h, b = c.get("/garbage")
        check(s == 502, "origin answering garbage → 502")
        # The head is forwarded as it arrives (streaming): a body the origin
        # cuts short cuts the client's connection, never a complete message.
        try:
            s, h, b = c.get("/truncated")
            check(False, "origin closing mid-body → client connection cut (got %d, %d bytes)"
                  % (s, len(b)))
        except http.client.IncompleteRead:
            check(True, "origin closing mid-body → client connection cut, message incomplete")
        c = Client(proxy.port)
        dead_sock = socket.socket()
        dead_sock.bind(("127.0.0.1", 0))
        dead_port = dead_sock.getsockname()[1]
        dead_sock.close()  # nothing listens there now
        dead = Proxy(binary, "http://127.0.0.1:%d" % dead_port,
                     "--max-buffered-body-bytes", "1000")
        proxies.append(dead)
        s, h, b = Client(dead.port).get("/x")
        check(s == 502 and b"origin" in b, "dead origin → 502 with a clear body")
        s, h, b = Client(dead.port).request("PUT", "/x", body=b"z" * 2000)
        check(s == 503, "request bodies over the global buffer budget → 503")
        slow = Proxy(binary, origin_url, "--origin-timeout", "0.5")
        proxies.append(slow)
        t0 = time.monotonic()
        s, h, b = Client(slow.port).get("/slow")
        check(s == 504 and time.monotonic() - t0 < 1.8, "slow origin → 504 after the timeout")
        s, h, b = Client(slow.port).get("/hit")
        check(s == 200, "proxy still serves after the timeout")

        print("concurrent revalidations under failing and recovering origins (8 s of real time)")
        # Background revalidations (stale-while-revalidate) and stale-if-error
        # fetches overlap while the origin fails and recovers: origin streams
        # are cancelled while their reads complete. The proxy once crashed
        # here (a read handler ran after a cancel had released its connection).
        # A proxy of its own: its cache starts cold, so misses collapse too.
        busy = Proxy(binary, origin_url)
        proxies.append(busy)
        stop = time.monotonic() + 8.0
        errors = []
        rng = random.Random(7)

        def hammer(seed):
            local = random.Random(seed)
            cc = Client(busy.port)
            while time.monotonic() < stop:
                try:
                    cc.get(local.choice(["/swr", "/sie", "/sie", "/swr", "/hit", "/reval"]))
                except Exception as e:  # noqa: BLE001 (any failure is the finding)
                    errors.append(repr(e))
                    return
                time.sleep(local.random() * 0.05)

        def flip():
            while time.monotonic() < stop:
                origin.fail.add("/sie")
                time.sleep(0.2)
                origin.fail.discard("/sie")
                time.sleep(0.2)
        workers = [threading.Thread(target=hammer, args=(rng.random(),)) for _ in range(12)]
        workers.append(threading.Thread(target=flip))
        for t in workers:
            t.start()
        for t in workers:
            t.join()
        check(not errors and busy.proc.poll() is None,
              "proxy up through overlapping revalidations (%s)" % (errors[:1] or "no errors"))

        for p in proxies:
            check(p.proc.poll() is None, "proxy process still alive")
    finally:
        codes = [p.kill() for p in proxies]
        origin.stop()
    check(all(code in (0, -signal.SIGTERM) for code in codes),
          "proxies exited cleanly on SIGTERM (%s)" % codes)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--proxy", required=True)
    args = ap.parse_args()
    start = time.monotonic()
    run(os.path.abspath(args.proxy))
    print("%d failure(s) in %.1f s" % (len(failures), time.monotonic() - start))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
