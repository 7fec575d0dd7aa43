#!/usr/bin/env python3
"""Measures `briefing import` on real reports no one here wrote.

    check_corpus.py BRIEFING CORPUS_DIR [SEEDS_DIR] [-v]

Every raw report in CORPUS_DIR (.txt, .html, .docx) has a hand-checked
NAME.expect beside it (tests/import/corpus/README.md): its heading tree
(hN lines) and facts (title, region, level, year, issuer, date). SEEDS_DIR
holds the five seed texts, whose expected trees are those of input/*.json.

For each report this prints the heading-tree F1 (a heading counts when its
level and text, white space aside, are right) and the facts that differ,
then the overall F1 over all headings. It fails when:
  - the overall F1 is below 0.95, or any report's below 0.80;
  - the year or the region is wrong in more than one report in ten;
  - the indicators import finds in the seeds include fewer than 80 % of the
    ones picked by hand (tests/import/seeds/indicators/), matched by value
    and unit;
  - an indicator's value is not in its quote, or its quote is not in the
    report's text and in the source;
  - `briefing render` of the raw file fails, or its PDF fails qpdf --check,
    or pdftotext does not find the title, the headings and every indicator
    label in it (the one command from a Word file to a briefing);
  - for text and Word files, a character of the source is neither in the
    report nor listed by --explain as dropped or read as a fact (nothing
    lost), or the report has text the source does not (nothing invented).
"""
import html.parser
import json
import os
import re
import subprocess
import sys
import zipfile

RAW = (".txt", ".html", ".htm", ".docx")


def squeeze(s):
    return re.sub(r"\s+", "", s)


def decode(data):
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030")


