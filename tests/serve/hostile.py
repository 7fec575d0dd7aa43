#!/usr/bin/env python3
"""Hostile and malformed requests against `briefing serve` on 127.0.0.1: none
may crash, hang or wedge the server, and a normal request must still succeed
after each (and while 1,000 idle connections are held open).

    hostile.py BRIEFING SCRATCH_DIR
"""
import json
import os
import shutil
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Checks, Server, raise_fd_limit  # noqa: E402

binary, work = sys.argv[1:3]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
raise_fd_limit()
c = Checks("serve.hostile")
with open("input/hengshan-2021.json", "rb") as f:
    report = f.read()


def raw(s, data, wait=10.0):
    """Sends bytes as they are; returns the status code answered (0: the
    connection was closed without an answer)."""
    sock = socket.create_connection((s.host, s.port), timeout=wait)
    try:
        sock.sendall(data)
        got = b""
        while b"\r\n" not in got:
            chunk = sock.recv(4096)
            if not chunk:
                break
            got += chunk
    except (ConnectionResetError, BrokenPipeError):
        return 0
    finally:
        sock.close()
    parts = got.split(b" ", 2)
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


def still_works(s, what):
    st, h, pdf = s.request("POST", "/v1/render", report, {"Content-Type": "application/json"})
    c.ok(st == 200 and pdf.startswith(b"%PDF-"), f"after {what}: a normal render gets {st}")
    c.ok(s.proc.poll() is None, f"after {what}: the server is running")


