#!/usr/bin/env python3
"""The page of `briefing serve` in a real browser (tests/serve/page.mjs in
headless Chromium): the PDFs it downloads are checked like render's (poppler
reads them; they are the bytes `briefing render` writes), the ZIP holds both
and a manifest, a broken report shows the CLI's messages beside it.

    page.py BRIEFING SCRATCH_DIR
Exits 77 (skipped) when Chromium or playwright-core is not installed.
"""
import io
import json
import os
import shutil
import subprocess
import sys
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Checks, Server, pdf_pages, pdf_text  # noqa: E402

binary, work = sys.argv[1:3]
here = os.path.dirname(os.path.abspath(__file__))
chromium = shutil.which("chromium") or "/usr/bin/chromium"
if not os.path.exists(chromium) or not os.path.isdir(os.path.join(here, "node_modules", "playwright-core")):
    print("serve.page: skipped: no chromium or no tests/serve/node_modules (scripts/setup.sh installs them)")
    sys.exit(77)
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
c = Checks("serve.page")
good = ["input/hengshan-2021.json", "tests/import/seeds/luhuo-2021.txt"]
bad = os.path.join(work, "坏报告.json")
with open(bad, "w", encoding="utf-8") as f:
    f.write('{"id": "bad", "title": 5}')

s = Server(binary, "-j", "2", "--templates", "templates")
try:
    p = subprocess.run(["node", os.path.join(here, "page.mjs"), f"http://127.0.0.1:{s.port}/", work, *good, bad],
                       capture_output=True, text=True, timeout=240, env=dict(env, CHROMIUM=chromium))
finally:
    code, err = s.stop()
if not c.ok(p.returncode == 0, f"page.mjs: exit {p.returncode}: {p.stderr[-2000:]}"):
    c.done()
seen = json.loads(p.stdout.strip().splitlines()[-1])
print(json.dumps(seen, ensure_ascii=False, indent=1))
# the broken report's 422 is logged by the browser as a failed load: expected
errors = [e for e in seen["errors"] if "status of 422" not in e]
c.ok(errors == [], f"the page logged errors: {errors}")
c.ok(seen["lang"] == "zh-CN", "lang zh-CN")
c.ok(seen["templates"] == ["briefing", "compare", "gbt9704", "summary"], f"templates {seen['templates']}")
c.ok(seen["description"].startswith("简报"), f"description {seen['description']!r}")
c.ok(seen["selectLabel"] == "模板" and seen["fileLabel"], "labels for the template list and the file input")
c.ok(seen["keyboardReachesTemplate"] and seen["keyboardReachesFiles"], "Tab reaches the template list and the file input")
c.ok(seen["afterArrow"] != "briefing" and seen["descriptionAfterArrow"] != seen["description"],
     "the arrow key changes the template and its description")
c.ok(seen["summaryLive"] == "polite" and "2 份完成" in seen["summary"], f"summary {seen['summary']!r}")
c.ok(seen["opened"].startswith("blob:"), f"opened {seen['opened']}")
c.ok(sorted(seen["downloads"]) == ["hengshan-2021.pdf", "luhuo-xian-2021.pdf"], f"downloads {seen['downloads']}")
for name, src in zip(sorted(seen["downloads"]), good):
    with open(os.path.join(work, name), "rb") as f:
        pdf = f.read()
    c.ok(pdf_pages(pdf, work) >= 2, f"{name}: pages")
    ref = os.path.join(work, "ref.pdf")
    subprocess.run([binary, "render", src, "-o", ref], check=True, env=env, capture_output=True)
    with open(ref, "rb") as f:
        c.ok(f.read() == pdf, f"{name}: the bytes `briefing render` writes")
    text = pdf_text(pdf, work).replace(" ", "").replace("\n", "")
    c.ok(("衡山县" if "hengshan" in name else "炉霍县") in text, f"{name}: its region in the text")
c.ok(any(w.startswith("luhuo-2021.txt: ") and ": warning: " in w for w in seen["warnings"]),
     f"the warnings of luhuo-2021.txt under it: {seen['warnings']}")
c.ok(seen["zipName"] == "briefings.zip", f"zip {seen['zipName']}")
zf = zipfile.ZipFile(os.path.join(work, "all.zip"))
c.ok(zf.testzip() is None and sorted(zf.namelist()) == ["hengshan-2021.pdf", "luhuo-xian-2021.pdf", "manifest.jsonl"],
     f"zip entries {zf.namelist()}")
for name in ("hengshan-2021.pdf", "luhuo-xian-2021.pdf"):
    with open(os.path.join(work, name), "rb") as f:
        c.ok(zf.read(name) == f.read(), f"zip: {name} is the PDF downloaded alone")
c.ok(seen["errorName"] == "坏报告.json", f"error next to {seen['errorName']!r}")
c.ok("坏报告.json: $.title: expected a string, got a number" in seen["errorMessages"], f"messages {seen['errorMessages']}")
c.ok(seen["errorState"] == "出错：报告有误，无法生成简报", f"error state {seen['errorState']!r}")
c.ok(code == 0, f"server exit {code}: {err[-500:]}")
c.done()
