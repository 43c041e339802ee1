# Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
"""Pieces of the hostile-traffic suite: a recording origin, the servers under
test as child processes, raw-socket probes, metrics and HS256 tokens.

The origin is written on raw sockets so that it records exactly what reached
it (every request it parsed and every byte), which is how the suite proves that
nothing was smuggled through. It only has to understand what the proxies send
it: requests framed by Content-Length.
"""

import base64
import ctypes
import hashlib
import hmac
import json
import os
import re
import resource
import signal
import socket
import subprocess
import sys
import threading
import time

# -----------------------------------------------------------------------------
# Checks
# -----------------------------------------------------------------------------

failures = []


def check(cond, what):
    print("  %s %s" % ("ok  " if cond else "FAIL", what))
    if not cond:
        failures.append(what)
    return cond


def sanitized(binary):
    """True for a binary built with ASan or TSan: its RSS says nothing about ours
    (shadow memory), so memory bounds are reported, not asserted."""
    with open(binary, "rb") as f:
        data = f.read()
    return b"AddressSanitizer" in data or b"ThreadSanitizer" in data


def check_memory(cond, what, binary):
    if sanitized(binary):
        print("  info %s (sanitizer build: not asserted)" % what)
        return True
    return check(cond, what)


def raise_fd_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


# -----------------------------------------------------------------------------
# The recording origin
# -----------------------------------------------------------------------------

MB = 1024 * 1024


