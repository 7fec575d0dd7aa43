#!/usr/bin/env python3
"""Mail throughput: the national set through `briefing mail -o` (on one and on
every core), then sent to a real SMTP server on 127.0.0.1 (aiosmtpd, which
shares the cores with briefing and writes every message to disk).

    bench_mail.py BRIEFING NATIONAL.ndjson WORKDIR [SERVER_PYTHON]

Prints messages/s and peak RSS; best of two runs for -o.
"""
import json
import os
import resource
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def timed(args, cwd=None):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.monotonic()
    p = subprocess.run(args, cwd=cwd, capture_output=True,
                       env=dict(os.environ, SOURCE_DATE_EPOCH="1700000000"))
    el = time.monotonic() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        sys.exit("bench_mail: %s: exit %d\n%s" % (args[1], p.returncode, p.stderr.decode()[-800:]))
    return el, after.ru_maxrss, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def main():
    bin_, nd, work = map(os.path.abspath, sys.argv[1:4])
    py = sys.argv[4] if len(sys.argv) > 4 else "/usr/bin/python3"
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    ids = [json.loads(l)["id"] for l in open(nd, encoding="utf-8") if l.strip()]
    csv = os.path.join(work, "to.csv")
    with open(csv, "w", encoding="utf-8") as f:
        f.write("id,name,to,cc\n")
        for i in ids:
            f.write("%s,,%s@example.gov.cn,\n" % (i, i))
    base = [bin_, "mail", nd, "--to", csv, "--from", "司法局 <sfj@example.gov.cn>", "-q"]
    n = len(ids)
    for jobs in ("1", str(os.cpu_count() or 1)):
        best = None
        for k in range(2):
            out = os.path.join(work, "eml-%s-%d" % (jobs, k))
            el, rss, cpu = timed(base + ["-o", out, "-j", jobs])
            shutil.rmtree(out)
            if best is None or el < best[0]:
                best = (el, rss, cpu)
        el, rss, cpu = best
        print("mail -o, %d messages, -j %s: %.2f s, %.0f messages/s, %.2f ms CPU/message"
              % (n, jobs, el, n / el, cpu * 1e3 / n))
    jobs_send = os.environ.get("BENCH_MAIL_JOBS", "4")
    rx = os.path.join(work, "rx")
    srv = subprocess.Popen([py, os.path.join(ROOT, "tests/mail/smtpd.py"), "--dir", rx],
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL)
    port = int(srv.stdout.readline().split()[1])
    try:
        el, rss, cpu = timed(base + ["--smtp", "smtp://127.0.0.1:%d" % port, "-j", jobs_send,
                                     "--journal", os.path.join(work, "journal.jsonl"),
                                     "--manifest", os.path.join(work, "manifest.jsonl")])
        got = sum(1 for _ in open(os.path.join(rx, "deliveries.jsonl")))
        st = open("/proc/%d/stat" % srv.pid).read().rsplit(")", 1)[1].split()
        server_cpu = (int(st[11]) + int(st[12])) / os.sysconf("SC_CLK_TCK")
        print("mail --smtp to aiosmtpd on 127.0.0.1, %d messages (%d received), -j %s: %.2f s, "
              "%.0f messages/s; CPU per message: briefing %.2f ms (journal synced per message), "
              "the server %.2f ms" % (n, got, jobs_send, el, n / el, cpu * 1e3 / n, server_cpu * 1e3 / n))
    finally:
        srv.stdin.close()
        srv.wait(timeout=30)
    print("mail peak RSS: %.1f MB" % (resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024))
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
