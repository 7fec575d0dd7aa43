#!/usr/bin/env python3
"""briefing mail -o: every message parsed back by Python's email package.

    mail_eml.py BRIEFING WORKDIR

Checks, on the five reports of input/ (and a raw Word report): the decoded
Chinese subject and attachment file name, the recipients (a CSV in UTF-8 with
BOM and one in GB18030, quoted cells, display names, ; and , between
addresses), the attached PDF byte for byte equal to `briefing render -t
templates/summary.json`, the text and HTML bodies with the key indicators,
the manifest, byte-identical re-runs, and the errors: a malformed address
names its CSV line (exit 2), a report without a row fails alone (exit 1).
"""
import email
import email.policy
import json
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FROM = "衡山县司法局 <sfj@example.gov.cn>"
failed = passed = 0


def check(cond, what):
    global failed, passed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL: " + what)


def run(args, **kw):
    return subprocess.run(args, capture_output=True, timeout=300, **kw)


def main():
    bin_, work = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    inputs = sorted(os.path.join(ROOT, "input", f) for f in os.listdir(os.path.join(ROOT, "input"))
                    if f.endswith(".json"))
    docx = os.path.join(ROOT, "tests/import/corpus/sijiqing-jiedao-2023.docx")
    rows = [
        ("hengshan-2021", "张三", "张三 <zhangsan@example.gov.cn>",
         "李四 <lisi@example.gov.cn>; wangwu@example.gov.cn"),
        ("昆都仑区", "", "kdl@example.gov.cn", ""),
        ("luhuo-2021", "赵六", "zhaoliu@example.gov.cn", ""),
        ("daye-2020", "", "daye@example.gov.cn", ""),
        ("fuxing-2020", "", "\"复兴镇, 党政办\" <fx@example.gov.cn>", ""),
        ("四季青街道", "", "sjq@example.gov.cn", ""),
    ]

    def csv_text(rs):
        out = ["id,name,to,cc"]
        for r in rs:
            out.append(",".join('"%s"' % c.replace('"', '""') if ("," in c or '"' in c) else c
                                for c in r))
        return "\r\n".join(out) + "\r\n"

    for enc, name in (("utf-8-sig", "to-utf8.csv"), ("gb18030", "to-gb.csv")):
        with open(os.path.join(work, name), "wb") as f:
            f.write(csv_text(rows).encode(enc))
    for csv, out in (("to-utf8.csv", "out"), ("to-gb.csv", "out-gb"), ("to-utf8.csv", "again")):
        p = run([bin_, "mail"] + inputs + [docx, "--to", os.path.join(work, csv), "--from", FROM,
                                            "-o", os.path.join(work, out)])
        check(p.returncode == 0, "%s: exit %d: %s" % (csv, p.returncode, p.stderr.decode()[-500:]))
    manifest = [json.loads(l) for l in open(os.path.join(work, "out/manifest.jsonl"), encoding="utf-8")]
    check(len(manifest) == 6 and all(m["status"] == "written" for m in manifest), "manifest: 6 written")
    for m in manifest:
        path = os.path.join(work, "out", m["id"] + ".eml")
        data = open(path, "rb").read()
        check(data == open(os.path.join(work, "again", m["id"] + ".eml"), "rb").read(),
              m["id"] + ": a re-run gives the same bytes")
        check(data == open(os.path.join(work, "out-gb", m["id"] + ".eml"), "rb").read(),
              m["id"] + ": the GB18030 CSV gives the same message")
        msg = email.message_from_bytes(data, policy=email.policy.default)
        src = m["source"]
        rep = json.loads(run([bin_, "import", src]).stdout)
        want_subject = "%s%d年法治政府建设情况简报" % (rep["region"]["name"], rep["year"])
        check(msg["Subject"] == want_subject, "%s: subject %r" % (m["id"], msg["Subject"]))
        check(msg["Message-ID"] == "<%s>" % m["message_id"], m["id"] + ": Message-ID as the manifest says")
        to = [a.addr_spec for a in msg["To"].addresses]
        cc = [a.addr_spec for a in msg["Cc"].addresses] if msg["Cc"] else []
        check(", ".join(to + cc) == m["recipients"], "%s: recipients %r" % (m["id"], to + cc))
        row = [r for r in rows if r[0] in (rep["id"], rep["region"]["name"])][0]
        if "<" in row[2]:
            check(msg["To"].addresses[0].display_name == row[2].split("<")[0].strip().strip('"'),
                  m["id"] + ": display name")
        check(msg.get_content_type() == "multipart/mixed", m["id"] + ": multipart/mixed")
        parts = list(msg.iter_parts())
        check(parts[0].get_content_type() == "multipart/alternative", m["id"] + ": alternative first")
        plain = parts[0].get_body(("plain",)).get_content()
        if row[1]:
            check(plain.startswith(row[1] + "："), m["id"] + ": greeting by name")
        html = parts[0].get_body(("html",)).get_content()
        check(rep["title"] in plain and "主要指标" in plain, m["id"] + ": text body")
        check("<table" in html and "主要指标" in html, m["id"] + ": html body with the table")
        atts = [p for p in msg.iter_attachments()]
        check(len(atts) == 1 and atts[0].get_content_type() == "application/pdf", m["id"] + ": one PDF")
        check(atts[0].get_filename() == want_subject + ".pdf",
              "%s: file name %r" % (m["id"], atts[0].get_filename()))
        pdf = os.path.join(work, m["id"] + ".pdf")
        run([bin_, "render", src, "-t", os.path.join(ROOT, "templates/summary.json"), "-o", pdf])
        check(atts[0].get_content() == open(pdf, "rb").read(), m["id"] + ": the PDF render gives")
    # errors
    with open(os.path.join(work, "bad.csv"), "w", encoding="utf-8") as f:
        f.write("id,name,to,cc\nhengshan-2021,张三,not an address,\n")
    p = run([bin_, "mail", inputs[0], "--to", os.path.join(work, "bad.csv"), "--from", FROM,
             "-o", os.path.join(work, "bad")])
    check(p.returncode == 2 and "bad.csv: line 2: to: malformed address" in p.stderr.decode(),
          "malformed address: %d %s" % (p.returncode, p.stderr.decode()))
    with open(os.path.join(work, "one.csv"), "w", encoding="utf-8") as f:
        f.write("id,name,to,cc\nhengshan-2021,,a@example.gov.cn,\n")
    p = run([bin_, "mail"] + inputs + ["--to", os.path.join(work, "one.csv"), "--from", FROM,
                                       "-o", os.path.join(work, "one")])
    check(p.returncode == 1 and "no recipients" in p.stderr.decode(), "missing row: exit 1")
    check(os.path.exists(os.path.join(work, "one/hengshan-2021.eml")), "the others are written")
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
