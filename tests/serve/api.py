#!/usr/bin/env python3
"""The HTTP API of `briefing serve`, against a server started here on
127.0.0.1 (a free port): every route, its answers checked for what they
carry (PDFs read back with poppler and compared byte for byte with what
`briefing render` writes), the errors as problem+json with the CLI's
file/JSON-path messages, the bounded queue, graceful shutdown.

    api.py BRIEFING SCRATCH_DIR
"""
import io
import json
import os
import shutil
import subprocess
import sys
import threading
import urllib.parse
import time
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Checks, Server, ndjson_line, pdf_pages, pdf_text  # noqa: E402

binary, work = sys.argv[1:3]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
c = Checks("serve.api")
inputs = sorted(os.path.join("input", f) for f in os.listdir("input") if f.endswith(".json"))


def cli_pdf(path, template=None):
    out = os.path.join(work, "cli.pdf")
    cmd = [binary, "render", path, "-o", out] + (["-t", template] if template else [])
    subprocess.run(cmd, check=True, env=env, capture_output=True)
    with open(out, "rb") as f:
        return f.read()


def read(path):
    with open(path, "rb") as f:
        return f.read()


JSON = {"Content-Type": "application/json"}
s = Server(binary, "-j", "2", "--templates", "templates")
try:
    # --- small routes ---------------------------------------------------
    st, h, body = s.request("GET", "/healthz")
    c.ok(st == 200 and json.loads(body) == {"status": "ok"}, f"/healthz: {st} {body!r}")
    st, h, body = s.request("GET", "/v1/templates")
    t = json.loads(body)
    names = [x["name"] for x in t["templates"]]
    c.ok(st == 200 and t["default"] == "briefing", f"/v1/templates default: {body[:200]!r}")
    c.ok(names == ["briefing", "compare", "gbt9704", "summary"], f"/v1/templates names: {names}")
    c.ok(all(x["description"] for x in t["templates"]), "every template has its description")
    st, h, page = s.request("GET", "/")
    c.ok(st == 200 and h["content-type"].startswith("text/html") and "简报".encode() in page
         and b'lang="zh-CN"' in page, f"/: {st} {h.get('content-type')}")
    for asset, kind in (("/app.js", "text/javascript"), ("/style.css", "text/css")):
        st, h, data = s.request("GET", asset)
        c.ok(st == 200 and h["content-type"].startswith(kind) and len(data) > 100,
             f"{asset}: {st} {h.get('content-type')}")
    st, h, body = s.request("GET", "/nothing-here")
    c.ok(st == 404 and h["content-type"] == "application/problem+json", f"/nothing-here: {st}")
    st, h, body = s.request("GET", "/v1/render")
    c.ok(st == 405 and "POST" in h.get("allow", ""), f"GET /v1/render: {st} {h}")

    # --- render: every input, the same bytes as the CLI ------------------
    for path in inputs:
        st, h, pdf = s.request("POST", "/v1/render", read(path), JSON)
        ok = c.ok(st == 200 and h["content-type"] == "application/pdf", f"render {path}: {st} {pdf[:300]!r}")
        if not ok:
            continue
        c.ok(pdf == cli_pdf(path), f"render {path}: differs from `briefing render`")
        with open(path, encoding="utf-8") as f:
            rep = json.load(f)
        text = pdf_text(pdf, work)
        title = rep["title"].replace(" ", "")
        c.ok(title[:10] in text.replace(" ", "").replace("\n", ""), f"render {path}: title not in the text")
        c.ok(int(h["x-briefing-pages"]) == pdf_pages(pdf, work), f"render {path}: X-Briefing-Pages")
        c.ok(f'filename="{rep["id"]}.pdf"' in h["content-disposition"], f"render {path}: {h['content-disposition']}")

    # warnings: counted, and each line as the CLI prints it, percent-encoded
    luhuo = "input/luhuo-2021.json"
    conn = s.conn()
    conn.request("POST", "/v1/render?name=" + luhuo, read(luhuo), JSON)
    r = conn.getresponse()
    r.read()
    got = [urllib.parse.unquote(v) for k, v in r.getheaders() if k.lower() == "x-briefing-warning"]
    conn.close()
    cli = subprocess.run([binary, "render", luhuo, "-o", os.path.join(work, "w.pdf")], capture_output=True,
                         text=True, env=env)
    want = [l for l in cli.stderr.splitlines() if ": warning: " in l]
    c.ok(want and got == want and r.getheader("X-Briefing-Warnings") == str(len(want)),
         f"warnings: the CLI says {want}, the headers {got}")

    # another template, by name
    st, h, pdf = s.request("POST", "/v1/render?template=summary", read(inputs[0]), JSON)
    c.ok(st == 200 and pdf_pages(pdf, work) == 1, f"render template=summary: {st}, one page")
    c.ok(pdf == cli_pdf(inputs[0], "summary"), "render template=summary: differs from the CLI")

    # raw documents, imported as the CLI does
    for raw in ("tests/import/seeds/hengshan-2021.txt", "tests/import/corpus/jinghai-qu-2020.html"):
        st, h, pdf = s.request("POST", "/v1/render?name=" + os.path.basename(raw), read(raw),
                               {"Content-Type": "application/octet-stream"})
        c.ok(st == 200 and pdf.startswith(b"%PDF-") and pdf_pages(pdf, work) >= 1, f"render raw {raw}: {st} {pdf[:300]!r}")
        c.ok(pdf == cli_pdf(raw), f"render raw {raw}: differs from `briefing render`")
    docx = [os.path.join("tests/import/corpus", f) for f in sorted(os.listdir("tests/import/corpus")) if f.endswith(".docx")]
    if docx:
        st, h, pdf = s.request("POST", "/v1/render?name=a.docx", read(docx[0]),
                               {"Content-Type": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"})
        c.ok(st == 200 and pdf.startswith(b"%PDF-"), f"render docx {docx[0]}: {st}")

    # --- errors: problem+json with the CLI's messages ----------------------
    st, h, body = s.request("POST", "/v1/render?name=bad.json", b'{"id": 3, "title": "x"}', JSON)
    p = json.loads(body) if h.get("content-type") == "application/problem+json" else {}
    c.ok(st == 422 and p.get("status") == 422 and p.get("title"), f"invalid report: {st} {body[:200]!r}")
    texts = [d["text"] for d in p.get("diagnostics", [])]
    c.ok("bad.json: $.id: expected a string, got a number" in texts, f"invalid report: messages {texts}")
    c.ok(any(d["path"] == "$.id" and d["severity"] == "error" for d in p.get("diagnostics", [])),
         "invalid report: a diagnostic with path $.id")
    bad_path = os.path.join(work, "bad.json")
    with open(bad_path, "wb") as f:
        f.write(b'{"id": 3, "title": "x"}')
    cli = subprocess.run([binary, "check", bad_path], capture_output=True)
    cli_lines = [l.replace(bad_path, "bad.json") for l in cli.stderr.decode().splitlines()]
    c.ok(sorted(cli_lines) == sorted(texts), f"invalid report: the CLI says {cli_lines}, the API {texts}")
    st, h, body = s.request("POST", "/v1/render", b"{ not json", JSON)
    c.ok(st == 422 and json.loads(body)["diagnostics"], f"not JSON: {st} {body[:200]!r}")
    st, h, body = s.request("POST", "/v1/render", b"", JSON)
    c.ok(st == 400, f"empty body: {st}")
    st, h, body = s.request("POST", "/v1/render", read(inputs[0]), {"Content-Type": "image/png"})
    c.ok(st == 415 and h["content-type"] == "application/problem+json", f"image/png: {st}")
    for bad in ("../briefing", "..", "a/b", "%2e%2e%2fbriefing", "templates%2Fbriefing", "x" * 65, "/etc/passwd", "a.json", "%20briefing"):
        st, h, body = s.request("POST", "/v1/render?template=" + bad, read(inputs[0]), JSON)
        c.ok(st == 400 and json.loads(body)["title"] == "Invalid template name", f"template={bad}: {st}")
    st, h, body = s.request("POST", "/v1/render?template=nosuch", read(inputs[0]), JSON)
    c.ok(st == 404 and "nosuch" in json.loads(body)["detail"], f"template=nosuch: {st}")
    st, h, body = s.request("POST", "/v1/render?template=mail", read(inputs[0]), JSON)
    c.ok(st == 404, f"template=mail (not a render template): {st}")

    # --- check --------------------------------------------------------------
    st, h, body = s.request("POST", "/v1/check", read(inputs[0]), JSON)
    j = json.loads(body)
    c.ok(st == 200 and j["ok"] is True and j["errors"] == [], f"check good: {body[:200]!r}")
    st, h, body = s.request("POST", "/v1/check?name=b.json", b'{"id": "x"}', JSON)
    j = json.loads(body)
    c.ok(st == 200 and j["ok"] is False and 'b.json: $: missing required field "region"' in j["errors"],
         f"check bad: {body[:300]!r}")

    # --- batch: NDJSON --------------------------------------------------------
    lines = [ndjson_line(p) for p in inputs]
    lines.insert(2, '{"id": "broken"}')
    lines.insert(1, "")  # blank lines are skipped but counted
    st, h, z = s.request("POST", "/v1/batch?name=in.ndjson", "\n".join(lines).encode(),
                         {"Content-Type": "application/x-ndjson"})
    c.ok(st == 200 and h["content-type"] == "application/zip" and h.get("transfer-encoding") == "chunked",
         f"batch: {st} {h}")
    zf = zipfile.ZipFile(io.BytesIO(z))
    c.ok(zf.testzip() is None, "batch: every CRC matches")
    names = zf.namelist()
    ids = [json.loads(l)["id"] for l in lines if l and json.loads(l)["id"] != "broken"]
    c.ok(names == [i + ".pdf" for i in ids] + ["manifest.jsonl"], f"batch: entries {names}")
    man = [json.loads(l) for l in zf.read("manifest.jsonl").decode().splitlines()]
    c.ok([m["source"] for m in man] == ["in.ndjson:1", "in.ndjson:3", "in.ndjson:4", "in.ndjson:5",
                                       "in.ndjson:6", "in.ndjson:7"], f"batch: sources {[m['source'] for m in man]}")
    c.ok(man[2]["status"] == "error" and man[2]["output"] is None and
         any("in.ndjson:4: $: missing required field" in e for e in man[2]["errors"]), f"batch: error line {man[2]}")
    for path in inputs:
        with open(path, encoding="utf-8") as f:
            i = json.load(f)["id"]
        rec = next(m for m in man if m["id"] == i)
        data = zf.read(i + ".pdf")
        c.ok(rec["bytes"] == len(data) and rec["status"] == "ok", f"batch: {i} manifest bytes")
        c.ok(data == cli_pdf(path), f"batch: {i} differs from `briefing render`")
    # the same request twice: the same archive
    st2, h2, z2 = s.request("POST", "/v1/batch?name=in.ndjson", "\n".join(lines).encode(),
                            {"Content-Type": "application/x-ndjson"})
    strip = lambda zb: [(n, zipfile.ZipFile(io.BytesIO(zb)).read(n)) for n in names if n != "manifest.jsonl"]
    c.ok(strip(z) == strip(z2), "batch: deterministic PDFs")
    # the archive can be read front to back (no central directory needed)
    up = subprocess.run(["bsdtar", "-tf", "-"], input=z, capture_output=True) if shutil.which("bsdtar") else None
    if up:
        c.ok(up.returncode == 0 and up.stdout.decode().split() == names, "batch: bsdtar streams it")

    # --- batch: multipart, as the page sends it -------------------------------
    out = os.path.join(work, "multi.zip")
    curl = subprocess.run(["curl", "-sS", "-o", out, "-w", "%{http_code}",
                           "-F", f"file=@{inputs[0]}", "-F", "file=@tests/import/seeds/luhuo-2021.txt",
                           "-F", "note=ignored",
                           f"http://127.0.0.1:{s.port}/v1/batch?template=summary"], capture_output=True, text=True)
    c.ok(curl.stdout == "200", f"batch multipart: {curl.stdout} {curl.stderr}")
    if curl.stdout == "200":
        zf = zipfile.ZipFile(out)
        man = [json.loads(l) for l in zf.read("manifest.jsonl").decode().splitlines()]
        c.ok([m["source"] for m in man] == [os.path.basename(inputs[0]), "luhuo-2021.txt"], f"batch multipart: {man}")
        c.ok(all(m["status"] == "ok" and m["pages"] == 1 for m in man), f"batch multipart: one-page summaries {man}")
    st, h, body = s.request("POST", "/v1/batch", b"x", {"Content-Type": "multipart/form-data"})
    c.ok(st == 400, f"multipart without boundary: {st}")
    st, h, body = s.request("POST", "/v1/batch", b"{}", JSON)
    c.ok(st == 415, f"batch as application/json: {st}")
    st, h, body = s.request("POST", "/v1/batch", b"\n\n", {"Content-Type": "application/x-ndjson"})
    c.ok(st == 400, f"batch without reports: {st}")
    st, h, body = s.request("POST", "/v1/batch", b"", {"Content-Type": "application/x-ndjson"})
    c.ok(st == 400, f"batch with an empty body: {st}")  # found by fuzz_http (UBSan)

    # --- the body limit ---------------------------------------------------------
    conn = s.conn()
    conn.putrequest("POST", "/v1/render")
    conn.putheader("Content-Type", "application/json")
    conn.putheader("Content-Length", str(64 * 1024 * 1024 + 1))
    conn.endheaders()
    r = conn.getresponse()
    c.ok(r.status == 413, f"64 MiB + 1: {r.status}")
    conn.close()

    # --- metrics ------------------------------------------------------------------
    # the 413's connection may still be closing on the server (its request
    # counted in flight until its completion callback runs): ask again briefly
    for _ in range(40):
        st, h, m = s.request("GET", "/metrics")
        m = m.decode()
        if "briefing_http_requests_in_flight 1\n" in m:
            break
        time.sleep(0.05)
    c.ok(st == 200 and h["content-type"].startswith("text/plain"), f"/metrics: {st}")
    c.ok(f'briefing_http_requests_total{{route="/v1/render",code="200"}} ' in m, "metrics: render 200 counted")
    c.ok('briefing_http_requests_total{route="/v1/render",code="422"}' in m, "metrics: 422 counted")
    c.ok('briefing_http_request_duration_seconds_bucket{route="/v1/render",le="+Inf"}' in m, "metrics: histogram")
    c.ok("briefing_http_requests_in_flight 1" in m, "metrics: in flight (this request)")
    c.ok("briefing_render_errors_total " in m and "briefing_render_errors_total 0" not in m, "metrics: errors")
finally:
    code, err = s.stop()
c.ok(code == 0, f"SIGTERM: exit {code}: {err[-500:]}")

# --- a full queue: 503 with Retry-After ---------------------------------------------
s = Server(binary, "-j", "1", "--queue", "1", "--templates", "templates")
try:
    big = read(inputs[0])
    results = []

    def one():
        results.append(s.request("POST", "/v1/render", big, JSON))

    ts = [threading.Thread(target=one) for _ in range(8)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    codes = sorted(r[0] for r in results)
    c.ok(set(codes) <= {200, 503} and 200 in codes and 503 in codes, f"queue of 1: codes {codes}")
    c.ok(all(r[1].get("retry-after") == "1" for r in results if r[0] == 503), "503 carries Retry-After")
finally:
    s.stop()

# --- the deadline: reports not done within it get 503, the server goes on -----------
with open(inputs[2], encoding="utf-8") as f:
    rep = json.load(f)
paras = [p for sec in rep["sections"] for sub in sec.get("sections", []) for p in sub.get("paragraphs", [])]
rep["sections"] = [{"title": "一、长报告", "paragraphs": (paras or ["测试。" * 200]) * 300}]
slow = json.dumps(rep, ensure_ascii=False).encode()
s = Server(binary, "-j", "1", "--deadline", "1", "--templates", "templates")
try:
    results = []

    def one_slow():
        results.append(s.request("POST", "/v1/render", slow, JSON))

    ts = [threading.Thread(target=one_slow) for _ in range(8)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    late = [r for r in results if r[0] == 503]
    c.ok(late and all(json.loads(r[2])["title"] == "Deadline passed" and r[1].get("retry-after") for r in late),
         f"deadline 1 s, eight long reports on one worker: {[r[0] for r in results]}")
    # a render already running is not stopped at its deadline: the worker
    # finishes it (slowly under the sanitizers), then serves again
    for _ in range(60):
        st, h, pdf = s.request("POST", "/v1/render", read(inputs[0]), JSON)
        if st != 503:
            break
        time.sleep(0.5)
    c.ok(st == 200 and pdf == cli_pdf(inputs[0]), f"after the deadlines: {st}")
finally:
    code, err = s.stop()
c.ok(code == 0, f"deadline server: exit {code} {err[-300:]}")

# --- graceful shutdown: a batch in progress finishes; then nothing listens ------------
s = Server(binary, "-j", "1", "--templates", "templates")
def renamed(path, k):
    rep = json.loads(ndjson_line(path))
    rep["id"] += f"-{k}"
    return json.dumps(rep, ensure_ascii=False)


body = "\n".join(renamed(p, k) for k in range(4) for p in inputs).encode()
got = {}


def long_batch():
    got["r"] = s.request("POST", "/v1/batch", body, {"Content-Type": "application/x-ndjson"})


t = threading.Thread(target=long_batch)
t.start()
time.sleep(0.3)  # the batch has begun (20 reports on one worker take seconds)
code, err = s.stop()
t.join()
st, h, z = got["r"]
c.ok(st == 200 and len(zipfile.ZipFile(io.BytesIO(z)).namelist()) == 21, f"SIGTERM during a batch: {st}, it finished")
c.ok(code == 0 and "finishing the requests in progress" in err, f"SIGTERM: exit {code} {err[-300:]}")
try:
    s.request("GET", "/healthz", timeout=2)
    c.ok(False, "after SIGTERM the port still answers")
except OSError:
    pass
c.done()
