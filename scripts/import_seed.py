#!/usr/bin/env python3
"""Convert the raw seed reports into report JSON files (input/<id>.json).

Usage:
    python3 scripts/import_seed.py [--seeds DIR] [--out DIR] [--check] [-v]

The mechanical part (boilerplate removal, title/issuer/date extraction,
heading detection, section tree) is done here; the hand-picked indicators
live in scripts/seed_indicators/<id>.json and are merged in unchanged.

After writing, every output file is read back and verified (see verify());
the script exits with status 1 if any check fails.  --check only verifies
the existing files against the seeds, writing nothing.

Python 3 standard library only.
"""

import argparse
import datetime
import hashlib
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DEFAULT_SEEDS = os.environ.get("BRIEFING_SEEDS", "/work/shared/seeds")
DEFAULT_OUT = os.path.join(ROOT, "input")
INDICATOR_DIR = os.path.join(HERE, "seed_indicators")

# --------------------------------------------------------------------------
# Per-seed configuration.  Only facts that cannot be derived mechanically:
# which seed is which report, the region (name from the text, level/parent
# from common knowledge), where title/issuer/date come from, seed-specific
# boilerplate lines and broken lines to re-join.
#
#   title:   "line"      -> the first non-boilerplate line is the title
#            any string  -> composed title (the source has none)
#   issuer:  "signature" -> the line before the closing date line
#            any string  -> literal, must occur in the title
#            None        -> omitted
#   date:    "signature" -> closing line "YYYY年M月D日"
#            "published" -> the page header "发表日期:YYYY-MM-DD" (boilerplate)
#            None        -> omitted
#   extra_boilerplate: regexes (full line) for lines only this seed has
#   joins:   prefixes of lines that continue the previous line (a paragraph
#            broken in the middle of a word in the source); joined without
#            any separator
# --------------------------------------------------------------------------
SEEDS = [
    {
        "id": "hengshan-2021",
        "seed": "000_f8061b5b707236a2.txt",
        "sha256": "f13452a8e066ba2609518d6e0442529fa9d110eba4a62a238343a3d44177b92b",
        "region": {"name": "衡山县", "level": "县", "parent": "湖南省衡阳市"},
        "year": 2021,
        "title": "line",
        "issuer": "signature",
        "date": "signature",
        "extra_boilerplate": [],
        "joins": [],
    },
    {
        "id": "kundulun-2022",
        "seed": "001_13d687593c9c7455.txt",
        "sha256": "4bf2863596aa5b1a610b9f415ec706ab33d617b93afb1476e49c4de26a740bbb",
        "region": {"name": "昆都仑区", "level": "区", "parent": "内蒙古自治区包头市"},
        "year": 2022,
        "title": "line",
        "issuer": "signature",
        "date": "signature",
        "extra_boilerplate": [],
        "joins": [],
    },
    {
        "id": "luhuo-2021",
        "seed": "002_00019c19f38eb4da.txt",
        "sha256": "3fb70724bc00466213dba1f7754860d448c79209602d334b7bfe54a65622309e",
        "region": {"name": "炉霍县", "level": "县", "parent": "四川省甘孜藏族自治州"},
        "year": 2021,
        "title": "line",
        "issuer": "signature",
        "date": "signature",
        # English archival note prepended by whoever saved the page.
        "extra_boilerplate": [r"Original text of the .* no longer accessible\."],
        # "…各乡" / "(镇)卫生院作为哨点医院…" is one sentence split by a stray line break.
        "joins": ["(镇)卫生院作为哨点医院"],
    },
    {
        "id": "daye-2020",
        "seed": "003_8466602b70882c6f.txt",
        "sha256": "9f02780cb92e44b1fdda99d1f232b5379c744f145c443d8a37e20af094e77a79",
        "region": {"name": "大冶市", "level": "县级市", "parent": "湖北省黄石市"},
        "year": 2020,
        "title": "line",
        "issuer": "大冶市人民政府",
        "date": "published",
        "extra_boilerplate": [],
        "joins": [],
    },
    {
        "id": "fuxing-2020",
        "seed": "004_8fb7c7268df3df9a.txt",
        "sha256": "56e7704255332e9287ba0d20f5ed50aa702b2738b10763f6d75c8105167aaa45",
        "region": {"name": "复兴镇", "level": "镇", "parent": "重庆市忠县"},
        "year": 2020,
        "title": "复兴镇2020年法治政府建设情况报告",
        "issuer": None,
        "date": None,
        "extra_boilerplate": [],
        "joins": [],
    },
]

