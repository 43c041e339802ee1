#!/usr/bin/env python3
# Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
"""Side by side: the hostile suite's malformed-request matrix against
edgekit-caching-proxy and against Debian's nginx configured as a caching
reverse proxy, each in front of its own recording origin. Prints what each
answered and whether it closed the connection, and what reached each origin.
Informational (nothing here is a regression test; those must not depend on
nginx). Needs nginx (Debian: apt-get install nginx-light).

usage: compare_nginx.py --proxy PATH/TO/edgekit-caching-proxy
"""

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import hostile_lib as lib
from hostile_test import matrix_cases

NGINX_CONF = """
worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {tmp}/body;
  proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fastcgi;
  uwsgi_temp_path {tmp}/uwsgi;
  scgi_temp_path {tmp}/scgi;
  proxy_cache_path {tmp}/cache keys_zone=c:10m;
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass {origin};
      proxy_cache c;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }}
  }}
}}
"""


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--proxy", required=True)
    args = ap.parse_args()
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.path.exists(nginx):
        print("nginx not found (Debian: apt-get install nginx-light)")
        return 2
    ours, theirs = lib.Origin(), lib.Origin()
    proxy = lib.Server([os.path.abspath(args.proxy), "--listen", "127.0.0.1:0", "--origin",
                        ours.url])
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o777)  # nginx's workers run as an unprivileged user
        port = free_port()
        with open(os.path.join(tmp, "nginx.conf"), "w") as f:
            f.write(NGINX_CONF.format(tmp=tmp, port=port, origin=theirs.url))
        ngx = subprocess.Popen([nginx, "-c", os.path.join(tmp, "nginx.conf"), "-p", tmp],
                               stderr=subprocess.DEVNULL)
        time.sleep(0.5)
        try:
            show = lambda r: "-" if r is None else "%d%s" % (r.status, " close" if r.closed else "")
            print("%-40s %-12s %-12s %s" % ("case", "edgekit", "nginx", "expected"))
            lib.probe(port, b"GET / HTTP/1.1\r\nHost: h\r\n\r\n")  # warm up
            for label, data, status in matrix_cases():
                a = lib.probe(proxy.port, data, close_wait=0.5)
                b = lib.probe(port, data, close_wait=0.5)
                print("%-40s %-12s %-12s %d close" % (label[:40], show(a), show(b), status))
            for name, origin in (("edgekit", ours), ("nginx", theirs)):
                print("%s's origin: received a smuggled request: %s; requests: %d"
                      % (name, origin.saw("/smuggled"), len(origin.requests)))
        finally:
            ngx.terminate()
            ngx.wait(5)
            proxy.kill()
            ours.stop()
            theirs.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
