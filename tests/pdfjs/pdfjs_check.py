#!/usr/bin/env python3
"""pdf.js as a third reader: every input with every template (their Noto CJK
faces take the CFF path, where readers differ most; a variant of the default
with TrueType faces only takes the other) must give pdf.js the same text
as poppler (`pdftotext -raw`, white space ignored), and pdf.js must load every
font without a warning.

    pdfjs_check.py BRIEFING WORKDIR
"""
import json
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def main():
    bin_, work = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    if not os.path.isdir(os.path.join(HERE, "node_modules", "pdfjs-dist")):
        sys.exit("pdfjs-dist missing: run scripts/setup.sh (npm ci in tests/pdfjs)")
    inputs = sorted(os.path.join(ROOT, "input", f) for f in os.listdir(os.path.join(ROOT, "input"))
                    if f.endswith(".json"))
    base = json.load(open(os.path.join(ROOT, "templates/briefing.json"), encoding="utf-8"))
    tt = dict(base, fonts={"title": ["LXGW WenKai Bold", "DejaVu Sans Bold"],
                           "hei": ["WenQuanYi Micro Hei", "DejaVu Sans"],
                           "kai": ["LXGW WenKai", "DejaVu Sans"],
                           "song_bold": ["LXGW WenKai Bold", "DejaVu Sans Bold"],
                           "body": ["LXGW WenKai", "AR PL UMing", "DejaVu Sans"]})
    tt_path = os.path.join(work, "truetype.json")
    json.dump(tt, open(tt_path, "w", encoding="utf-8"), ensure_ascii=False)
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    pdfs = []
    for t in ("briefing", "gbt9704", "summary", "truetype"):
        tpath = tt_path if t == "truetype" else os.path.join(ROOT, "templates", t + ".json")
        for i in inputs:
            out = os.path.join(work, "%s-%s.pdf" % (t, os.path.basename(i)[:-5]))
            subprocess.run([bin_, "render", "-t", tpath, i, "-o", out], check=True,
                           capture_output=True, env=env)
            pdfs.append(out)
    out = os.path.join(work, "compare.pdf")
    subprocess.run([bin_, "compare", *inputs, "-o", out], check=True, capture_output=True, env=env)
    pdfs.append(out)
    p = subprocess.run(["node", os.path.join(HERE, "extract.mjs"), *pdfs], capture_output=True,
                       text=True, timeout=600)
    if p.returncode != 0:
        sys.exit("pdf.js failed: " + p.stderr[-2000:])
    got = json.loads(p.stdout.strip().splitlines()[-1])
    failed = passed = 0
    for f in pdfs:
        r = got[f]
        poppler = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", f, "-"],
                                 capture_output=True, text=True).stdout
        a, b = re.sub(r"\s+", "", r["text"]), re.sub(r"\s+", "", poppler)
        problems = []
        if a != b:
            k = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
            problems.append("text differs at %d: pdf.js …%s… poppler …%s…" %
                            (k, a[max(0, k - 20):k + 20], b[max(0, k - 20):k + 20]))
        if r["warnings"]:
            problems.append("warnings: " + "; ".join(r["warnings"][:5]))
        if problems:
            failed += 1
            print("FAIL [%s]: %s" % (os.path.basename(f), " / ".join(problems)))
        else:
            passed += 1
    print("%d passed, %d failed (%d documents)" % (passed, failed, len(pdfs)))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