s = Server(binary, "-j", "2", "--timeout", "3", "--templates", "templates")
try:
    cases = [
        ("garbage request line", b"GARBAGE\r\n\r\n", {400, 0}),
        ("no HTTP version", b"GET /healthz\r\n\r\n", {400, 505, 0}),
        ("unknown HTTP version", b"GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n", {400, 505, 0}),
        ("binary noise", bytes(range(256)) * 4 + b"\r\n\r\n", {400, 0}),
        ("header without a colon", b"GET /healthz HTTP/1.1\r\nHost: x\r\nBroken header\r\n\r\n", {400, 0}),
        ("HTTP/1.1 without Host", b"GET /healthz HTTP/1.1\r\n\r\n", {400}),
        ("a 100 KB header", b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 100_000 + b"\r\n\r\n", {431, 413, 400, 0}),
        ("10,000 small headers", b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"X-A: b\r\n" * 10_000 + b"\r\n", {431, 413, 400, 0}),
        ("a 100 KB URL", b"GET /" + b"a" * 100_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", {414, 431, 400, 0}),
        ("negative Content-Length", b"POST /v1/render HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n", {400, 0}),
        ("two Content-Lengths", b"POST /v1/render HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\n{}", {400, 413, 422, 0}),
        ("Content-Length and chunked", b"POST /v1/render HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", {400, 0}),
        ("a bad chunk size", b"POST /v1/render HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n", {400, 0}),
        ("a chunk over 64 MiB", b"POST /v1/render HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n8000000\r\n{}", {413, 0}),
        ("template ..", b"POST /v1/render?template=.. HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}", {400}),
        ("template ../../etc/passwd", b"POST /v1/render?template=../../etc/passwd HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}", {400}),
        ("template %2e%2e", b"POST /v1/render?template=%2e%2e%2fbriefing HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}", {400}),
        ("a path with ..", b"GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n", {404, 400}),
        ("form-urlencoded report", b"POST /v1/render HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 3\r\n\r\na=b", {415}),
        ("multipart render", b"POST /v1/render HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 3\r\n\r\nabc", {415}),
        ("image as a report", b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\nContent-Length: 4\r\n\r\n\x89PNG", {415}),
        ("a truncated multipart batch", b"POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=XX\r\nContent-Length: 60\r\n\r\n--XX\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.json\"\r\n", {400}),
        ("a multipart batch of garbage", b"POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=XX\r\nContent-Length: 10\r\n\r\n0123456789", {400}),
        ("DELETE", b"DELETE /v1/templates HTTP/1.1\r\nHost: x\r\n\r\n", {405}),
        ("a PDF as the report", b"POST /v1/render HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: 9\r\n\r\n%PDF-1.7\n", {422}),
        ("a NUL in the report", b"POST /v1/render HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 3\r\n\r\n{\x00}", {422}),
    ]
    for what, data, want in cases:
        t0 = time.monotonic()
        try:
            st = raw(s, data)
        except socket.timeout:
            st = -1
        c.ok(st in want, f"{what}: answered {st}, expected one of {sorted(want)}")
        c.ok(time.monotonic() - t0 < 8, f"{what}: took {time.monotonic() - t0:.1f} s")
    still_works(s, "the malformed requests")

    # a body never finished and a header sent a byte a second are cut off
    # after the connection timeout (3 s here)
    t0 = time.monotonic()
    slow = socket.create_connection((s.host, s.port), timeout=20)
    slow.sendall(b"POST /v1/render HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
    try:
        closed = slow.recv(100) == b""
    except ConnectionResetError:
        closed = True
    c.ok(closed and time.monotonic() - t0 < 10, f"an unfinished body: closed after {time.monotonic() - t0:.1f} s")
    slow.close()
    t0 = time.monotonic()
    slow = socket.create_connection((s.host, s.port), timeout=20)
    closed = False
    try:
        for ch in b"GET /healthz HTTP/1.1\r\nX-Slow: " + b"a" * 30:
            slow.sendall(bytes([ch]))
            time.sleep(0.5)
            if time.monotonic() - t0 > 12:
                break
    except (BrokenPipeError, ConnectionResetError):
        closed = True
    if not closed:
        try:
            slow.settimeout(1)
            closed = slow.recv(100) == b""
        except (ConnectionResetError, BrokenPipeError):
            closed = True
        except socket.timeout:
            closed = False
    c.ok(closed, "a header sent a byte every half second: cut off")
    slow.close()

finally:
    code, err = s.stop()
c.ok(code == 0, f"SIGTERM: exit {code}: {err[-800:]}")
c.ok("ERROR: AddressSanitizer" not in err and "runtime error" not in err, f"sanitizers: {err[-800:]}")

# 1,000 idle connections held open (for less than the default 30 s timeout)
s = Server(binary, "-j", "2", "--templates", "templates")
try:
    # 1,000 idle connections held open while a normal request succeeds
    idle = []
    try:
        for _ in range(1000):
            idle.append(socket.create_connection((s.host, s.port), timeout=10))
        for sock in idle[::100]:  # some have even begun a request
            sock.sendall(b"GET /healthz HTTP/1.1\r\n")
        t0 = time.monotonic()
        st, h, pdf = s.request("POST", "/v1/render", report, {"Content-Type": "application/json"}, timeout=20)
        c.ok(st == 200 and pdf.startswith(b"%PDF-"), f"with 1,000 idle connections open: {st}")
        c.ok(time.monotonic() - t0 < 5, f"with 1,000 idle connections open: took {time.monotonic() - t0:.2f} s")
        st, h, body = s.request("GET", "/metrics")
        c.ok(st == 200, "with 1,000 idle connections open: /metrics")
    finally:
        for sock in idle:
            sock.close()
    c.ok(len(idle) == 1000, f"opened {len(idle)} idle connections")
    still_works(s, "1,000 idle connections")
finally:
    code, err = s.stop()
c.ok(code == 0, f"SIGTERM with idle connections: exit {code}: {err[-800:]}")

# a non-loopback address is used only when asked, with a warning
s = Server(binary, "--templates", "templates")
code, err = s.stop()
c.ok("no authentication" not in err, "loopback: no warning")
import subprocess  # noqa: E402
p = subprocess.Popen([binary, "serve", "--listen", "0.0.0.0:0", "--templates", "templates"],
                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
line = p.stdout.readline()
p.terminate()
out, err = p.communicate(timeout=30)
c.ok(b"listening on http://0.0.0.0:" in line and b"no authentication" in err, f"0.0.0.0: {line!r} {err[-300:]!r}")
for bad in ("localhost:80", "127.0.0.1", "127.0.0.1:99999", "[::1", "1.2.3:80"):
    p = subprocess.run([binary, "serve", "--listen", bad], capture_output=True, timeout=30)
    c.ok(p.returncode == 1 and b"--listen" in p.stderr, f"--listen {bad}: exit {p.returncode} {p.stderr[-200:]!r}")
p = subprocess.run([binary, "serve", "--templates", os.path.join(work, "none")], capture_output=True, timeout=30)
c.ok(p.returncode == 1 and b"no usable template" in p.stderr, f"an empty template folder: exit {p.returncode}")
p = subprocess.run([binary, "serve", "-j", "0"], capture_output=True, timeout=30)
c.ok(p.returncode == 2, f"-j 0: exit {p.returncode}")
p = subprocess.run([binary, "serve", "--help"], capture_output=True, timeout=30)
c.ok(p.returncode == 0 and b"usage: briefing serve" in p.stdout, "serve --help")
c.done()
