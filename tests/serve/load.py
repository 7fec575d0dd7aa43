#!/usr/bin/env python3
"""A bounded load test of `briefing serve` on 127.0.0.1: 16 clients post
hengshan-2021 for 10 s on keep-alive connections. Every answer must be a PDF
(zero errors) and the server's resident memory must not keep growing
(sampled every half second: after the first seconds it stays within a band).
Prints requests/s and p50/p99 latency.

    load.py BRIEFING MODE    (MODE: release or asan, whose allocator keeps a
                              quarantine of freed memory, so RSS bounds differ)
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Checks, Server  # noqa: E402
from loadgen import percentile, run  # noqa: E402

binary, mode = sys.argv[1:3]
clients, seconds = 16, 10
c = Checks("serve.load")
with open("input/hengshan-2021.json", "rb") as f:
    body = f.read()
s = Server(binary, "-j", "2", "--templates", "templates")
samples = []
try:
    lat, errors, wall = run(s.host, s.port, "/v1/render", body, {"Content-Type": "application/json"},
                            clients, seconds, on_tick=lambda: samples.append(s.rss_kb()))
    samples.append(s.rss_kb())
finally:
    code, err = s.stop()
n = len(lat)
print(f"serve.load: {clients} clients, {wall:.1f} s: {n} renders, {n / wall:.1f} renders/s, "
      f"p50 {percentile(lat, 50) * 1000:.1f} ms, p99 {percentile(lat, 99) * 1000:.1f} ms, "
      f"{len(errors)} errors")
print("RSS (MB) every 0.5 s:", " ".join(f"{k / 1024:.0f}" for k in samples))
c.ok(not errors, f"errors: {errors[:5]}")
c.ok(n >= clients, f"only {n} renders")
# After the first third of the run the heap has reached its working size;
# the rest of the run must stay near it (a leak of one report per request,
# 2 MB, would add hundreds of MB here).
third = samples[len(samples) // 3:]
grow_mb = (max(third) - third[0]) / 1024 if third else 0
bound = 64 if mode == "release" else 512  # ASan's quarantine holds up to 256 MB freed
c.ok(grow_mb <= bound, f"RSS grew {grow_mb:.0f} MB over the last two thirds (bound {bound} MB)")
peak = max(samples) / 1024 if samples else 0
c.ok(mode != "release" or peak <= 400, f"peak RSS {peak:.0f} MB")
c.ok(code == 0, f"SIGTERM: exit {code} {err[-500:]}")
c.done()
