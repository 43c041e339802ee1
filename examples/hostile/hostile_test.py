#!/usr/bin/env python3
# Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
"""Hostile-traffic suite for edgekit-caching-proxy and edgekit-gateway.

Raw-socket probes, as an attacker would send them, against both servers in
front of a recording origin (hostile_lib.Origin). For each probe the suite
asserts the exact answer (status, and that the connection is closed where the
framing can no longer be trusted), that the origin never received a smuggled
request, and that the cache holds nothing it should not. Then: body limits on
both sides, response splitting, 1xx forwarding, stale-on-error and its
forbidding directives, CDN-Cache-Control typing, timeouts, slow clients against
a connection cap, the admin listener, and the gateway's identity model.

Real time is waited for only where it is the subject (timeouts, a max-age=1
response going stale). Every server dies with this process.

usage: hostile_test.py --proxy PATH --gateway PATH
"""

import argparse
import os
import secrets
import socket
import sys
import tempfile
import threading
import time

import hostile_lib as lib
import slow_clients
from hostile_lib import MB, check

SMUGGLED = b"GET /smuggled HTTP/1.1\r\nHost: h\r\n\r\n"


def req(first, headers=(), body=b"", auth=b""):
    out = first.encode() + b"\r\n"
    for h in headers:
        out += (h.encode("latin-1") if isinstance(h, str) else h) + b"\r\n"
    return out + auth + b"\r\n" + body


