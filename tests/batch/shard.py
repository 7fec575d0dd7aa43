#!/usr/bin/env python3
"""batch --shard K/N: the shards of a run, put together, are the unsharded run,
byte for byte (every PDF, every manifest line but its timing), and each report
is in the shard its input position names (i mod N = K-1).

    shard.py BRIEFING GEN_NATIONAL SCRATCH_DIR
"""
import json
import os
import shutil
import subprocess
import sys

bin, gen, work = sys.argv[1:4]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
fails = []

# 40 synthetic reports and the five real ones, plus a broken line, so error
# records are sharded too
ndjson = os.path.join(work, "in.ndjson")
subprocess.run([gen, "-o", os.path.join(work, "national.ndjson")] +
               sorted(os.path.join("input", f) for f in os.listdir("input") if f.endswith(".json")),
               check=True)
with open(os.path.join(work, "national.ndjson"), encoding="utf-8") as f:
    lines = [next(f) for _ in range(40)]
lines.insert(7, '{"id": "broken", "title": 3}\n')
with open(ndjson, "w", encoding="utf-8") as f:
    f.writelines(lines)
inputs = [ndjson, "input"]


def run(out, *extra):
    p = subprocess.run([bin, "batch", *inputs, "-o", out, "-j", "2", "--quiet", *extra],
                       capture_output=True, text=True)
    if p.returncode not in (0, 1):
        fails.append(f"batch {' '.join(extra)}: exit {p.returncode}: {p.stderr}")
    return p.returncode


def manifest(d):
    with open(os.path.join(d, "manifest.jsonl"), encoding="utf-8") as f:
        recs = [json.loads(l) for l in f]
    for r in recs:
        r.pop("milliseconds")
    return recs


def pdfs(d):
    out = {}
    for n in sorted(os.listdir(d)):
        if n.endswith(".pdf"):
            with open(os.path.join(d, n), "rb") as f:
                out[n] = f.read()
    return out


whole = os.path.join(work, "whole")
st_whole = run(whole)
ref_recs, ref_pdfs = manifest(whole), pdfs(whole)
if len(ref_recs) != 46:
    fails.append(f"unsharded: {len(ref_recs)} manifest lines, expected 46")

for n in (1, 3, 4):
    recs_by_shard, union = [], {}
    statuses = []
    for k in range(1, n + 1):
        d = os.path.join(work, f"s{k}of{n}")
        statuses.append(run(d, "--shard", f"{k}/{n}"))
        recs = manifest(d)
        recs_by_shard.append(recs)
        want = ref_recs[k - 1::n]
        if recs != want:
            fails.append(f"shard {k}/{n}: manifest is not the lines at positions i mod {n} = {k - 1}")
        for name, data in pdfs(d).items():
            if name in union:
                fails.append(f"shards of {n}: {name} written by two shards")
            union[name] = data
    if sorted(union) != sorted(ref_pdfs):
        fails.append(f"shards of {n}: PDFs {sorted(set(union) ^ set(ref_pdfs))} differ from the unsharded run")
    for name in union:
        if name in ref_pdfs and union[name] != ref_pdfs[name]:
            fails.append(f"shards of {n}: {name} differs byte for byte")
    merged = [r for rs in recs_by_shard for r in rs]
    key = lambda r: json.dumps(r, sort_keys=True)
    if sorted(map(key, merged)) != sorted(map(key, ref_recs)):
        fails.append(f"shards of {n}: manifest lines differ from the unsharded run")
    # exit status: 1 only for the shard holding the broken report (position 7)
    for k, st in enumerate(statuses, 1):
        want = 1 if (7 % n == k - 1) else 0
        if st != want:
            fails.append(f"shard {k}/{n}: exit {st}, expected {want}")

for bad in ("0/3", "4/3", "1/0", "x", "1/2/3", "-1/2", "2/"):
    p = subprocess.run([bin, "batch", "input", "-o", os.path.join(work, "bad"), "--shard", bad],
                       capture_output=True, text=True)
    if p.returncode != 2 or "--shard" not in p.stderr:
        fails.append(f"--shard {bad}: exit {p.returncode}, stderr {p.stderr!r}")

for f in fails:
    print("FAIL:", f, file=sys.stderr)
print(f"shard: {len(fails)} failures")
sys.exit(1 if fails else 0)