class TextOf(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.skip:
            self.skip -= 1

    def handle_data(self, d):
        if not self.skip:
            self.out.append(d)


def source_text(path):
    data = open(path, "rb").read()
    if path.endswith(".docx"):
        with zipfile.ZipFile(path) as z:
            xml = z.read("word/document.xml").decode("utf-8")
        return "".join(re.findall(r"<w:t(?:\s[^>]*)?>([^<]*)</w:t>", xml)).replace(
            "&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
    text = decode(data)
    if path.endswith((".html", ".htm")):
        p = TextOf()
        p.feed(text)
        return "".join(p.out).replace("\xa0", " ")
    return text


def walk(sections, depth=1):
    for s in sections:
        yield s, depth
        yield from walk(s.get("sections", []), depth + 1)


def heads_of(r):
    return [(d, squeeze(s["title"])) for s, d in walk(r.get("sections", []))]


def read_expect(path):
    facts, heads = {}, []
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line.strip() or line.startswith("#") or "\t" not in line:
            continue
        key, value = line.split("\t", 1)
        m = re.fullmatch(r"h(\d)", key)
        if m:
            heads.append((int(m.group(1)), squeeze(value)))
        else:
            facts[key] = value.strip()
    return facts, heads


def expect_of_json(path):
    r = json.load(open(path, encoding="utf-8"))
    facts = {"title": r["title"], "region": r["region"]["name"], "year": str(r["year"])}
    for k in ("issuer", "date"):
        if k in r:
            facts[k] = r[k]
    return facts, heads_of(r)


def f1(want, got):
    rest = list(got)
    tp = 0
    for h in want:
        if h in rest:
            rest.remove(h)
            tp += 1
    p = tp / len(got) if got else (1.0 if not want else 0.0)
    r = tp / len(want) if want else 1.0
    return (2 * p * r / (p + r) if p + r else 0.0), tp


def num_text(v):
    if float(v).is_integer() and abs(v) < 1e15:
        return str(int(v))
    return repr(float(v))


def texts_in_order(r, composed_title):
    out = []
    if not composed_title:
        out.append(("title", r["title"]))
    out += [("summary", p) for p in r.get("summary", [])]
    for s, _ in walk(r.get("sections", [])):
        out.append(("heading", s["title"]))
        out += [("paragraph", p) for p in s["paragraphs"]]
    if "issuer" in r and r["issuer"] not in r["title"]:  # else read from the title
        out.append(("issuer", r["issuer"]))
    return out


def account(src, pieces, explained):
    """Characters of src (white space aside) not covered by the report's
    pieces or the explained ones; pieces not found in src."""
    s = squeeze(src)
    covered = bytearray(len(s))

    def take(piece, start):
        p = squeeze(piece)
        if not p:
            return start, True
        at = s.find(p, start)
        while at >= 0 and any(covered[at:at + len(p)]):
            at = s.find(p, at + 1)
        if at < 0 and start:
            return take(piece, 0)
        if at < 0:
            return start, False
        covered[at:at + len(p)] = b"\x01" * len(p)
        return at + len(p), True

    missing = []
    for e in explained:
        take(e, 0)
    cur = 0
    for kind, p in pieces:
        if kind in ("title", "issuer"):
            _, ok = take(p, 0)
        else:
            cur, ok = take(p, cur)
        if not ok:
            missing.append(p)
    lost = [i for i, c in enumerate(covered) if not c]
    return lost, missing, s


def check(bin_, path, facts, want, verbose):
    p = subprocess.run([bin_, "import", "--explain", path], capture_output=True, timeout=120)
    err = p.stderr.decode("utf-8", "replace")
    problems = []
    if p.returncode != 0:
        return None, 0, 0, ["import failed (%d): %s" % (p.returncode, err.strip()[:300])], {}, None
    r = json.loads(p.stdout)
    got = heads_of(r)
    score, tp = f1(want, got)
    if verbose:
        for h in want:
            if h not in got:
                print("      missing h%d %s" % h)
        for h in got:
            if h not in want:
                print("      extra   h%d %s" % h)
    got_facts = {"title": r["title"], "region": r["region"]["name"],
                 "level": r["region"].get("level", ""), "year": str(r["year"]),
                 "issuer": r.get("issuer", ""), "date": r.get("date", "")}
    wrong = {}
    for k in ("title", "region", "level", "year", "issuer", "date"):
        if k in facts and squeeze(facts[k]) != squeeze(got_facts[k]):
            wrong[k] = (facts[k], got_facts[k])
    src = source_text(path)
    text = "\n".join(t for _, t in texts_in_order(r, True))
    sq_src = squeeze(src)
    for i, ind in enumerate(r.get("indicators", [])):
        q = ind.get("quote", "")
        if num_text(ind["value"]) not in q:
            problems.append("indicators[%d]: value %s not in quote %r" % (i, ind["value"], q))
        if q not in text:
            problems.append("indicators[%d]: quote not in the report's text: %r" % (i, q))
        if squeeze(q) not in sq_src:
            problems.append("indicators[%d]: quote not in the source: %r" % (i, q))
    composed = "no title found; composed" in err
    explained = []
    for line in err.splitlines():
        m = re.match(r"^.*?: (dropped|found): [^:]*?: (.*)$", line)
        if m:
            explained.append(m.group(2).replace("\\n", "\n"))
    pieces = texts_in_order(r, composed)
    if path.endswith((".html", ".htm")):
        # the page's chrome outside the article is not listed one piece at
        # a time: only check that nothing is invented
        for kind, t in pieces:
            if squeeze(t) not in sq_src:
                problems.append("%s not in the page: %r" % (kind, t[:40]))
    else:
        lost, missing, s = account(src, pieces, explained)
        for t in missing:
            problems.append("text not in the source: %r" % t[:40])
        if lost:
            runs, start = [], lost[0]
            for a, b in zip(lost, lost[1:] + [None]):
                if b != a + 1:
                    runs.append(s[start:a + 1])
                    start = b
            problems.append("%d characters of the source lost, e.g. %r" % (
                len(lost), [x[:30] for x in runs[:3]]))
    problems += check_render(bin_, path, r)
    return score, tp, len(got), problems, wrong, r


def check_render(bin_, path, r):
    import tempfile
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        pdf = os.path.join(tmp, "out.pdf")
        p = subprocess.run([bin_, "render", path, "-o", pdf], capture_output=True, timeout=120)
        if p.returncode != 0:
            return ["render failed (%d): %s" % (p.returncode, p.stderr.decode()[-300:])]
        q = subprocess.run(["qpdf", "--check", pdf], capture_output=True)
        if q.returncode != 0:
            problems.append("qpdf --check: " + q.stdout.decode()[-200:])
        t = subprocess.run(["pdftotext", "-enc", "UTF-8", pdf, "-"], capture_output=True)
        # the renderer shows ASCII punctuation in Chinese text full width
        table = str.maketrans(",:;!?()", "，：；！？（）")
        text = squeeze(t.stdout.decode("utf-8")).translate(table)
        want = [r["title"]] + [s["title"] for s, _ in walk(r.get("sections", []))] + [
            i["label"] for i in r.get("indicators", [])]
        for w in want:
            if squeeze(w).translate(table) not in text:
                problems.append("not in the PDF's text: %r" % w[:40])
                break
    return problems


def hand_coverage(hand_path, r):
    """(hand-picked indicators, how many import also found)."""
    hand = json.load(open(hand_path, encoding="utf-8"))
    got = [(i["value"], i.get("unit") or "") for i in r.get("indicators", [])]
    hit = sum(1 for h in hand if any(v == h["value"] and u.endswith(h.get("unit") or "")
                                     for v, u in got))
    return len(hand), hit


def main():
    args = [a for a in sys.argv[1:] if a != "-v"]
    verbose = "-v" in sys.argv
    bin_ = os.path.abspath(args[0])
    items = []
    corpus = args[1]
    for name in sorted(os.listdir(corpus)) if os.path.isdir(corpus) else []:
        if name.endswith(RAW):
            stem = name[:name.rindex(".")]
            exp = os.path.join(corpus, stem + ".expect")
            if not os.path.exists(exp):
                print("FAIL %s: no %s" % (name, os.path.basename(exp)))
                items.append((name, None, None, None))
                continue
            facts, heads = read_expect(exp)
            items.append((name, os.path.join(corpus, name), facts, heads))
    if len(args) > 2:
        seeds = args[2]
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        for name in sorted(os.listdir(seeds)):
            if name.endswith(".txt"):
                facts, heads = expect_of_json(os.path.join(root, "input", name[:-4] + ".json"))
                facts.pop("title", None) if name.startswith("fuxing") else None
                items.append(("seeds/" + name, os.path.join(seeds, name), facts, heads))
    total_want = total_got = total_tp = 0
    failed = 0
    fact_wrong = {"year": 0, "region": 0}
    hand_total = hand_hit = 0
    for name, path, facts, want in items:
        if path is None:
            failed += 1
            continue
        score, tp, n_got, problems, wrong, r = check(bin_, path, facts, want, verbose)
        hand = os.path.join(os.path.dirname(path), "indicators",
                            os.path.basename(path)[:-4] + ".json")
        if r is not None and name.startswith("seeds/") and os.path.exists(hand):
            n_hand, n_hit = hand_coverage(hand, r)
            hand_total += n_hand
            hand_hit += n_hit
        if score is None:
            failed += 1
            print("FAIL %-40s %s" % (name, problems[0]))
            continue
        total_want += len(want)
        total_got += n_got
        total_tp += tp
        for k in fact_wrong:
            fact_wrong[k] += k in wrong
        bad = problems or score < 0.80
        failed += bool(bad)
        print("%s %-40s F1 %.3f  (%d expected, %d found, %d right)%s" % (
            "FAIL" if bad else "ok  ", name, score, len(want), n_got, tp,
            "".join("  %s: want %r got %r" % (k, a, b) for k, (a, b) in wrong.items())))
        for pr in problems[:8]:
            print("     " + pr)
    n = len(items)
    p = total_tp / total_got if total_got else 0
    r = total_tp / total_want if total_want else 0
    overall = 2 * p * r / (p + r) if p + r else 0
    print("overall heading F1 %.3f (precision %.3f, recall %.3f) over %d reports, %d headings"
          % (overall, p, r, n, total_want))
    print("year wrong in %d, region wrong in %d" % (fact_wrong["year"], fact_wrong["region"]))
    if hand_total:
        print("hand-picked indicators of the seeds found by import: %d of %d (%.0f %%)"
              % (hand_hit, hand_total, 100.0 * hand_hit / hand_total))
        if hand_hit * 10 < hand_total * 8:
            print("FAIL fewer than 80 % of the hand-picked indicators")
            failed += 1
    if n == 0:
        print("no reports")
        failed += 1
    if overall < 0.95:
        print("FAIL overall F1 below 0.95")
        failed += 1
    for k, v in fact_wrong.items():
        if v * 10 > n:
            print("FAIL %s wrong in more than one report in ten" % k)
            failed += 1
    print("%d passed, %d failed" % (max(n - failed, 0), failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