def matrix_cases(auth=b""):
    """(label, request bytes, expected status): each is answered with that
    status and the connection closed. `auth` adds an Authorization line."""
    H = "Host: h"
    te_post = lambda te: req("POST /echo HTTP/1.1", [H, "Transfer-Encoding: " + te],
                             b"0\r\n\r\n" + SMUGGLED, auth)
    chunked = lambda body: req("POST /echo HTTP/1.1", [H, "Transfer-Encoding: chunked"], body,
                               auth)
    cases = [
        # Cache poisoning through Host (the key must never see these).
        ("Host: h# on /evil", req("GET /evil HTTP/1.1", ["Host: h#"], auth=auth), 400),
        ("Host: h/echo on /home", req("GET /home HTTP/1.1", ["Host: h/echo"], auth=auth), 400),
        ("no Host in HTTP/1.1", req("GET / HTTP/1.1", [], auth=auth), 400),
        ("two Host lines", req("GET / HTTP/1.1", [H, H], auth=auth), 400),
        ("two different Hosts", req("GET / HTTP/1.1", [H, "Host: evil"], auth=auth), 400),
        ("empty Host", req("GET / HTTP/1.1", ["Host: "], auth=auth), 400),
        ("Host port over 65535", req("GET / HTTP/1.1", ["Host: h:99999"], auth=auth), 400),
        ("Host [::1 unclosed", req("GET / HTTP/1.1", ["Host: [::1"], auth=auth), 400),
        ("Host with a space", req("GET / HTTP/1.1", ["Host: a b"], auth=auth), 400),
        ("Host with userinfo", req("GET / HTTP/1.1", ["Host: u@h"], auth=auth), 400),
        ("absolute-form authority h#",
         req("GET http://h#/x HTTP/1.1", [H], auth=auth), 400),
        # Transfer-Encoding whose final coding is not chunked (RFC 9112 §6.3).
        ("TE gzip", te_post("gzip"), 400),
        ("TE identity", te_post("identity"), 400),
        ("TE xchunked", te_post("xchunked"), 400),
        ("TE empty", te_post(""), 400),
        ("TE chunked, identity", te_post("chunked, identity"), 400),
        ("TE chunked, chunked", te_post("chunked, chunked"), 400),
        ("TE chunked twice on two lines",
         req("POST /echo HTTP/1.1", [H, "Transfer-Encoding: chunked", "Transfer-Encoding: chunked"],
             b"0\r\n\r\n" + SMUGGLED, auth), 400),
        ("TE.TE chunked + cow",
         req("POST /echo HTTP/1.1", [H, "Transfer-Encoding: chunked", "Transfer-Encoding: cow"],
             b"0\r\n\r\n" + SMUGGLED, auth), 400),
        ("TE gzip, chunked (unsupported coding)", te_post("gzip, chunked"), 501),
        ("TE with a space before the colon",
         req("POST /echo HTTP/1.1", [H, "Transfer-Encoding : chunked"], b"0\r\n\r\n" + SMUGGLED,
             auth), 400),
        ("TE folded (obs-fold)",
         req("POST /echo HTTP/1.1", [H, "Transfer-Encoding: gzip", " chunked"],
             b"0\r\n\r\n" + SMUGGLED, auth), 400),
        ("TE with a vertical tab", te_post("\x0bchunked"), 400),
        ("TE in HTTP/1.0",
         req("POST /echo HTTP/1.0", [H, "Transfer-Encoding: chunked"], b"0\r\n\r\n" + SMUGGLED,
             auth), 400),
        # CL.TE / TE.CL.
        ("CL.TE", req("POST /echo HTTP/1.1", [H, "Content-Length: 6", "Transfer-Encoding: chunked"],
                      b"0\r\n\r\nG" + SMUGGLED, auth), 400),
        ("TE.CL", req("POST /echo HTTP/1.1", [H, "Transfer-Encoding: chunked", "Content-Length: 3"],
                      b"8\r\nSMUGGLED\r\n0\r\n\r\n", auth), 400),
        # Content-Length.
        ("differing Content-Lengths",
         req("POST /echo HTTP/1.1", [H, "Content-Length: 4", "Content-Length: 40"],
             b"abcd" + SMUGGLED, auth), 400),
        ("Content-Length list 4, 40",
         req("POST /echo HTTP/1.1", [H, "Content-Length: 4, 40"], b"abcd" + SMUGGLED, auth), 400),
        ("Content-Length +4", req("POST /echo HTTP/1.1", [H, "Content-Length: +4"], b"abcd",
                                  auth), 400),
        ("Content-Length -1", req("POST /echo HTTP/1.1", [H, "Content-Length: -1"], b"", auth),
         400),
        ("Content-Length 0x4", req("POST /echo HTTP/1.1", [H, "Content-Length: 0x4"], b"abcd",
                                   auth), 400),
        # Field syntax.
        ("obs-fold", req("GET / HTTP/1.1", [H, "X-A: a", " b"], auth=auth), 400),
        ("NUL in a value", req("GET / HTTP/1.1", [H, b"X-A: a\x00b"], auth=auth), 400),
        ("CR in a value", req("GET / HTTP/1.1", [H, b"X-A: a\rb"], auth=auth), 400),
        ("bare LF line ending", b"GET / HTTP/1.1\nHost: h\n" + auth + b"\n", 400),
        ("space before the colon", req("GET / HTTP/1.1", [H, "X-A : b"], auth=auth), 400),
        # Chunk lines.
        ("chunk size x", chunked(b"x\r\n"), 400),
        ("chunk size -1", chunked(b"-1\r\n"), 400),
        ("chunk size with 17 leading zeros", chunked(b"0" * 17 + b"5\r\nhello\r\n0\r\n\r\n"), 400),
        ("chunk size with trailing space", chunked(b"5 \r\nhello\r\n0\r\n\r\n"), 400),
        ("chunk extension of 2 KB", chunked(b"5;e=" + b"x" * 2000 + b"\r\nhello\r\n0\r\n\r\n"),
         400),
        ("chunk data without CRLF", chunked(b"5\r\nhelloXX0\r\n\r\n"), 400),
        ("chunk size over the body limit", chunked(b"ffffffffffff\r\n"), 413),
        ("trailer field of 70 KB",
         chunked(b"5\r\nhello\r\n0\r\nX-T: " + b"t" * 70000 + b"\r\n\r\n"), 400),
        # Request line and header limits.
        ("request-line of 10 KB", req("GET /" + "a" * 10000 + " HTTP/1.1", [H], auth=auth), 414),
        ("200 header fields", req("GET / HTTP/1.1", [H] + ["X-%d: 1" % i for i in range(200)],
                                  auth=auth), 431),
        ("70 KB header field", req("GET / HTTP/1.1", [H, "X-A: " + "a" * 70000], auth=auth),
         431),
        ("method G(T", req("G(T / HTTP/1.1", [H], auth=auth), 400),
        ("HTTP/2.0 request-line", req("GET / HTTP/2.0", [H], auth=auth), 505),
        ("fragment in the target", req("GET /a#b HTTP/1.1", [H], auth=auth), 400),
        ("space in the target", req("GET /a b HTTP/1.1", [H], auth=auth), 400),
        ("non-ASCII target", req("GET /caf\xe9 HTTP/1.1", [H], auth=auth), 400),
        ("Expect: other", req("GET / HTTP/1.1", [H, "Expect: tea"], auth=auth), 417),
    ]
    return cases


