#!/usr/bin/env python3
"""Renders per second over HTTP: `briefing serve -j 2` on 127.0.0.1, 8
clients posting input/hengshan-2021.json on keep-alive connections for 10 s
(after 2 s of warm-up), as `make bench` runs it. Prints renders/s, p50/p99
latency and the server's CPU per render (the clients run on the same cores).

    bench_serve.py BRIEFING [REPORT] [--clients N] [--seconds S] [-j N]
"""
import argparse
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "tests", "serve"))
from common import Server  # noqa: E402
from loadgen import percentile, run  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("binary")
ap.add_argument("report", nargs="?", default="input/hengshan-2021.json")
ap.add_argument("--clients", type=int, default=8)
ap.add_argument("--seconds", type=float, default=10)
ap.add_argument("-j", "--jobs", default="2")
a = ap.parse_args()

with open(a.report, "rb") as f:
    body = f.read()
hz = os.sysconf("SC_CLK_TCK")


def cpu_s(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / hz


s = Server(a.binary, "-j", a.jobs, "--templates", os.path.join(here, "..", "templates"))
try:
    headers = {"Content-Type": "application/json"}
    run(s.host, s.port, "/v1/render", body, headers, a.clients, 2)  # warm-up
    c0, t0 = cpu_s(s.proc.pid), os.times()
    lat, errors, wall = run(s.host, s.port, "/v1/render", body, headers, a.clients, a.seconds)
    c1, t1 = cpu_s(s.proc.pid), os.times()
finally:
    s.stop()
n = len(lat)
client_cpu = (t1.user - t0.user) + (t1.system - t0.system)
print(f"bench_serve: {os.path.basename(a.report)} ({len(body)} bytes), -j {a.jobs}, {a.clients} clients, "
      f"{wall:.1f} s: {n / wall:.1f} renders/s, p50 {percentile(lat, 50) * 1000:.1f} ms, "
      f"p99 {percentile(lat, 99) * 1000:.1f} ms, {len(errors)} errors; server CPU "
      f"{(c1 - c0) / max(n, 1) * 1000:.2f} ms/render, client CPU {client_cpu / max(n, 1) * 1000:.2f} ms/render")
if errors:
    print("errors:", errors[:5])
    sys.exit(1)