class Origin:
    """A keep-alive HTTP/1.1 origin that records what it receives."""

    def __init__(self):
        self.lock = threading.Lock()
        self.requests = []  # (method, target, {lower-name: value}, body)
        self.raw = bytearray()
        self.disconnect = set()  # paths answered by closing the connection
        self.counts = {}
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1024)
        self.port = self.sock.getsockname()[1]
        self.url = "http://127.0.0.1:%d" % self.port
        self.closing = False
        threading.Thread(target=self._accept, daemon=True).start()

    # What reached the origin.
    def count(self, path):
        with self.lock:
            return self.counts.get(path, 0)

    def saw(self, needle):
        with self.lock:
            return needle.encode() in self.raw or any(needle in r[1] for r in self.requests)

    def last(self, path):
        with self.lock:
            for r in reversed(self.requests):
                if r[1].split("?")[0] == path:
                    return r
        return None

    def stop(self):
        self.closing = True
        self.sock.close()

    def _accept(self):
        while not self.closing:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _recv(self, conn):
        d = conn.recv(65536)
        with self.lock:
            self.raw += d
        return d

    def _serve(self, conn):
        buf = b""
        try:
            conn.settimeout(30)
            while True:
                while b"\r\n\r\n" not in buf:
                    d = self._recv(conn)
                    if not d:
                        return
                    buf += d
                head, buf = buf.split(b"\r\n\r\n", 1)
                lines = head.decode("latin-1").split("\r\n")
                method, target, _ = lines[0].split(" ", 2)
                headers = {}
                for line in lines[1:]:
                    k, v = line.split(":", 1)
                    headers[k.strip().lower()] = v.strip()
                n = int(headers.get("content-length", "0"))
                while len(buf) < n:
                    d = self._recv(conn)
                    if not d:
                        return
                    buf += d
                body, buf = buf[:n], buf[n:]
                path = target.split("?")[0]
                with self.lock:
                    self.requests.append((method, target, headers, body))
                    self.counts[path] = self.counts.get(path, 0) + 1
                    nth = self.counts[path]
                    drop = path in self.disconnect
                if drop:
                    return
                if not self._respond(conn, method, path, headers, body, nth):
                    return
        except (OSError, ValueError):
            return
        finally:
            conn.close()

    @staticmethod
    def _send(conn, status, headers, body=b"", reason="OK"):
        out = "HTTP/1.1 %d %s\r\n" % (status, reason)
        for k, v in headers:
            out += "%s: %s\r\n" % (k, v)
        out += "Content-Length: %d\r\n\r\n" % len(body)
        conn.sendall(out.encode("latin-1") + body)
        return True

    def _respond(self, conn, method, path, headers, body, nth):
        send = lambda *a, **k: self._send(conn, *a, **k)
        cc = lambda v: [("Cache-Control", v)]
        if path in ("/", "/home", "/echo/home", "/evil") or path.startswith("/p/"):
            return send(200, cc("max-age=300"), b"genuine %s" % path.encode())
        if path == "/stream-slow":  # streaming: the first bytes, a pause, the rest
            size = 2 * MB
            conn.sendall(b"HTTP/1.1 200 OK\r\nCache-Control: max-age=300\r\n"
                         b"Content-Length: %d\r\n\r\n" % size + b"s" * 65536)
            time.sleep(1.0)
            conn.sendall(b"s" * (size - 65536))
            return True
        if path in ("/pass-500m", "/pass-500m-chunked"):  # streams through, too large to store
            chunk = b"p" * MB
            if path == "/pass-500m":
                conn.sendall(b"HTTP/1.1 200 OK\r\nCache-Control: max-age=300\r\n"
                             b"Content-Length: %d\r\n\r\n" % (500 * MB))
                for _ in range(500):
                    conn.sendall(chunk)
            else:
                conn.sendall(b"HTTP/1.1 200 OK\r\nCache-Control: max-age=300\r\n"
                             b"Transfer-Encoding: chunked\r\n\r\n")
                framed = b"%x\r\n%s\r\n" % (MB, chunk)
                for _ in range(500):
                    conn.sendall(framed)
                conn.sendall(b"0\r\n\r\n")
            return True
        if path in ("/1k", "/100k"):  # bench_threads.py's hit objects
            size = 1024 if path == "/1k" else 100 * 1024
            return send(200, cc("max-age=86400"), b"k" * size)
        if path == "/echo":
            return send(200, cc("no-store"), body)
        if path == "/big20m":
            return send(200, cc("no-store"), b"x" * (20 * MB))
        if path == "/big20m-close":
            conn.sendall(b"HTTP/1.1 200 OK\r\n\r\n" + b"x" * (20 * MB))
            return False
        if path == "/big8m":
            return send(200, cc("max-age=300"), b"y" * (8 * MB))
        if path == "/huge-cl":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % (500 * MB))
            conn.sendall(b"z" * MB)
            time.sleep(3)
            return False
        if path == "/huge-chunked":
            conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
            chunk = b"%x\r\n%s\r\n" % (MB, b"c" * MB)
            for _ in range(30):
                conn.sendall(chunk)
            conn.sendall(b"0\r\n\r\n")
            return False
        raw = {
            "/trailer-bomb": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                             b"5\r\nhello\r\n0\r\nX-Big: " + b"t" * 70000 + b"\r\n\r\n",
            "/obs-fold": b"HTTP/1.1 200 OK\r\nX-A: a\r\n b\r\nContent-Length: 2\r\n\r\nok",
            "/cl-te": b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n"
                      b"2\r\nok\r\n0\r\n\r\n",
            "/two-cl": b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok!",
            "/nul-field": b"HTTP/1.1 200 OK\r\nX-A: a\x00b\r\nContent-Length: 2\r\n\r\nok",
            "/split-response": b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                               b"HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nsmuggled",
            "/early-hints": b"HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n"
                            b"HTTP/1.1 200 OK\r\nCache-Control: no-store\r\n"
                            b"Content-Length: 2\r\n\r\nok",
        }.get(path)
        if raw is not None:
            conn.sendall(raw)
            return False
        stale = {
            "/stale-ok": "max-age=1",
            "/stale-mr": "max-age=1, must-revalidate",
            "/stale-pr": "max-age=1, proxy-revalidate",
            "/stale-nc": "max-age=1, no-cache",
            "/stale-sm": "max-age=1, s-maxage=1",
        }.get(path)
        if stale is not None:
            return send(200, cc(stale) + [("ETag", '"v1"')], b"stored %s" % path.encode())
        if path == "/cdn-quoted":
            return send(200, cc("no-store") + [("CDN-Cache-Control", 'max-age="10000"')],
                        b"cdn-%d" % nth)
        if path == "/private":
            who = headers.get("x-edgekit-subject", "nobody")
            return send(200, cc("max-age=60"), b"secret of %s" % who.encode())
        if path == "/public":
            return send(200, cc("public, max-age=60"), b"public page %d" % nth)
        if path.startswith("/.edgekit/"):
            return send(200, cc("no-store"), b"origin admin page")
        return send(404, cc("no-store"), b"no such path\n", "Not Found")