def wire_matrix(name, server, origin, auth=b""):
    """The malformed-request matrix against `server`, then pipelining and the
    cache content."""
    H = "Host: h"
    for label, data, status in matrix_cases(auth):
        r = lib.probe(server.port, data)
        got = (r.status, r.closed) if r else (None, None)
        check(r is not None and r.status == status and r.closed,
              "%s: %s → %d and close (got %s)" % (name, label, status, got))
    check(not origin.saw("/smuggled"), "%s: the origin never received a smuggled request" % name)
    check(not origin.saw("/evil") and not origin.saw("SMUGGLED"),
          "%s: the origin received none of the refused requests" % name)

    # Pipelining still works: two requests in one write, then a malformed one.
    data = (req("GET /p/one HTTP/1.1", [H], auth=auth) + req("GET /p/two HTTP/1.1", [H], auth=auth)
            + req("GET / HTTP/1.1", ["Host: h#"], auth=auth))
    sock = socket.create_connection(("127.0.0.1", server.port))
    sock.sendall(data)
    reader = lib.Reader(sock)
    r1, r2, r3 = (reader.read() for _ in range(3))
    sock.close()
    check(r1 and r2 and r3 and (r1.body, r2.body, r3.status) == (b"genuine /p/one",
                                                                   b"genuine /p/two", 400),
          "%s: pipelined requests answered in order; the malformed third one 400" % name)
    # The key of / still holds the origin's page, nothing an attacker sent.
    r = lib.probe(server.port, req("GET / HTTP/1.1", [H], auth=auth))
    r = lib.probe(server.port, req("GET / HTTP/1.1", [H], auth=auth))
    check(r and r.status == 200 and r.body == b"genuine /" and "hit" in r.headers.get(
        "cache-status", ""), "%s: GET / is the origin's page, from the cache" % name)


