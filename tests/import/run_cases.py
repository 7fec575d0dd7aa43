#!/usr/bin/env python3
"""Runs tests/import/cases.tsv: one import rule per line.

    run_cases.py BRIEFING [NAME...]

Columns (tab-separated): name, input, expect, transform.
  input      the raw report; \\n is a line break, \\t a tab, \\\\ a backslash
  expect     checks separated by " ; ", each KEY=VALUE:
               title region level parent year issuer date id   (none = absent)
               tree     the heading tree: LEVEL:TITLE|LEVEL:TITLE|...
               summary  the lead paragraphs: TEXT|TEXT|...
               para     a paragraph (of any section) equal to this text
               ind      an indicator LABEL:VALUE:UNIT is present
               noind    no indicator has this value
               nind     the number of indicators
               error    import fails (exit 2) with this text on stderr
               warn     this text is in a warning on stderr
               explain  this text is in the --explain output
  transform  how the input is stored before import: - (UTF-8), utf8-bom,
             gb18030, utf16le-bom, utf16be-bom, html (the lines as <p>s in a
             page with site chrome), docx (paragraphs; "#N " before a line
             makes it a Word heading N)
"""
import json
import os
import subprocess
import sys
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))


def unescape(s):
    out, i = [], 0
    while i < len(s):
        if s[i] == "\\" and i + 1 < len(s):
            out.append({"n": "\n", "t": "\t", "\\": "\\"}.get(s[i + 1], s[i + 1]))
            i += 2
        else:
            out.append(s[i])
            i += 1
    return "".join(out)


def html_page(text):
    paras = "".join("<p>%s</p>\n" % l for l in text.split("\n") if l.strip())
    return ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>页面</title></head><body>"
            "<div class=\"nav\"><a href=\"/\">首页</a> <a href=\"/a\">政务公开</a></div>"
            "<div class=\"crumb\">当前位置：<a href=\"/\">首页</a> &gt; 法治政府</div>"
            "<div class=\"main\"><div class=\"article\">%s</div>"
            "<div class=\"tools\">【打印本页】【关闭窗口】</div></div>"
            "<div class=\"footer\">主办单位：某县人民政府办公室 ICP备12345678号</div>"
            "</body></html>" % paras)


def docx(text):
    import io
    from xml.sax.saxutils import escape
    body = []
    for line in text.split("\n"):
        style = ""
        if line.startswith("#") and line[1:2].isdigit() and line[2:3] == " ":
            style = '<w:pPr><w:pStyle w:val="Heading%s"/></w:pPr>' % line[1]
            line = line[3:]
        body.append('<w:p>%s<w:r><w:t xml:space="preserve">%s</w:t></w:r></w:p>'
                    % (style, escape(line)))
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    doc = '<?xml version="1.0" encoding="UTF-8"?><w:document %s><w:body>%s</w:body></w:document>' % (
        ns, "".join(body))
    styles = ('<?xml version="1.0" encoding="UTF-8"?><w:styles %s>' % ns + "".join(
        '<w:style w:type="paragraph" w:styleId="Heading%d"><w:name w:val="heading %d"/></w:style>'
        % (k, k) for k in range(1, 5)) + "</w:styles>")
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="xml" ContentType="application/xml"/></Types>')
        z.writestr("word/document.xml", doc)
        z.writestr("word/styles.xml", styles)
    return b.getvalue()


def store(text, transform):
    if transform in ("-", ""):
        return text.encode("utf-8"), ".txt"
    if transform == "utf8-bom":
        return b"\xef\xbb\xbf" + text.encode("utf-8"), ".txt"
    if transform == "gb18030":
        return text.encode("gb18030"), ".txt"
    if transform == "utf16le-bom":
        return b"\xff\xfe" + text.encode("utf-16-le"), ".txt"
    if transform == "utf16be-bom":
        return b"\xfe\xff" + text.encode("utf-16-be"), ".txt"
    if transform == "html":
        return html_page(text).encode("utf-8"), ".html"
    if transform == "docx":
        return docx(text), ".docx"
    raise ValueError("unknown transform " + transform)


def walk(sections, depth=1):
    for s in sections:
        yield s, depth
        yield from walk(s.get("sections", []), depth + 1)