# -----------------------------------------------------------------------------
# The servers under test
# -----------------------------------------------------------------------------

def _die_with_parent():
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class Server:
    """edgekit-caching-proxy or edgekit-gateway on 127.0.0.1:0."""

    ADMIN = "hostile-admin-token"

    def __init__(self, argv):
        self.argv = argv
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=sys.stderr,
                                     preexec_fn=_die_with_parent, text=True)
        self.admin_port = None
        line = self.proc.stdout.readline()
        if "listening on" not in line:
            self.kill()
            raise RuntimeError("server did not start: %r (%s)" % (line, argv))
        self.port = int(line.split("listening on ")[1].split(",")[0].rsplit(":", 1)[1])
        if "--admin-listen" in argv:
            line = self.proc.stdout.readline()
            self.admin_port = int(line.split("listening on ")[1].split()[0].rsplit(":", 1)[1])

    def rss_kb(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def metrics(self, token=None):
        """The samples of /metrics (admin listener) or /.edgekit/metrics,
        {'name{labels}': value}, checked by parse_prometheus."""
        port = self.admin_port or self.port
        r = request(port, "GET", "/metrics" if self.admin_port else "/.edgekit/metrics",
                    {"X-Edgekit-Admin-Token": token or self.ADMIN})
        return parse_prometheus(r.body.decode())

    def alive(self):
        return self.proc.poll() is None

    def kill(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


SAMPLE_LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-zA-Z_][a-zA-Z0-9_]*="[^"]*"'
                         r'(,[a-zA-Z_][a-zA-Z0-9_]*="[^"]*")*\})? (\S+)$')


def parse_prometheus(text, problems=None):
    """Parses Prometheus text format 0.0.4 into {'name{labels}': value}.
    Records in `problems` (a list) every line that breaks the format: a sample
    line that does not parse, a family whose HELP or TYPE is missing or
    repeated, or whose samples are not contiguous."""
    problems = [] if problems is None else problems
    out = {}
    typed, helped, seen, last = set(), set(), set(), None
    for line in text.splitlines():
        if line.startswith("# HELP ") or line.startswith("# TYPE "):
            kind, name = line.split(" ", 3)[1:3]
            which = helped if kind == "HELP" else typed
            if name in which:
                problems.append("second %s for %s" % (kind, name))
            which.add(name)
            continue
        m = SAMPLE_LINE.match(line)
        if not m:
            problems.append("bad line %r" % line)
            continue
        family = re.sub(r"_(bucket|sum|count)$", "", m.group(1))
        if family not in typed and m.group(1) not in typed:
            problems.append("sample before its TYPE: %r" % line)
        if family != last and family in seen:
            problems.append("family %s not contiguous" % family)
        seen.add(family)
        last = family
        out[m.group(1) + (m.group(2) or "")] = float(m.group(4))
    return out


# -----------------------------------------------------------------------------
# Raw HTTP
# -----------------------------------------------------------------------------

class Response:
    def __init__(self):
        self.status = None
        self.headers = {}
        self.body = b""
        self.raw = b""
        self.closed = False  # the server closed the connection after it
        self.interim = []    # 1xx status codes seen before it