# Web-page furniture, matched against whole (trimmed) lines.
BOILERPLATE = [
    r"相关阅读[:：]?",
    r"扫一扫在手机打开当前页",
    r"无障碍阅读",
    r"今天是",
    r"当前位置[:：].*",
    r"发表日期[:：]\s*\d{4}-\d{2}-\d{2}\s*文章来源[:：].*",
    r"来源[:：].{1,30}",
    r"\d{4}年\d{1,2}月\d{1,2}日\s+\d{1,2}时\d{1,2}分",
    r"【字体[:：].*】.*",
    r"https?://\S+",
    r"[^。]{0,30}(浏览次数|打印本页|打印本文|访问量)[^。]{0,30}",
]

PUBLISHED_RE = re.compile(r"发表日期[:：]\s*(\d{4}-\d{2}-\d{2})")
SIGNATURE_DATE_RE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")

CN_NUM = "一二三四五六七八九十"
HEADING_RES = [
    (1, re.compile(r"[%s]+、" % CN_NUM)),
    (2, re.compile(r"[（(][%s]+[）)]" % CN_NUM)),
    (3, re.compile(r"\d{1,2}[.．、](?!\d)")),
    (4, re.compile(r"[（(]\d{1,2}[）)]")),
]
MAX_HEADING = 60  # a run-in heading must end with 。 within this many characters

ID_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
TOP_KEYS = ["id", "region", "year", "title", "issuer", "date", "summary",
            "indicators", "sections"]
REQUIRED_TOP = {"id", "region", "year", "title", "summary", "indicators", "sections"}
REGION_KEYS = ["name", "level", "parent"]
IND_KEYS = ["label", "value", "unit", "category", "quote"]
SECTION_KEYS = ["title", "paragraphs", "sections"]
MIN_INDICATORS = 10
MAX_LABEL = 12
MAX_QUOTE = 120


class CheckError(Exception):
    pass


# --------------------------------------------------------------------------
# Source handling shared by conversion and verification
# --------------------------------------------------------------------------

def read_seed(path):
    with open(path, "rb") as f:
        raw = f.read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise CheckError("%s: not valid UTF-8: %s" % (path, e))
    if text.startswith("\ufeff"):
        text = text[1:]
    return raw, text.replace("\r\n", "\n").replace("\r", "\n")


def boilerplate_rules(cfg):
    return [re.compile(p) for p in BOILERPLATE + cfg["extra_boilerplate"]]


def split_lines(text, cfg):
    """Trimmed non-empty lines, split into (kept, removed-as-boilerplate)."""
    rules = boilerplate_rules(cfg)
    kept, removed = [], []
    for line in text.split("\n"):
        line = line.strip()  # also strips U+3000, U+00A0 at the ends
        if not line:
            continue
        if any(r.fullmatch(line) for r in rules):
            removed.append(line)
        else:
            kept.append(line)
    return kept, removed


def apply_joins(lines, cfg):
    out = []
    used = set()
    for line in lines:
        hit = [p for p in cfg["joins"] if line.startswith(p)]
        if hit and out:
            out[-1] += line
            used.update(hit)
        else:
            out.append(line)
    missing = set(cfg["joins"]) - used
    if missing:
        raise CheckError("%s: join prefixes not found: %s" % (cfg["id"], sorted(missing)))
    return out


def squeeze(s):
    return "".join(ch for ch in s if not ch.isspace())


def cn_date(iso):
    d = datetime.date.fromisoformat(iso)
    return "%d年%d月%d日" % (d.year, d.month, d.day)


