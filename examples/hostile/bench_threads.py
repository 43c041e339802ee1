#!/usr/bin/env python3
# Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
"""Cache-hit throughput of edgekit-caching-proxy with 1 and 2 event-loop
threads, beside Debian's nginx as a caching reverse proxy with 1 and 2
workers, each in front of its own origin. Every configuration serves one
cached object (1 KB by default) to `wrk -t2 -c64 --latency` on loopback; the
configurations run in interleaved rounds and the table shows the median of
the rounds: requests per second, p99 latency, and server CPU per request
(user + system time of the server's process or processes / requests).

Informational, not a test: the machine is shared, so only ratios measured in
one run mean anything. Needs wrk and nginx (Debian: wrk, nginx-light).

usage: bench_threads.py --proxy PATH/TO/edgekit-caching-proxy
                        [--rounds 5] [--seconds 3] [--path /1k]
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import hostile_lib as lib
from compare_nginx import NGINX_CONF, free_port

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """User + system time of `pid` and its child processes (nginx's workers)."""
    total = 0
    pids = [pid]
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            pids += [int(c) for c in f.read().split()]
    except OSError:
        pass
    for p in pids:
        try:
            with open("/proc/%d/stat" % p) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except OSError:
            pass
    return total / TICKS


def wrk(port, path, seconds):
    out = subprocess.run(["wrk", "-t2", "-c64", "-d%ds" % seconds, "--latency",
                          "http://127.0.0.1:%d%s" % (port, path)],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    scale = {"us": 1e-3, "ms": 1.0, "s": 1e3}[p99.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)", out)
    return rps, float(p99.group(1)) * scale, errors.group(0) if errors else ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--proxy", required=True)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--seconds", type=int, default=3)
    ap.add_argument("--path", default="/1k")
    args = ap.parse_args()
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not shutil.which("wrk") or not os.path.exists(nginx):
        print("needs wrk and nginx (Debian: apt-get install wrk nginx-light)")
        return 2
    lib.raise_fd_limit()
    servers = {}  # label -> (port, pid)
    procs = []
    origins = []
    tmp = tempfile.TemporaryDirectory()
    os.chmod(tmp.name, 0o755)  # nginx's workers run as an unprivileged user
    try:
        for threads in (1, 2):
            origin = lib.Origin()
            origins.append(origin)
            s = lib.Server([os.path.abspath(args.proxy), "--listen", "127.0.0.1:0", "--origin",
                            origin.url, "--threads", str(threads)])
            procs.append(s)
            servers["edgekit %d thread%s" % (threads, "s" * (threads > 1))] = (s.port, s.proc.pid)
        for workers in (1, 2):
            origin = lib.Origin()
            origins.append(origin)
            d = os.path.join(tmp.name, "nginx%d" % workers)
            os.makedirs(d)
            os.chmod(d, 0o777)
            port = free_port()
            conf = NGINX_CONF.format(tmp=d, port=port, origin=origin.url)
            conf = conf.replace("worker_processes 1;", "worker_processes %d;" % workers)
            conf = conf.replace("access_log off;", "access_log off;\n  keepalive_requests 1000000;")
            with open(os.path.join(d, "nginx.conf"), "w") as f:
                f.write(conf)
            p = subprocess.Popen([nginx, "-c", os.path.join(d, "nginx.conf"), "-p", d],
                                 stderr=subprocess.DEVNULL)
            procs.append(p)
            servers["nginx %d worker%s" % (workers, "s" * (workers > 1))] = (port, p.pid)
        time.sleep(0.5)
        for label, (port, _) in servers.items():  # fill each cache
            for _ in range(2):
                r = lib.request(port, "GET", args.path)
                lib.check(r.status == 200, "%s answers %s" % (label, args.path))
        results = {label: [] for label in servers}
        for rnd in range(args.rounds):
            for label, (port, pid) in servers.items():
                cpu0 = cpu_seconds(pid)
                rps, p99, errors = wrk(port, args.path, args.seconds)
                cpu = cpu_seconds(pid) - cpu0
                us_per_req = cpu / (rps * args.seconds) * 1e6
                results[label].append((rps, p99, us_per_req))
                print("round %d %-18s %9.0f req/s  p99 %6.2f ms  %5.1f us CPU/req %s"
                      % (rnd + 1, label, rps, p99, us_per_req, errors), flush=True)
        print("\nmedians of %d rounds, %s, wrk -t2 -c64 -d%ds:" % (args.rounds, args.path,
                                                                   args.seconds))
        print("| server | req/s | p99 | CPU per request |")
        print("|---|---:|---:|---:|")
        for label, rows in results.items():
            med = [statistics.median(r[i] for r in rows) for i in range(3)]
            print("| %s | %.0f | %.2f ms | %.1f µs |" % (label, med[0], med[1], med[2]))
        for name in ("edgekit", "nginx"):
            one = [statistics.median(r[0] for r in rows) for label, rows in results.items()
                   if label.startswith(name + " 1")][0]
            two = [statistics.median(r[0] for r in rows) for label, rows in results.items()
                   if label.startswith(name + " 2")][0]
            print("%s: 2 / 1 = %.2f×" % (name, two / one))
    finally:
        for p in procs:
            if isinstance(p, lib.Server):
                p.kill()
            else:
                p.terminate()
                p.wait(5)
        for o in origins:
            o.stop()
        tmp.cleanup()
    return 1 if lib.failures else 0


if __name__ == "__main__":
    sys.exit(main())