def check(bin_, name, text, expect, transform, tmp):
    data, ext = store(text, transform)
    path = os.path.join(tmp, name + ext)
    with open(path, "wb") as f:
        f.write(data)
    # IMPORT_WRAPPER: a command put before briefing (valgrind)
    wrapper = os.environ.get("IMPORT_WRAPPER", "").split()
    p = subprocess.run(wrapper + [bin_, "import", "--explain", path], capture_output=True,
                       timeout=600)
    if p.returncode == 99:
        return ["the wrapper found errors: " + p.stderr.decode("utf-8", "replace")[-2000:]]
    err = p.stderr.decode("utf-8", "replace")
    checks = [c.strip() for c in expect.split(" ; ") if c.strip()]
    problems = []
    wants_error = any(c.startswith("error=") for c in checks)
    if wants_error:
        if p.returncode != 2:
            problems.append("expected exit 2, got %d" % p.returncode)
    elif p.returncode != 0:
        return ["import failed (%d): %s" % (p.returncode, err.strip())]
    r = json.loads(p.stdout.decode("utf-8")) if p.returncode == 0 else {}
    for c in checks:
        key, _, want = c.partition("=")
        if key == "error" or key == "warn" or key == "explain":
            if want not in err:
                problems.append("%s %r not in stderr: %s" % (key, want, err.strip()))
            continue
        if key in ("title", "year", "issuer", "date", "id"):
            got = r.get(key)
        elif key in ("region", "level", "parent"):
            got = r.get("region", {}).get({"region": "name"}.get(key, key))
        elif key == "tree":
            got = "|".join("%d:%s" % (d, s["title"]) for s, d in walk(r.get("sections", [])))
        elif key == "summary":
            got = "|".join(r.get("summary", []))
        elif key == "para":
            paras = [p_ for s, _ in walk(r.get("sections", [])) for p_ in s["paragraphs"]]
            if want not in paras:
                problems.append("no paragraph %r (have %r)" % (want, [x[:20] for x in paras]))
            continue
        elif key == "ind":
            label, value, unit = want.split(":")
            inds = r.get("indicators", [])
            if not any(i["label"] == label and str(i["value"]) == value and i.get("unit") == unit
                       for i in inds):
                problems.append("no indicator %s (have %s)" % (want, [
                    "%s:%s:%s" % (i["label"], i["value"], i.get("unit")) for i in inds]))
            continue
        elif key == "noind":
            bad = [i for i in r.get("indicators", []) if str(i["value"]) == want]
            if bad:
                problems.append("unexpected indicator %r" % bad[0])
            continue
        elif key == "nind":
            got = len(r.get("indicators", []))
        else:
            problems.append("unknown check " + key)
            continue
        got = "none" if got is None else str(got)
        if got != want:
            problems.append("%s: expected %r, got %r" % (key, want, got))
    return problems


def same_report(bin_, tmp):
    """The seeds as text, as a web page and as a Word file give one report.
    Text that does not separate its paragraphs with blank lines may differ
    where a line is re-joined (markup says where paragraphs end; plain text
    without blank lines does not): there only the page and the Word file
    are compared."""
    problems = []
    seeds = os.path.join(HERE, "seeds")
    for name in sorted(os.listdir(seeds)):
        if not name.endswith(".txt"):
            continue
        text = open(os.path.join(seeds, name), encoding="utf-8").read()
        outs = {}
        for fmt in ("-", "html", "docx"):
            data, ext = store(text, fmt)
            path = os.path.join(tmp, "same-" + name[:-4] + ext)
            with open(path, "wb") as f:
                f.write(data)
            p = subprocess.run([bin_, "import", path], capture_output=True, timeout=60)
            outs[fmt] = json.loads(p.stdout) if p.returncode == 0 else None
        lines = text.split("\n")
        full = [i for i, l in enumerate(lines) if l.strip()]
        after_blank = sum(1 for i in full[1:] if not lines[i - 1].strip())
        gapped = after_blank * 10 >= (len(full) - 1) * 6
        pairs = [("html", "docx")] + ([("-", "html")] if gapped else [])
        for a, b in pairs:
            if outs[a] is None or outs[b] is None or outs[a] != outs[b]:
                problems.append("%s: %s and %s give different reports" % (
                    name, {"-": "text"}.get(a, a), b))
    return problems


def main():
    bin_ = os.path.abspath(sys.argv[1])
    only = set(sys.argv[2:])
    failed = total = 0
    with tempfile.TemporaryDirectory() as tmp, open(os.path.join(HERE, "cases.tsv"),
                                                    encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) != 4:
                print("FAIL malformed line: %r" % line[:60])
                failed += 1
                continue
            name, text, expect, transform = cols
            if only and name not in only:
                continue
            total += 1
            problems = check(bin_, name, unescape(text), expect, transform, tmp)
            if problems:
                failed += 1
                print("FAIL %s" % name)
                for pr in problems:
                    print("     " + pr)
        if not only:
            total += 1
            problems = same_report(bin_, tmp)
            if problems:
                failed += 1
                print("FAIL same-report")
                for pr in problems:
                    print("     " + pr)
    print("%d passed, %d failed" % (total - failed, failed))
    return 1 if failed or not total else 0


if __name__ == "__main__":
    sys.exit(main())