# --------------------------------------------------------------------------
# Conversion
# --------------------------------------------------------------------------

def heading_level(line):
    for level, rx in HEADING_RES:
        if rx.match(line):
            return level
    return 0


def split_heading(line):
    """(level, title, rest) for a heading line, or None for a plain paragraph."""
    level = heading_level(line)
    if not level:
        return None
    i = line.find("。")
    if i < 0:
        if len(line) <= MAX_HEADING:
            return level, line, ""
        return None
    if i + 1 > MAX_HEADING:
        return None
    return level, line[: i + 1], line[i + 1:].strip()


def build_tree(lines):
    summary = []
    root = {"sections": []}
    stack = [(0, root)]  # (level, node)
    for line in lines:
        h = split_heading(line)
        if h is None:
            node = stack[-1][1]
            if node is root:
                summary.append(line)
            else:
                node["paragraphs"].append(line)
            continue
        level, title, rest = h
        while stack[-1][0] >= level:
            stack.pop()
        sec = {"title": title, "paragraphs": [], "sections": []}
        stack[-1][1]["sections"].append(sec)
        stack.append((level, sec))
        if rest:
            sec["paragraphs"].append(rest)
    return summary, root["sections"]


def load_indicators(rid):
    path = os.path.join(INDICATOR_DIR, rid + ".json")
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    if not isinstance(data, list):
        raise CheckError("%s: expected a JSON array of indicators" % path)
    out = []
    for ind in data:
        out.append({k: ind[k] for k in IND_KEYS if k in ind})
        extra = set(ind) - set(IND_KEYS)
        if extra:
            raise CheckError("%s: unknown indicator fields %s" % (path, sorted(extra)))
    return out


def convert(cfg, seeds_dir):
    path = os.path.join(seeds_dir, cfg["seed"])
    raw, text = read_seed(path)
    digest = hashlib.sha256(raw).hexdigest()
    if digest != cfg["sha256"]:
        print("warning: %s: sha256 %s differs from the recorded one; re-check the "
              "boilerplate rules and indicators" % (cfg["seed"], digest), file=sys.stderr)
    kept, removed = split_lines(text, cfg)
    lines = apply_joins(kept, cfg)

    if cfg["title"] == "line":
        title = lines.pop(0)
        if "报告" not in title or "。" in title:
            raise CheckError("%s: first line does not look like a title: %r" % (cfg["id"], title))
    else:
        title = cfg["title"]

    issuer = date = None
    if cfg["date"] == "signature":
        m = SIGNATURE_DATE_RE.fullmatch(lines[-1])
        if not m:
            raise CheckError("%s: last line is not a date: %r" % (cfg["id"], lines[-1]))
        lines.pop()
        date = "%04d-%02d-%02d" % tuple(int(x) for x in m.groups())
    elif cfg["date"] == "published":
        hits = [PUBLISHED_RE.match(r) for r in removed]
        hits = [h.group(1) for h in hits if h]
        if len(hits) != 1:
            raise CheckError("%s: expected one 发表日期 header, found %d" % (cfg["id"], len(hits)))
        date = hits[0]
    if date:
        datetime.date.fromisoformat(date)

    if cfg["issuer"] == "signature":
        cand = lines[-1]
        if len(cand) > 40 or re.search(r"[。,，;；:：]", cand):
            raise CheckError("%s: line before the date is not a signature: %r" % (cfg["id"], cand))
        issuer = lines.pop()
    elif cfg["issuer"]:
        issuer = cfg["issuer"]

    summary, sections = build_tree(lines)

    report = {"id": cfg["id"], "region": dict(cfg["region"]), "year": cfg["year"],
              "title": title}
    if issuer:
        report["issuer"] = issuer
    if date:
        report["date"] = date
    report["summary"] = summary
    report["indicators"] = load_indicators(cfg["id"])
    report["sections"] = sections
    return report, removed


def dump(report):
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"


# --------------------------------------------------------------------------
# Verification (on the files as written)
# --------------------------------------------------------------------------