class Reader:
    """Reads responses from a socket, keeping bytes of the next one."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def read(self, timeout=5.0, head_request=False):
        return read_response(self.sock, timeout, head_request, self)


def read_response(sock, timeout=5.0, head_request=False, reader=None):
    """Reads one response (and any 1xx before it) from sock; None on timeout/EOF."""
    sock.settimeout(timeout)
    buf = reader.buf if reader else b""
    r = Response()
    try:
        while True:
            while b"\r\n\r\n" not in buf:
                d = sock.recv(65536)
                if not d:
                    r.raw = buf
                    r.closed = True
                    return r if r.status else None
                buf += d
            head, buf = buf.split(b"\r\n\r\n", 1)
            lines = head.decode("latin-1").split("\r\n")
            status = int(lines[0].split(" ")[1])
            headers = {}
            for line in lines[1:]:
                k, v = line.split(":", 1)
                headers[k.strip().lower()] = v.strip()
            if 100 <= status < 200:
                r.interim.append(status)
                continue
            r.status = status
            r.headers = headers
            n = 0 if head_request else int(headers.get("content-length", "0"))
            while len(buf) < n:
                d = sock.recv(65536)
                if not d:
                    break
                buf += d
            r.body = buf[:n]
            r.raw = head + b"\r\n\r\n" + buf[:n]
            if reader:
                reader.buf = buf[n:]
            return r
    except (socket.timeout, OSError):
        return r if r.status else None


def probe(port, data, timeout=5.0, close_wait=1.0, source=None):
    """Sends raw bytes, reads one response, then tells whether the server closed."""
    sock = socket.socket()
    if source:
        sock.bind((source, 0))
    sock.connect(("127.0.0.1", port))
    try:
        sock.sendall(data)
    except OSError:
        pass
    r = read_response(sock, timeout)
    if r is not None and not r.closed:
        sock.settimeout(close_wait)
        try:
            r.closed = sock.recv(1) == b""
        except socket.timeout:
            r.closed = False
        except OSError:
            r.closed = True
    sock.close()
    return r


def request(port, method, target, headers=None, body=b"", timeout=10.0, source=None):
    h = {"Host": "127.0.0.1:%d" % port}
    h.update(headers or {})
    data = "%s %s HTTP/1.1\r\n" % (method, target)
    for k, v in h.items():
        data += "%s: %s\r\n" % (k, v)
    if body:
        data += "Content-Length: %d\r\n" % len(body)
    data = data.encode("latin-1") + b"\r\n" + body
    sock = socket.socket()
    if source:
        sock.bind((source, 0))
    sock.connect(("127.0.0.1", port))
    sock.sendall(data)
    r = read_response(sock, timeout, head_request=method == "HEAD")
    sock.close()
    if r is None:
        r = Response()
    return r


# -----------------------------------------------------------------------------
# HS256 tokens for the gateway
# -----------------------------------------------------------------------------

def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Tokens:
    def __init__(self, directory):
        self.secret = os.urandom(32)
        self.jwks_path = os.path.join(directory, "jwks.json")
        with open(self.jwks_path, "w") as f:
            json.dump({"keys": [{"kty": "oct", "kid": "k1", "alg": "HS256",
                                 "k": b64url(self.secret)}]}, f)

    def token(self, sub=None, tier=None, client_id=None):
        now = int(time.time())
        claims = {"iat": now, "exp": now + 600}
        if sub is not None:
            claims["sub"] = sub
        if tier is not None:
            claims["tier"] = tier
        if client_id is not None:
            claims["client_id"] = client_id
        head = b64url(json.dumps({"alg": "HS256", "typ": "JWT", "kid": "k1"}).encode())
        body = b64url(json.dumps(claims).encode())
        mac = hmac.new(self.secret, ("%s.%s" % (head, body)).encode(), hashlib.sha256).digest()
        return "%s.%s.%s" % (head, body, b64url(mac))