def proxy_limits(binary, origin):
    print("body limits, origin framing, response splitting (proxy, --max-body-bytes and "
          "--max-response-bytes 1 MB)")
    p = lib.Server([binary, "--listen", "127.0.0.1:0", "--origin", origin.url, "--admin-token",
                    lib.Server.ADMIN, "--max-body-bytes", str(MB), "--max-response-bytes",
                    str(MB), "--max-buffered-body-bytes",
                    str(3 * 900000 + 1000)])
    try:
        r = lib.probe(p.port, req("POST /echo HTTP/1.1", ["Host: h", "Content-Length: %d" % (2 * MB)]))
        check(r and r.status == 413 and r.closed, "Content-Length over the limit → 413 at once")
        body = b"".join(b"%x\r\n%s\r\n" % (65536, b"u" * 65536) for _ in range(24)) + b"0\r\n\r\n"
        r = lib.probe(p.port, req("POST /echo HTTP/1.1", ["Host: h", "Transfer-Encoding: chunked"],
                                  body))
        check(r and r.status == 413, "chunked upload over the limit → 413")
        # Chunked uploads count against --max-buffered-body-bytes.
        held = []
        for _ in range(3):
            s = socket.create_connection(("127.0.0.1", p.port))
            s.sendall(b"POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                      b"%x\r\n%s\r\n" % (900000, b"v" * 900000))
            held.append(s)
        time.sleep(0.5)
        r = lib.probe(p.port, req("POST /echo HTTP/1.1", ["Host: h", "Transfer-Encoding: chunked"],
                                  b"%x\r\n%s\r\n0\r\n\r\n" % (900000, b"w" * 900000)))
        check(r and r.status == 503, "chunked uploads beyond --max-buffered-body-bytes → 503")
        for s in held:
            s.close()
        codes = [lib.request(p.port, "GET", "/big20m").status for _ in range(5)]
        check(codes == [502] * 5, "5 × 20 MB origin bodies, head and body in one write, "
              "Content-Length over --max-response-bytes → 502 (%s)" % codes)
        # Without a Content-Length the head is on its way before the limit is
        # reached: the client's connection is cut, the message never completes.
        cut = [read_body_streaming(p.port, "/big20m-close") for _ in range(5)]
        check(all(c[0] == 200 and c[1] < 2 * MB and not c[5] for c in cut),
              "5 × 20 MB close-delimited origin bodies: cut at the limit, never whole (%s)"
              % [c[1] for c in cut])
        t0 = time.monotonic()
        r = lib.request(p.port, "GET", "/huge-cl")
        check(r.status == 502 and time.monotonic() - t0 < 2.5,
              "origin Content-Length of 500 MB → 502 at once, not read whole")
        for path in ("/obs-fold", "/cl-te", "/two-cl", "/nul-field"):
            r = lib.request(p.port, "GET", path)
            check(r.status == 502, "origin %s (a bad head) → 502" % path)
        for path in ("/huge-chunked", "/trailer-bomb"):
            # A good head, then a body over the limits: once bytes were
            # forwarded the client's connection is cut before the message
            # completes; if it fails before any was sent, a 502.
            c = read_body_streaming(p.port, path)
            check((c[0] == 200 and not c[5] and c[1] < 2 * MB) or c[0] == 502,
                  "origin %s (the body over the limits) → cut, never complete, or 502 (%s)"
                  % (path, c[:2]))
        r = lib.request(p.port, "GET", "/split-response")
        r2 = lib.request(p.port, "GET", "/p/after-split")
        check(r.body == b"ok" and r2.body == b"genuine /p/after-split",
              "bytes after an origin response never become the next response")
        m = p.metrics()
        check(m.get('edgekit_proxy_internal_errors_total{listener="main"}') == 0 and p.alive(),
              "no exception reached the event loop (internal errors 0), still serving")
        check(m.get('edgekit_proxy_origin_errors_total{kind="too_large"}', 0) >= 3,
              "oversize origin bodies counted")
        lib.check_memory(p.rss_kb() < 64 * 1024, "RSS after all of that: %d kB (< 64 MB)"
                         % p.rss_kb(), binary)
    finally:
        p.kill()


def proxy_conformance(binary, origin):
    print("1xx, stale on an unreachable origin, CDN-Cache-Control typing (waits 1.3 s)")
    p = lib.Server([binary, "--listen", "127.0.0.1:0", "--origin", origin.url])
    strict = lib.Server([binary, "--listen", "127.0.0.1:0", "--origin", origin.url,
                         "--stale-on-error", "0"])
    try:
        r = lib.request(p.port, "GET", "/early-hints")
        check(r.interim == [103] and r.status == 200 and r.body == b"ok",
              "103 Early Hints forwarded before the 200 (RFC 9110 §15.2)")
        paths = ["/stale-ok", "/stale-mr", "/stale-pr", "/stale-nc", "/stale-sm"]
        for path in paths:
            lib.request(p.port, "GET", path)
        lib.request(strict.port, "GET", "/stale-ok")
        time.sleep(1.3)
        origin.disconnect.update(paths)
        r = lib.request(p.port, "GET", "/stale-ok")
        check(r.status == 200 and r.body == b"stored /stale-ok" and "fwd-status=502" in
              r.headers.get("cache-status", ""),
              "origin closes without answering → the stale response (RFC 9111 §4.2.4)")
        for path, directive in zip(paths[1:], ["must-revalidate", "proxy-revalidate", "no-cache",
                                                "s-maxage"]):
            r = lib.request(p.port, "GET", path)
            check(r.status == 502, "... but not with %s → 502 (RFC 9111 §5.2.2)" % directive)
        r = lib.request(strict.port, "GET", "/stale-ok")
        check(r.status == 502, "--stale-on-error 0: 502")
        origin.disconnect.difference_update(paths)
        lib.request(p.port, "GET", "/cdn-quoted")
        r = lib.request(p.port, "GET", "/cdn-quoted")
        check(r.body == b"cdn-2" and origin.count("/cdn-quoted") == 2,
              'CDN-Cache-Control: max-age="10000" is invalid; Cache-Control: no-store rules '
              "(RFC 9213 §2.1)")
    finally:
        p.kill()
        strict.kill()


def proxy_connections(binary, origin):
    print("timeouts, per-address cap, slow readers (waits a few seconds)")
    p = lib.Server([binary, "--listen", "127.0.0.1:0", "--origin", origin.url, "--admin-token",
                    lib.Server.ADMIN, "--header-timeout", "1", "--idle-timeout", "1",
                    "--send-timeout", "2", "--max-connections-per-address", "50"])
    try:
        s = socket.create_connection(("127.0.0.1", p.port))
        s.sendall(b"GET / HTTP/1.1\r\nHost: h\r\n")
        t0 = time.monotonic()
        s.setblocking(False)
        got = b""
        elapsed = None
        while time.monotonic() - t0 < 4 and elapsed is None:
            try:
                s.send(b"X")  # a header byte every 100 ms: never a complete head
            except OSError:
                break
            time.sleep(0.1)
            try:
                d = s.recv(4096)
                if not d:
                    break
                got += d
                if got.startswith(b"HTTP/1.1 408"):
                    elapsed = time.monotonic() - t0
            except BlockingIOError:
                pass
        elapsed = elapsed or 99.0
        s.close()
        check(got.startswith(b"HTTP/1.1 408") and 0.8 < elapsed < 2.5,
              "a head trickling in is cut at the header deadline: 408 after %.1f s" % elapsed)
        s = socket.create_connection(("127.0.0.1", p.port))
        s.sendall(b"GET /p/idle HTTP/1.1\r\nHost: h\r\n\r\n")
        r = lib.read_response(s)
        t0 = time.monotonic()
        s.settimeout(4)
        closed = s.recv(1) == b""
        check(r.status == 200 and closed and time.monotonic() - t0 < 2.5,
              "an idle keep-alive connection is closed after --idle-timeout")
        s.close()
        socks = []
        for _ in range(60):
            s = socket.socket()
            s.bind(("127.0.0.50", 0))
            s.connect(("127.0.0.1", p.port))
            socks.append(s)
        time.sleep(0.3)
        refused = 0
        for s in socks:
            s.setblocking(False)
            try:
                refused += 1 if s.recv(1) == b"" else 0
            except BlockingIOError:
                pass
            except OSError:
                refused += 1
        check(refused == 10, "61st..: per-address cap of 50 refuses exactly 10 of 60 (%d)"
              % refused)
        for s in socks:
            s.close()
        # 100 clients that never read a cached 8 MB object: they hold a
        # reference to the stored body, not a copy, until the send timeout.
        lib.request(p.port, "GET", "/big8m")
        rss0 = p.rss_kb()
        readers = []
        for i in range(100):
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.bind(("127.0.0.%d" % (60 + i % 4), 0))  # under the per-address cap
            s.connect(("127.0.0.1", p.port))
            s.sendall(b"GET /big8m HTTP/1.1\r\nHost: h\r\n\r\n")
            readers.append(s)
        time.sleep(1.0)
        grown = p.rss_kb() - rss0
        lib.check_memory(grown < 64 * 1024, "100 clients not reading an 8 MB hit: RSS grew %d kB "
                         "(< 64 MB)" % grown, binary)
        send_timeouts = 0
        for _ in range(40):  # the 2 s send timeout runs from each one's last progress
            time.sleep(0.25)
            send_timeouts = p.metrics().get('edgekit_proxy_timeouts_total{listener="main",kind="send"}', 0)
            if send_timeouts >= 100:
                break
        check(send_timeouts == 100, "... and the send timeout closed them (%d)" % send_timeouts)
        for s in readers:
            s.close()
    finally:
        p.kill()

    print("slow connections against a connection cap (400 slow, 100 slots; ~10 s)")
    p = lib.Server([binary, "--listen", "127.0.0.1:0", "--origin", origin.url, "--admin-token",
                    lib.Server.ADMIN, "--max-connections", "100",
                    "--max-connections-per-address", "50", "--header-timeout", "60"])
    try:
        addresses = ["127.0.0.%d" % i for i in range(2, 22)]
        served, legit, evicted, still = slow_clients.run(p, 400, addresses, 40, 0.1)
        check(served * 100 >= legit * 95,
              "%d of %d legitimate requests served while 400 connections trickle (%d evicted)"
              % (served, legit, evicted))
        check(evicted > 0, "slow connections were evicted to make room")
    finally:
        p.kill()


def proxy_admin(binary, origin):
    print("admin on its own listener, token in a header only, failures rate-limited")
    p = lib.Server([binary, "--listen", "127.0.0.1:0", "--origin", origin.url, "--admin-token",
                    lib.Server.ADMIN, "--admin-listen", "127.0.0.1:0"])
    try:
        tok = {"X-Edgekit-Admin-Token": lib.Server.ADMIN}
        r = lib.request(p.port, "POST", "/.edgekit/purge-all", tok)
        check(r.body == b"origin admin page" and origin.count("/.edgekit/purge-all") == 1,
              "/.edgekit/ on the main listener is proxied like any path")
        lib.request(p.port, "GET", "/p/purge-me")
        r = lib.request(p.admin_port, "POST", "/.edgekit/purge?url=/p/purge-me&host=127.0.0.1:%d"
                        % p.port, tok)
        check(r.status == 200 and r.body == b"purged 1\n", "purge on the admin listener")
        r = lib.request(p.admin_port, "POST", "/.edgekit/purge-all?token=" + lib.Server.ADMIN)
        check(r.status == 401, "a token in the query string is not a token")
        wrong = {"X-Edgekit-Admin-Token": "guess"}
        got = [lib.request(p.admin_port, "POST", "/.edgekit/purge-all", wrong,
                           source="127.0.0.7").status for _ in range(6)]
        check(got == [401] * 5 + [429], "5 failures per address, then 429 (%s)" % got)
        r = lib.request(p.admin_port, "POST", "/.edgekit/purge-all", tok, source="127.0.0.7")
        check(r.status == 429 and r.headers.get("retry-after", "").isdigit(),
              "... even with the right token, with Retry-After")
        r = lib.request(p.admin_port, "POST", "/.edgekit/purge-all", tok, source="127.0.0.8")
        check(r.status == 200, "another address is not affected")
        m = p.metrics()
        check(m.get("edgekit_proxy_admin_failures_total") == 6 and
              m.get("edgekit_proxy_admin_throttled_total") == 2, "admin failures counted")
    finally:
        p.kill()


def read_body_streaming(port, path, rss_of=None, pace=None):
    """GETs `path` on a raw socket and reads the whole body, counting bytes
    instead of keeping them. Returns (status, body bytes, seconds to the
    first body byte, seconds in all, peak RSS of `rss_of` sampled while
    reading, whether the message completed). `pace`: seconds to sleep per MB
    read (a slow reader)."""
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(60)
    t0 = time.monotonic()
    s.sendall(b"GET %s HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n" % path.encode())
    buf = b""
    while b"\r\n\r\n" not in buf:
        d = s.recv(65536)
        if not d:
            return 0, 0, None, time.monotonic() - t0, 0, False
        buf += d
    head, rest = buf.split(b"\r\n\r\n", 1)
    status = int(head.split(b" ", 2)[1])
    chunked = b"transfer-encoding: chunked" in head.lower()
    length = None
    for line in head.split(b"\r\n")[1:]:
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    first = time.monotonic() - t0 if rest else None
    got, peak, next_sample, raw = len(rest), 0, 0, rest[-16:] if chunked else b""
    complete = False
    while not (chunked and raw.endswith(b"0\r\n\r\n")):
        d = s.recv(1 << 20)
        if not d:
            break
        if first is None:
            first = time.monotonic() - t0
        got += len(d)
        if chunked:
            raw = (raw + d)[-16:]  # enough to see the last-chunk
        if rss_of is not None and got >= next_sample:
            peak = max(peak, rss_of.rss_kb())
            next_sample = got + 8 * lib.MB
        if pace:
            time.sleep(pace * len(d) / lib.MB)
    s.close()
    if chunked:
        complete = raw.endswith(b"0\r\n\r\n")
    elif length is not None:
        complete = got == length
    # Chunked: `got` counts the framing too.
    return status, got, first, time.monotonic() - t0, peak, complete


def proxy_streaming(binary, origin):
    """Issue 14 item 3: misses stream to the client while they are stored,
    collapsed followers read the object as it fills, bodies too large to
    store pass through with flat memory."""
    print("streaming: misses, collapsed followers, 500 MB pass-through")
    p = lib.Server([binary, "--listen", "127.0.0.1:0", "--origin", origin.url, "--admin-token",
                    lib.Server.ADMIN])
    try:
        results = {}

        def fetch(name):
            results[name] = read_body_streaming(p.port, "/stream-slow")

        leader = threading.Thread(target=fetch, args=("leader",))
        leader.start()
        time.sleep(0.3)
        follower = threading.Thread(target=fetch, args=("follower",))
        follower.start()
        leader.join(30)
        follower.join(30)
        for name in ("leader", "follower"):
            status, got, first, total, _, complete = results[name]
            check(status == 200 and got == 2 * lib.MB and complete,
                  "%s: 200 with all 2 MB (%d)" % (name, got))
            check(first is not None and first < 0.9 and total >= 0.6,
                  "%s: the first bytes arrive before the origin's last (%.2f s of %.2f s)"
                  % (name, first if first is not None else -1, total))
        check(origin.count("/stream-slow") == 1, "one origin request for leader and follower (%d)"
              % origin.count("/stream-slow"))
        status, got, first, total, _, complete = read_body_streaming(p.port, "/stream-slow")
        check(status == 200 and got == 2 * lib.MB and complete and
              origin.count("/stream-slow") == 1,
              "then a hit, whole (%d bytes)" % got)
        m = p.metrics()
        check(m.get("edgekit_cache_stores_total") == 1, "stored once")

        for path in ("/pass-500m", "/pass-500m-chunked"):
            rss0 = p.rss_kb()
            status, got, first, total, peak, complete = read_body_streaming(p.port, path, rss_of=p)
            check(status == 200 and got >= 500 * lib.MB and complete,
                  "%s: a 500 MB origin body passes through (%d bytes in %.1f s)"
                  % (path, got, total))
            lib.check_memory(peak - rss0 < 64 * 1024, "%s: RSS flat while it streams (%d → peak "
                             "%d kB)" % (path, rss0, peak), binary)
        rss0 = p.rss_kb()
        status, got, first, total, peak, complete = read_body_streaming(
            p.port, "/pass-500m", rss_of=p, pace=0.004)
        check(status == 200 and got == 500 * lib.MB and complete,
              "a slow reader gets all 500 MB too")
        lib.check_memory(peak - rss0 < 64 * 1024, "... and the proxy does not buffer ahead of it "
                         "(%d → peak %d kB)" % (rss0, peak), binary)
        check(m.get("edgekit_cache_entries", 0) <= 1 and p.alive(), "nothing too large was stored")
    finally:
        p.kill()


def metrics_scrape(proxy_binary, gateway_binary, origin, tmp):
    """GET /metrics on the admin listener: the library's Prometheus writer
    over every component (docs/observability.md), well-formed, with values
    that match the traffic just sent."""
    print("metrics: /metrics on the admin listener")
    p = lib.Server([proxy_binary, "--listen", "127.0.0.1:0", "--origin", origin.url,
                    "--admin-token", lib.Server.ADMIN, "--admin-listen", "127.0.0.1:0"])
    try:
        bodies = [lib.request(p.port, "GET", "/p/metered").body for _ in range(3)]
        check(bodies == [b"genuine /p/metered"] * 3, "three requests for one object")
        r = lib.request(p.admin_port, "GET", "/metrics", {"Authorization": "Bearer " +
                                                          lib.Server.ADMIN})
        check(r.status == 200 and r.headers.get("content-type") ==
              "text/plain; version=0.0.4; charset=utf-8", "GET /metrics → 200, text format 0.0.4")
        problems = []
        m = lib.parse_prometheus(r.body.decode(), problems)
        check(not problems, "the exposition is well-formed (%s)" % problems[:3])
        expect = {
            "edgekit_proxy_requests_total": 3,
            'edgekit_proxy_responses_total{class="2xx"}': 3,
            "edgekit_proxy_served_from_cache_total": 2,
            "edgekit_proxy_origin_requests_total": 1,
            "edgekit_cache_hits_total": 2,
            'edgekit_cache_misses_total{reason="uri_miss"}': 1,
            "edgekit_cache_stores_total": 1,
            "edgekit_cache_entries": 1,
            'edgekit_proxy_connections_accepted_total{listener="main"}': 3,
            'edgekit_proxy_connections_active{listener="admin"}': 1,
        }
        for series, value in expect.items():
            check(m.get(series) == value, "%s = %s (got %s)" % (series, value, m.get(series)))
        check(0 < m.get("edgekit_cache_bytes", 0) < 4096, "edgekit_cache_bytes counts one small "
              "object (%s)" % m.get("edgekit_cache_bytes"))
        r = lib.request(p.admin_port, "GET", "/metrics")
        check(r.status == 401, "/metrics without the admin token → 401")
        r = lib.request(p.port, "GET", "/metrics")
        check(r.status == 404 and origin.count("/metrics") == 1,
              "/metrics on the main listener is the site's path (proxied)")
    finally:
        p.kill()
    tokens = lib.Tokens(tmp)
    g = lib.Server([gateway_binary, "--listen", "127.0.0.1:0", "--jwks", tokens.jwks_path,
                    "--stable", origin.url, "--tier", "free=2/10", "--admin-token",
                    lib.Server.ADMIN, "--admin-listen", "127.0.0.1:0"])
    try:
        bearer = {"Authorization": "Bearer " + tokens.token("mallory")}
        codes = [lib.request(g.port, "GET", "/p/gw-metered", bearer).status for _ in range(3)]
        codes.append(lib.request(g.port, "GET", "/p/gw-metered").status)
        check(codes == [200, 200, 429, 401], "gateway: 2 allowed, 1 limited, 1 without a token "
              "(%s)" % codes)
        problems = []
        r = lib.request(g.admin_port, "GET", "/metrics", {"X-Edgekit-Admin-Token":
                                                          lib.Server.ADMIN})
        m = lib.parse_prometheus(r.body.decode(), problems)
        check(r.status == 200 and not problems, "gateway: /metrics well-formed (%s)"
              % problems[:3])
        expect = {
            "edgekit_gateway_requests_total": 4,
            "edgekit_gateway_auth_missing_total": 1,
            'edgekit_gateway_token_verdicts_total{verdict="ok"}': 3,
            'edgekit_gateway_rate_limit_decisions_total{tier="free",outcome="allowed"}': 2,
            'edgekit_gateway_rate_limit_decisions_total{tier="free",outcome="limited"}': 1,
            'edgekit_gateway_upstream_requests_total{cohort="stable"}': 1,
            'edgekit_breaker_state{breaker="stable",state="closed"}': 1,
            "edgekit_proxy_requests_total": 2,
            "edgekit_cache_hits_total": 1,
        }
        for series, value in expect.items():
            check(m.get(series) == value, "gateway: %s = %s (got %s)"
                  % (series, value, m.get(series)))
        check(any(k.startswith("edgekit_ratelimit_decisions_total{tier=\"free\"") for k in m),
              "gateway: the free tier's keyed limiter reports through the writer")
    finally:
        g.kill()


def gateway_suite(binary, origin, tmp):
    tokens = lib.Tokens(tmp)
    common = [binary, "--listen", "127.0.0.1:0", "--jwks", tokens.jwks_path, "--stable",
              origin.url, "--tier", "free=20/10", "--tier", "pro=200/10",
              "--api-key", "kpro=pro@alice", "--api-key", "kfree=free@bob", "--admin-token",
              lib.Server.ADMIN]
    g = lib.Server(common)
    by_address = lib.Server(common + ["--unknown-api-keys", "limit-by-address"])
    alice, bob, carol = tokens.token("alice"), tokens.token("bob"), tokens.token("carol")
    bearer = lambda t: {"Authorization": "Bearer " + t}
    try:
        print("gateway: the malformed-request matrix")
        wire_matrix("gateway", g, origin, auth=b"Authorization: Bearer " + alice.encode() + b"\r\n")
        r = lib.request(g.port, "GET", "/early-hints", bearer(alice))
        check(r.interim == [103] and r.status == 200, "gateway: 103 Early Hints forwarded")

        print("gateway: identity")
        codes = [lib.request(g.port, "GET", "/p/q", dict(bearer(carol),
                                                          **{"X-Api-Key": secrets.token_hex(8)}))
                 .status for _ in range(30)]
        check(codes == [401] * 30, "30 random API keys: all refused (401), no fresh quota")
        codes = [lib.request(by_address.port, "GET", "/p/q",
                             dict(bearer(carol), **{"X-Api-Key": secrets.token_hex(8)})).status
                 for _ in range(40)]
        check(20 <= codes.count(200) <= 22 and codes.count(429) == 40 - codes.count(200),
              "--unknown-api-keys limit-by-address: 40 random keys share one free quota "
              "(%d allowed)" % codes.count(200))
        r = lib.request(g.port, "GET", "/p/q", dict(bearer(bob), **{"X-Api-Key": "kpro"}))
        check(r.status == 403, "a free user presenting alice's premium key → 403")
        codes = [lib.request(g.port, "GET", "/p/bob", bearer(bob)).status for _ in range(30)]
        check(20 <= codes.count(200) <= 22, "bob keeps the free limits (%d of 30 allowed)"
              % codes.count(200))
        codes = [lib.request(g.port, "GET", "/p/alice", dict(bearer(alice), **{"X-Api-Key": "kpro"}))
                 .status for _ in range(30)]
        check(codes.count(200) == 30, "alice's own premium key: premium limits")
        r = lib.request(g.port, "GET", "/p/q", bearer(tokens.token(client_id="svc-1")))
        check(r.status == 200, "a token with client_id and no sub is identified by client_id")
        r = lib.request(g.port, "GET", "/p/q", bearer(tokens.token()))
        check(r.status == 401, "a token with neither sub nor client_id → 401")

        print("gateway: per-user responses are cached per user, public ones shared")
        dave, erin = tokens.token("dave", tier="pro"), tokens.token("erin", tier="pro")
        a1 = lib.request(g.port, "GET", "/private", bearer(dave))
        b1 = lib.request(g.port, "GET", "/private", dict(bearer(erin),
                                                          **{"X-Edgekit-Subject": "dave"}))
        a2 = lib.request(g.port, "GET", "/private", bearer(dave))
        b2 = lib.request(g.port, "GET", "/private", bearer(erin))
        check(a1.body == b"secret of dave" and a2.body == b"secret of dave",
              "dave gets his private response (then from the cache)")
        check(b1.body == b"secret of erin" and b2.body == b"secret of erin",
              "erin never receives dave's, even claiming to be dave")
        check(origin.count("/private") == 2, "one origin fetch per user")
        p1 = lib.request(g.port, "GET", "/public", bearer(dave))
        p2 = lib.request(g.port, "GET", "/public", bearer(erin))
        check(p1.body == p2.body == b"public page 1" and origin.count("/public") == 1,
              "a public response is shared")
        check(origin.last("/private")[2].get("authorization") is None and
              origin.last("/private")[2].get("x-api-key") is None,
              "credentials are not forwarded upstream")
        check(g.alive() and by_address.alive(), "gateways still alive")
    finally:
        g.kill()
        by_address.kill()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--proxy", required=True)
    ap.add_argument("--gateway", required=True)
    args = ap.parse_args()
    lib.raise_fd_limit()
    start = time.monotonic()
    origin = lib.Origin()
    proxy = lib.Server([os.path.abspath(args.proxy), "--listen", "127.0.0.1:0", "--origin",
                        origin.url, "--admin-token", lib.Server.ADMIN])
    try:
        print("proxy: the malformed-request matrix")
        before = proxy.metrics()
        wire_matrix("proxy", proxy, origin)
        m = proxy.metrics()
        BAD = 'edgekit_proxy_bad_requests_total{listener="main"}'
        check(m.get("edgekit_cache_entries", -1) == 3,
              "proxy: the cache holds /, /p/one and /p/two only (%s)"
              % m.get("edgekit_cache_entries"))
        check(m.get(BAD, 0) - before.get(BAD, 0) >= 50,
              "refusals counted by reason (edgekit_proxy_malformed_requests_total)")
        proxy.kill()
        proxy_limits(os.path.abspath(args.proxy), origin)
        proxy_conformance(os.path.abspath(args.proxy), origin)
        proxy_admin(os.path.abspath(args.proxy), origin)
        proxy_streaming(os.path.abspath(args.proxy), origin)
        proxy_connections(os.path.abspath(args.proxy), origin)
        with tempfile.TemporaryDirectory() as tmp:
            metrics_scrape(os.path.abspath(args.proxy), os.path.abspath(args.gateway), origin,
                           tmp)
            gateway_suite(os.path.abspath(args.gateway), origin, tmp)
    finally:
        proxy.kill()
        origin.stop()
    print("%d failure(s) in %.1f s" % (len(lib.failures), time.monotonic() - start))
    return 1 if lib.failures else 0


if __name__ == "__main__":
    sys.exit(main())