def walk(sections, depth=1):
    for s in sections:
        yield s, depth
        yield from walk(s["sections"], depth + 1)


def fmt_value(v):
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise ValueError("value is not a number")
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return repr(v) if isinstance(v, float) else str(v)


def verify(cfg, path, seeds_dir):
    errs = []

    def err(msg):
        errs.append("%s: %s" % (os.path.basename(path), msg))

    with open(path, "rb") as f:
        raw = f.read()
    try:
        text = raw.decode("utf-8")
        rep = json.loads(text)
    except (UnicodeDecodeError, ValueError) as e:
        return ["%s: invalid UTF-8/JSON: %s" % (path, e)]
    if text != dump(rep):
        err("not in canonical form (ensure_ascii=False, indent 2, trailing newline)")

    # --- shape and key order
    keys = list(rep)
    if keys != [k for k in TOP_KEYS if k in rep] or set(keys) - set(TOP_KEYS):
        err("top-level keys %s not a subsequence of %s" % (keys, TOP_KEYS))
    if not REQUIRED_TOP <= set(keys):
        err("missing keys %s" % sorted(REQUIRED_TOP - set(keys)))
        return errs
    if rep["id"] != cfg["id"] or not ID_RE.fullmatch(rep["id"]) or \
            os.path.basename(path) != rep["id"] + ".json":
        err("bad id %r" % rep["id"])
    reg = rep["region"]
    if list(reg) != [k for k in REGION_KEYS if k in reg] or "name" not in reg or \
            not all(isinstance(reg[k], str) and reg[k] for k in reg):
        err("bad region %r" % reg)
    if not isinstance(rep["year"], int) or isinstance(rep["year"], bool):
        err("year is not an integer")
    if "date" in rep:
        try:
            datetime.date.fromisoformat(rep["date"])
        except (TypeError, ValueError):
            err("bad date %r" % rep.get("date"))

    texts = []  # every title/paragraph, for quote look-up

    def check_text(where, s):
        if not isinstance(s, str) or not s:
            err("%s: empty or not a string" % where)
            return
        if s != s.strip():
            err("%s: untrimmed whitespace" % where)
        texts.append(s)

    for i, p in enumerate(rep["summary"]):
        check_text("summary[%d]" % i, p)
    for s, depth in walk(rep["sections"]):
        if list(s) != SECTION_KEYS:
            err("section keys %s != %s" % (list(s), SECTION_KEYS))
        check_text("section title", s["title"])
        for p in s["paragraphs"]:
            check_text("paragraph in %s" % s["title"], p)

    # --- byte-exact text: every title/paragraph occurs verbatim in the source
    _, src = read_seed(os.path.join(seeds_dir, cfg["seed"]))
    kept, removed = split_lines(src, cfg)
    joined = apply_joins(kept, cfg)
    src_text = "\n".join(joined)
    src_lines = set(joined)
    for t in texts:
        if t not in src_text:
            err("text not found verbatim in source: %r" % t[:40])
    # run-in headings: title + first paragraph must give back the source line
    for s, _ in walk(rep["sections"]):
        if s["title"] in src_lines:
            continue
        if not s["paragraphs"] or (s["title"] + s["paragraphs"][0]) not in src_lines:
            err("heading %r is neither a source line nor title+paragraph of one" % s["title"])

    # --- strict accounting: all non-boilerplate characters, in order
    got = []
    if cfg["title"] == "line":
        got.append(rep["title"])
    elif rep["title"] != cfg["title"]:
        err("title %r != configured %r" % (rep["title"], cfg["title"]))
    got.extend(rep["summary"])
    for s, _ in walk(rep["sections"]):
        got.append(s["title"])
        got.extend(s["paragraphs"])
    if cfg["issuer"] == "signature":
        got.append(rep.get("issuer", ""))
    elif cfg["issuer"]:
        if rep.get("issuer") != cfg["issuer"] or cfg["issuer"] not in rep["title"]:
            err("issuer %r must equal %r and occur in the title" % (rep.get("issuer"), cfg["issuer"]))
    elif "issuer" in rep:
        err("unexpected issuer")
    if cfg["date"] == "signature":
        got.append(cn_date(rep["date"]) if "date" in rep else "")
    elif cfg["date"] == "published":
        if not any(PUBLISHED_RE.match(r) and PUBLISHED_RE.match(r).group(1) == rep.get("date")
                   for r in removed):
            err("date %r not the page's 发表日期" % rep.get("date"))
    elif "date" in rep:
        err("unexpected date")
    want = squeeze("".join(kept))
    have = squeeze("".join(got))
    if want != have:
        n = next((i for i, (a, b) in enumerate(zip(want, have)) if a != b),
                 min(len(want), len(have)))
        err("text accounting mismatch at char %d: source %r vs output %r"
            % (n, want[n:n + 30], have[n:n + 30]))

    # --- indicators
    inds = rep["indicators"]
    if len(inds) < MIN_INDICATORS:
        err("only %d indicators (< %d)" % (len(inds), MIN_INDICATORS))
    for i, ind in enumerate(inds):
        where = "indicators[%d]" % i
        if list(ind) != [k for k in IND_KEYS if k in ind] or \
                not {"label", "value", "quote"} <= set(ind):
            err("%s: keys %s" % (where, list(ind)))
            continue
        for k in ("label", "unit", "category", "quote"):
            if k in ind and (not isinstance(ind[k], str) or not ind[k].strip()):
                err("%s: %s empty" % (where, k))
        if len(ind["label"]) > MAX_LABEL:
            err("%s: label longer than %d: %r" % (where, MAX_LABEL, ind["label"]))
        q = ind["quote"]
        if len(q) > MAX_QUOTE:
            err("%s: quote longer than %d" % (where, MAX_QUOTE))
        if not any(q in t for t in texts):
            err("%s: quote not in any title/paragraph: %r" % (where, q))
        try:
            v = fmt_value(ind["value"])
        except ValueError:
            err("%s: value %r not a number" % (where, ind["value"]))
            continue
        if not re.search(r"(?<![\d.])%s(?![\d]|\.\d)" % re.escape(v), q):
            err("%s: value %s not a whole number in quote %r" % (where, v, q))
    return errs


