#!/usr/bin/env python3
"""Fonts by family name through fontconfig: one case a line in cases.tsv.

    system_fonts.py BRIEFING WORKDIR
"""
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def main():
    bin_, work = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    manifest = os.path.join(work, "fonts.json")
    json.dump({"fonts": [{"family": "DejaVu Sans",
                          "file": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"}]},
              open(manifest, "w"))
    base = json.load(open(os.path.join(ROOT, "templates/briefing.json"), encoding="utf-8"))
    failed = passed = 0
    for line in open(os.path.join(HERE, "cases.tsv"), encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        name, families, font, err = line.rstrip("\n").split("\t")
        t = dict(base, fonts={role: json.loads(families) + ["DejaVu Sans"]
                              for role in base["fonts"]})
        tpath = os.path.join(work, name + ".json")
        json.dump(t, open(tpath, "w", encoding="utf-8"), ensure_ascii=False)
        out = os.path.join(work, name + ".pdf")
        p = subprocess.run([bin_, "render", os.path.join(ROOT, "input/hengshan-2021.json"), "-t",
                            tpath, "--fonts", manifest, "-o", out], capture_output=True)
        stderr = p.stderr.decode("utf-8", "replace")
        problems = []
        if p.returncode != 0:
            problems.append("exit %d" % p.returncode)
        else:
            fonts = subprocess.run(["pdffonts", out], capture_output=True, text=True).stdout
            if font not in fonts:
                problems.append("no font %s in:\n%s" % (font, fonts))
            # every font embedded, subset, with a Unicode map; CFF as CID Type 0C
            for l in fonts.splitlines()[2:]:
                if "yes yes yes" not in l:
                    problems.append("not embedded+subset+unicode: " + l)
                if "Noto" in l and "CID Type 0C" not in l:
                    problems.append("a CFF face not as CID Type 0C: " + l)
            text = subprocess.run(["pdftotext", "-raw", out, "-"], capture_output=True,
                                  text=True).stdout
            if "衡山县" not in text or "法治政府" not in text:
                problems.append("pdftotext lost the text")
            q = subprocess.run(["qpdf", "--check", out], capture_output=True, text=True)
            if q.returncode != 0:
                problems.append("qpdf --check: " + q.stdout[-300:])
            md = subprocess.run(["mutool", "draw", "-o", os.path.join(work, name + "-%d.png"),
                                 "-r", "30", out, "1"], capture_output=True, text=True)
            warn = [l for l in md.stderr.splitlines() if "ICC" not in l and not l.startswith("page ")]
            if md.returncode != 0 or warn:
                problems.append("mutool draw: " + "\n".join(warn))
        lines = [l for l in stderr.splitlines() if "cut at a sentence" not in l]
        if err == "-" and lines:
            problems.append("expected no message")
        if err != "-" and err not in stderr:
            problems.append("standard error lacks: " + err)
        if problems:
            failed += 1
            print("FAIL [%s]: %s\n%s" % (name, "; ".join(problems), stderr[-600:]))
        else:
            passed += 1
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