# --------------------------------------------------------------------------

def count(rep):
    secs = list(walk(rep["sections"]))
    paras = len(rep["summary"]) + sum(len(s["paragraphs"]) for s, _ in secs)
    return len(secs), paras, len(rep["indicators"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", default=DEFAULT_SEEDS, help="seed directory (default %(default)s)")
    ap.add_argument("--out", default=DEFAULT_OUT, help="output directory (default %(default)s)")
    ap.add_argument("--check", action="store_true", help="verify existing output only")
    ap.add_argument("-v", "--verbose", action="store_true", help="list removed boilerplate")
    args = ap.parse_args()

    failures = []
    for cfg in SEEDS:
        out = os.path.join(args.out, cfg["id"] + ".json")
        try:
            if not args.check:
                rep, removed = convert(cfg, args.seeds)
                os.makedirs(args.out, exist_ok=True)
                tmp = out + ".tmp"
                with open(tmp, "w", encoding="utf-8", newline="\n") as f:
                    f.write(dump(rep))
                os.replace(tmp, out)
                if args.verbose:
                    for r in removed:
                        print("  %s: removed %r" % (cfg["id"], r))
            errs = verify(cfg, out, args.seeds)
        except (CheckError, OSError, KeyError, IndexError, ValueError) as e:
            errs = ["%s: %s" % (cfg["id"], e)]
        if errs:
            failures.extend(errs)
            print("FAIL %s" % out, file=sys.stderr)
            for e in errs:
                print("  " + e, file=sys.stderr)
        else:
            with open(out, encoding="utf-8") as f:
                n_sec, n_par, n_ind = count(json.load(f))
            print("ok   %s  sections=%d paragraphs=%d indicators=%d"
                  % (os.path.relpath(out), n_sec, n_par, n_ind))
    if failures:
        print("%d check(s) failed" % len(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
