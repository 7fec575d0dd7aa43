#!/usr/bin/env python3
"""briefing mail --smtp against real servers on 127.0.0.1.

    mail_smtp.py BRIEFING WORKDIR SERVER_PYTHON

SERVER_PYTHON runs the servers (Debian's python3, which has aiosmtpd).

1. A real server (aiosmtpd) with STARTTLS on a self-signed certificate and
   AUTH receives the messages of every input; each is parsed back by Python's
   email package and must be byte for byte the .eml `mail -o` writes, with the
   exact PDF, the decoded Chinese subject and file name, and the recipients
   (Bcc in the envelope only). Re-running sends nothing. Credentials from the
   environment and from ~/.netrc; never in the output; a wrong password, a
   URL with credentials, an untrusted certificate, smtps://.
2. A scripted server injects faults; each has its documented outcome, manifest
   and journal: connection refused; 421 and 451 then success; 550 for one
   recipient (and a re-run); 451 for one recipient; a disconnect in the middle
   of DATA; 554; a server that stops answering.
3. A 200-message run interrupted by SIGINT, then killed with SIGKILL, each
   followed by a re-run: every message delivered, duplicates (by Message-ID)
   at most one per kill.
"""
import email
import email.policy
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HERE = os.path.dirname(os.path.abspath(__file__))
FROM = "衡山县司法局 <sfj@example.gov.cn>"
USER, PASSWORD = "sfj", "s3cret-pa55-不可见"
failed = passed = 0


def check(cond, what):
    global failed, passed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL: " + what, flush=True)


class Server:
    def __init__(self, python, script, folder, *args):
        self.dir = folder
        shutil.rmtree(folder, ignore_errors=True)
        self.p = subprocess.Popen([python, os.path.join(HERE, script), "--dir", folder, *args],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=open(folder + ".log", "w"))
        line = self.p.stdout.readline().decode()
        if not line.startswith("PORT "):
            raise SystemExit("server did not start: " + line)
        self.port = int(line.split()[1])

    def deliveries(self):
        try:
            with open(os.path.join(self.dir, "deliveries.jsonl"), encoding="utf-8") as f:
                return [json.loads(l) for l in f if l.strip()]
        except FileNotFoundError:
            return []

    def stop(self):
        self.p.stdin.close()
        try:
            self.p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()


def jsonl(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Mail:
    """One briefing mail command line, run in its own folder."""

    def __init__(self, bin_, work, name, inputs, csv):
        self.bin, self.inputs, self.csv = bin_, inputs, csv
        self.dir = os.path.join(work, name)
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        self.journal = os.path.join(self.dir, "journal.jsonl")
        self.manifest = os.path.join(self.dir, "manifest.jsonl")

    def args(self, url, extra=()):
        return [self.bin, "mail", *self.inputs, "--to", self.csv, "--from", FROM, "--smtp", url,
                "--journal", self.journal, "--manifest", self.manifest, "--retry-wait", "0.05",
                "-q", *extra]

    def run(self, url, extra=(), env=None, timeout=120):
        e = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
        e.pop("BRIEFING_SMTP_USER", None)
        e.pop("BRIEFING_SMTP_PASSWORD", None)
        e.update(env or {})
        t = time.monotonic()
        p = subprocess.run(self.args(url, extra), capture_output=True, env=e, timeout=timeout,
                           cwd=self.dir)
        self.seconds = time.monotonic() - t
        self.err = p.stderr.decode("utf-8", "replace")
        return p.returncode

    def statuses(self):
        return [m["status"] for m in jsonl(self.manifest)]


def write_csv(path, rows):
    with open(path, "w", encoding="utf-8-sig") as f:
        f.write("id,name,to,cc,bcc\n")
        for r in rows:
            f.write(",".join('"%s"' % c.replace('"', '""') if ("," in c or '"' in c) else c
                             for c in r) + "\n")


def pdf_of(msg):
    for part in msg.walk():
        if part.get_content_type() == "application/pdf":
            return part.get_filename(), part.get_payload(decode=True)
    return None, None


# ---- 1. a real server --------------------------------------------------------

def real_server(bin_, work, py, inputs, csv):
    cert, key = os.path.join(work, "cert.pem"), os.path.join(work, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                    "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1", "-addext",
                    "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    # what -o writes, to compare with what the server receives
    eml = os.path.join(work, "eml")
    p = subprocess.run([bin_, "mail", *inputs, "--to", csv, "--from", FROM, "-o", eml, "-q"],
                       capture_output=True, env=dict(os.environ, SOURCE_DATE_EPOCH="1700000000"))
    check(p.returncode == 0, "mail -o: exit %d %s" % (p.returncode, p.stderr[-300:]))
    written = {m["message_id"]: m for m in jsonl(os.path.join(eml, "manifest.jsonl"))}

    srv = Server(py, "smtpd.py", os.path.join(work, "rx-tls"), "--starttls", cert, key,
                 "--require-starttls", "--auth", "%s:%s" % (USER, PASSWORD))
    url = "smtp://127.0.0.1:%d" % srv.port
    creds = {"BRIEFING_SMTP_USER": USER, "BRIEFING_SMTP_PASSWORD": PASSWORD}
    m = Mail(bin_, work, "tls", inputs, csv)
    rc = m.run(url, ["--require-tls", "--cacert", cert], env=creds)
    check(rc == 0, "STARTTLS+AUTH: exit %d: %s" % (rc, m.err[-500:]))
    got = srv.deliveries()
    check(len(got) == len(inputs), "STARTTLS+AUTH: %d messages received" % len(got))
    check(all(g["tls"] and g["auth"] for g in got), "every message over TLS after AUTH")
    for g in got:
        w = written.get(g["message_id"])
        check(w is not None, "received %s is one mail -o wrote" % g["message_id"])
        if not w:
            continue
        data = open(os.path.join(srv.dir, g["file"]), "rb").read()
        same = open(os.path.join(eml, w["id"] + ".eml"), "rb").read()
        check(data == same, "%s: received bytes == mail -o's .eml" % w["id"])
        msg = email.message_from_bytes(data, policy=email.policy.default)
        want = [a.strip() for a in w["recipients"].split(",")]
        check(sorted(g["rcpt_tos"]) == sorted(want),
              "%s: envelope %s == to+cc+bcc %s" % (w["id"], g["rcpt_tos"], want))
        if w["id"] == "hengshan-2021":
            check("wangwu@example.gov.cn" in g["rcpt_tos"] and
                  "wangwu" not in data.split(b"\r\n\r\n")[0].decode(),
                  "hengshan: the Bcc address in the envelope only")
        check(g["mail_from"] == "sfj@example.gov.cn", "%s: envelope sender" % w["id"])
        check("Bcc" not in msg, "%s: no Bcc header" % w["id"])
        check("年法治政府建设情况简报" in str(msg["Subject"]), "%s: subject decoded" % w["id"])
        name, pdf = pdf_of(msg)
        check(name and name.endswith("年法治政府建设情况简报.pdf"),
              "%s: attachment name %r" % (w["id"], name))
        check(pdf and pdf.startswith(b"%PDF-"), "%s: a PDF attached" % w["id"])
        if w["id"] == "hengshan-2021":
            out = os.path.join(work, "hengshan.pdf")
            subprocess.run([bin_, "render", "-t", os.path.join(ROOT, "templates/summary.json"),
                            "-o", out, inputs[0] if "hengshan" in inputs[0] else
                            os.path.join(ROOT, "input/hengshan-2021.json")], check=True,
                           capture_output=True,
                           env=dict(os.environ, SOURCE_DATE_EPOCH="1700000000"))
            check(pdf == open(out, "rb").read(), "hengshan: attached PDF == briefing render")
    man = jsonl(m.manifest)
    check([x["status"] for x in man] == ["sent"] * len(inputs), "manifest: all sent")
    check(all(x["attempts"] == 1 and x["reply"].startswith("250") for x in man),
          "manifest: one attempt each, the server's 250 reply")
    jl = jsonl(m.journal)
    check(len(jl) == len(inputs) and {j["message_id"] for j in jl} == {g["message_id"] for g in got},
          "journal: one line per accepted message")
    secret_free = all(PASSWORD not in open(f, encoding="utf-8").read()
                      for f in (m.manifest, m.journal)) and PASSWORD not in m.err
    check(secret_free, "the password appears in no output")

    rc = m.run(url, ["--require-tls", "--cacert", cert], env=creds)
    check(rc == 0 and len(srv.deliveries()) == len(inputs),
          "re-run: exit %d, nothing sent again (%d received)" % (rc, len(srv.deliveries())))
    check(m.statuses() == ["already-sent"] * len(inputs), "re-run manifest: already-sent")

    # a journal whose last line was cut short (a kill in the middle of the
    # write): dropped with a warning, the file repaired, nothing sent twice
    size = os.path.getsize(m.journal)
    with open(m.journal, "a") as f:
        f.write('{"message_id": "cut-sh')
    rc = m.run(url, ["--require-tls", "--cacert", cert], env=creds)
    check(rc == 0 and "cut short" in m.err and os.path.getsize(m.journal) == size and
          len(srv.deliveries()) == len(inputs), "torn journal line: exit %d: %s" % (rc, m.err))
    # a whole last entry without its newline (an editor dropped it): kept
    data = open(m.journal, "rb").read()
    open(m.journal, "wb").write(data.rstrip(b"\n"))
    rc = m.run(url, ["--require-tls", "--cacert", cert], env=creds)
    check(rc == 0 and "cut short" not in m.err and open(m.journal, "rb").read() == data and
          len(srv.deliveries()) == len(inputs),
          "last entry without newline kept: exit %d: %s" % (rc, m.err[-200:]))
    # a journal that is something else: exit 2 naming the line, nothing sent
    bad = os.path.join(m.dir, "bad-journal.jsonl")
    open(bad, "w").write(open(m.journal).read() + "not json\n")
    m.journal, good_journal = bad, m.journal
    rc = m.run(url, ["--require-tls", "--cacert", cert], env=creds)
    check(rc == 2 and "line %d: not JSON" % (len(inputs) + 1) in m.err,
          "foreign journal: exit %d: %s" % (rc, m.err[-200:]))
    # a journal in use by another run: exit 2
    import fcntl
    m.journal = good_journal
    with open(m.journal) as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        rc = m.run(url, ["--require-tls", "--cacert", cert], env=creds)
    check(rc == 2 and "in use" in m.err, "journal in use: exit %d: %s" % (rc, m.err[-200:]))
    check(len(srv.deliveries()) == len(inputs), "journal errors: nothing sent")

    # wrong password: fatal, not retried, no secret echoed
    m2 = Mail(bin_, work, "badpass", inputs, csv)
    rc = m2.run(url, ["--cacert", cert, "-j", "1"], env={"BRIEFING_SMTP_USER": USER,
                                              "BRIEFING_SMTP_PASSWORD": "wrong-" + PASSWORD})
    check(rc == 1 and "stopped" in m2.err, "wrong password: exit %d, stopped: %s" %
          (rc, m2.err[-300:]))
    check(len(jsonl(m2.manifest)) == 1 and jsonl(m2.manifest)[0]["attempts"] == 1,
          "wrong password: one report tried once, the rest left")
    check(PASSWORD not in m2.err, "wrong password: not echoed")
    check(len(srv.deliveries()) == len(inputs), "wrong password: nothing delivered")

    # no certificate to trust: fatal
    m3 = Mail(bin_, work, "nocert", inputs, csv)
    rc = m3.run(url, ["--require-tls"], env=creds)
    check(rc == 1 and "stopped" in m3.err and "certificate" in m3.err.lower(),
          "untrusted certificate: exit %d: %s" % (rc, m3.err[-300:]))

    # ~/.netrc instead of the environment
    home = os.path.join(work, "home")
    os.makedirs(home, exist_ok=True)
    with open(os.path.join(home, ".netrc"), "w") as f:
        f.write("machine 127.0.0.1 login %s password %s\n" % (USER, PASSWORD))
    os.chmod(os.path.join(home, ".netrc"), 0o600)
    m4 = Mail(bin_, work, "netrc", inputs[:1], csv)
    rc = m4.run(url, ["--cacert", cert], env={"HOME": home})
    check(rc == 0 and len(srv.deliveries()) == len(inputs) + 1,
          "credentials from ~/.netrc: exit %d %s" % (rc, m4.err[-300:]))

    # credentials in the URL are refused before anything happens
    m5 = Mail(bin_, work, "urlcreds", inputs[:1], csv)
    rc = m5.run("smtp://%s:%s@127.0.0.1:%d" % (USER, "x", srv.port))
    check(rc == 2 and "BRIEFING_SMTP_USER" in m5.err, "credentials in the URL: exit %d" % rc)
    srv.stop()

    # smtps:// (TLS from the first byte)
    srv = Server(py, "smtpd.py", os.path.join(work, "rx-smtps"), "--smtps", cert, key,
                 "--auth", "%s:%s" % (USER, PASSWORD))
    m6 = Mail(bin_, work, "smtps", inputs, csv)
    rc = m6.run("smtps://127.0.0.1:%d" % srv.port, ["--cacert", cert], env=creds)
    got = srv.deliveries()
    check(rc == 0 and len(got) == len(inputs) and all(g["tls"] for g in got),
          "smtps://: exit %d, %d received %s" % (rc, len(got), m6.err[-300:]))
    srv.stop()


# ---- 2. faults -----------------------------------------------------------------------

def faults(bin_, work, py, inputs, csv):
    n = len(inputs)

    # connection refused: retried, then the run stops; nothing in the journal
    m = Mail(bin_, work, "refused", inputs, csv)
    rc = m.run("smtp://127.0.0.1:%d" % free_port(), ["--retries", "2", "-j", "1"])
    man = jsonl(m.manifest)
    check(rc == 1 and "stopped" in m.err, "refused: exit %d, stopped: %s" % (rc, m.err[-200:]))
    check(len(man) == 1 and man[0]["status"] == "failed" and man[0]["attempts"] == 3,
          "refused: one report, three attempts: %s" % man)
    check(os.path.getsize(m.journal) == 0, "refused: journal empty")
    check(man and man[0].get("not_sent") == ["daye@example.gov.cn"] and "rejected" not in man[0]
          and "Couldn't connect" in man[0].get("error", ""),
          "refused: the recipient is listed as not sent, not as refused: %s" % man)

    def scripted(name, faults_, extra=("-j", "1"), runs=1):
        srv = Server(py, "fault_smtpd.py", os.path.join(work, "rx-" + name), *faults_)
        m = Mail(bin_, work, name, inputs, csv)
        rcs = [m.run("smtp://127.0.0.1:%d" % srv.port, list(extra)) for _ in range(runs)]
        return srv, m, rcs

    # 421 at the greeting, then 451 after the data: both retried, all delivered once
    srv, m, (rc,) = scripted("421-451", ["greet421:1", "data451:1"])
    got = srv.deliveries()
    man = jsonl(m.manifest)
    check(rc == 0 and len(got) == n and len({g["message_id"] for g in got}) == n,
          "421+451: exit %d, %d delivered %s" % (rc, len(got), m.err[-300:]))
    check(man[0]["attempts"] == 3 and all(x["attempts"] == 1 for x in man[1:]),
          "421+451: the first message took three attempts: %s" % [x["attempts"] for x in man])
    check(len(jsonl(m.journal)) == n, "421+451: journal complete")
    srv.stop()

    # 550 for one recipient: the others get it; recorded by address; a re-run
    # tries only that address
    srv, m, (rc,) = scripted("550", ["rcpt550:lisi@example.gov.cn"])
    man = {x["id"]: x for x in jsonl(m.manifest)}
    h = man.get("hengshan-2021", {})
    check(rc == 1 and h.get("status") == "partial", "550: exit %d, hengshan %s" %
          (rc, h.get("status")))
    check(h.get("accepted") == ["zhangsan@example.gov.cn", "wangwu@example.gov.cn"],
          "550: accepted %s" % h.get("accepted"))
    rej = h.get("rejected", [])
    check(len(rej) == 1 and rej[0]["address"] == "lisi@example.gov.cn" and
          rej[0]["reply"].startswith("550"), "550: rejected %s" % rej)
    check(h.get("attempts") == 1, "550: not retried")
    conns = open(os.path.join(srv.dir, "replies.log")).read().count("(connection ")
    check(conns == 1, "one connection for the %d messages of a worker: %d" % (n, conns))
    check("lisi@example.gov.cn refused the message: 550" in m.err, "550: said: " + m.err[-300:])
    hj = [j for j in jsonl(m.journal) if j["id"] == "hengshan-2021"]
    check(len(hj) == 1 and "lisi@example.gov.cn" not in hj[0]["accepted"],
          "550: journal holds the accepted addresses only")
    before = len(srv.deliveries())
    rc = m.run("smtp://127.0.0.1:%d" % srv.port, ["-j", "1"])
    man = {x["id"]: x for x in jsonl(m.manifest)}
    check(rc == 1 and len(srv.deliveries()) == before and
          man["hengshan-2021"]["status"] == "partial" and
          sorted(x["status"] for k, x in man.items() if k != "hengshan-2021") ==
          ["already-sent"] * (n - 1), "550 re-run: only lisi tried again: %s" %
          {k: x["status"] for k, x in man.items()})
    srv.stop()

    # 451 for one recipient (greylisting): the others at once, that one on retry
    srv, m, (rc,) = scripted("rcpt451", ["rcpt451:lisi@example.gov.cn:1"])
    hg = [g for g in srv.deliveries() if g["message_id"].endswith("hengshan-2021@example.gov.cn")]
    h = {x["id"]: x for x in jsonl(m.manifest)}["hengshan-2021"]
    check(rc == 0 and h["status"] == "sent" and h["attempts"] == 2,
          "rcpt 451: exit %d, %s after %d attempts" % (rc, h["status"], h["attempts"]))
    check([g["rcpt_tos"] for g in hg] == [["zhangsan@example.gov.cn", "wangwu@example.gov.cn"],
                                          ["lisi@example.gov.cn"]],
          "rcpt 451: two transactions, no one twice: %s" % [g["rcpt_tos"] for g in hg])
    srv.stop()

    # one recipient greylisted, the others refused: the greylisted one is
    # retried alone (the last reply is not the whole message's)
    srv, m, (rc,) = scripted("451-550", ["rcpt451:zhangsan@example.gov.cn:1",
                                         "rcpt550:lisi@example.gov.cn",
                                         "rcpt550:wangwu@example.gov.cn"])
    h = {x["id"]: x for x in jsonl(m.manifest)}["hengshan-2021"]
    check(rc == 1 and h["status"] == "partial" and h["accepted"] == ["zhangsan@example.gov.cn"]
          and sorted(r["address"] for r in h.get("rejected", [])) ==
          ["lisi@example.gov.cn", "wangwu@example.gov.cn"] and h["attempts"] == 2,
          "451 for one, 550 for the others: %s" % h)
    srv.stop()

    # 454 at AUTH (a busy authentication backend): retried, not fatal; without
    # TLS the credentials go only with --plaintext-auth
    srv = Server(py, "fault_smtpd.py", os.path.join(work, "rx-auth454"), "auth454:1")
    m = Mail(bin_, work, "auth454", inputs, csv)
    url = "smtp://127.0.0.1:%d" % srv.port
    creds = {"BRIEFING_SMTP_USER": USER, "BRIEFING_SMTP_PASSWORD": PASSWORD}
    rc = m.run(url, ["-j", "1"], env=creds)
    check(rc == 1 and "stopped" in m.err and len(srv.deliveries()) == 0 and
          "AUTH" not in open(os.path.join(srv.dir, "replies.log")).read(),
          "credentials without TLS: refused before AUTH: exit %d %s" % (rc, m.err[-300:]))
    m = Mail(bin_, work, "auth454b", inputs, csv)
    rc = m.run(url, ["-j", "1", "--plaintext-auth"], env=creds)
    man = jsonl(m.manifest)
    check(rc == 0 and len(srv.deliveries()) == n and man[0]["attempts"] == 2,
          "454 at AUTH retried: exit %d, %s" % (rc, [x.get("attempts") for x in man]))
    srv.stop()

    # the connection closed in the middle of DATA: retried, delivered once
    srv, m, (rc,) = scripted("drop", ["drop:1"])
    got = srv.deliveries()
    check(rc == 0 and len(got) == n and len({g["message_id"] for g in got}) == n and
          jsonl(m.manifest)[0]["attempts"] == 2,
          "drop in DATA: exit %d, %d delivered: %s" % (rc, len(got), m.err[-300:]))
    check("(closed in the middle of DATA)" in open(os.path.join(srv.dir, "replies.log")).read(),
          "drop in DATA: the server did close")
    srv.stop()

    # 554 after the data: permanent, not retried, the others go; a re-run sends it
    srv, m, rcs = scripted("554", ["data554:1"], runs=2)
    check(rcs == [1, 0], "554: exit %s (then re-run)" % rcs)
    check(len(srv.deliveries()) == n and len({g["message_id"] for g in srv.deliveries()}) == n,
          "554: all delivered once after the re-run")
    srv.stop()

    # the server stops answering after two messages: timeout, retry, stop
    srv = Server(py, "fault_smtpd.py", os.path.join(work, "rx-silent"), "silent:3")
    m = Mail(bin_, work, "silent", inputs, csv)
    t = time.monotonic()
    rc = m.run("smtp://127.0.0.1:%d" % srv.port, ["-j", "1", "--timeout", "1", "--retries", "1"])
    el = time.monotonic() - t
    man = jsonl(m.manifest)
    check(rc == 1 and "stopped" in m.err and el < 20,
          "silent server: exit %d after %.1f s: %s" % (rc, el, m.err[-300:]))
    check([x["status"] for x in man] == ["sent", "sent", "failed"] and man[2]["attempts"] == 2,
          "silent server: two sent, the third timed out twice: %s" %
          [(x["status"], x.get("attempts")) for x in man])
    check(len(jsonl(m.journal)) == 2, "silent server: journal has the two")
    check(len(man) == 3 and len(man[2].get("not_sent", [])) == 3 and "timed out" in
          man[2].get("error", ""), "silent server: the third's recipients not sent, timed out")
    srv.stop()

    # Ctrl-C waits for the message in flight; a second one stops at once
    srv = Server(py, "fault_smtpd.py", os.path.join(work, "rx-silent2"), "silent:1")
    m = Mail(bin_, work, "silent2", inputs, csv)
    p = subprocess.Popen(m.args("smtp://127.0.0.1:%d" % srv.port, ["-j", "1", "--timeout", "60"]),
                         cwd=m.dir, stderr=subprocess.PIPE)
    log = os.path.join(srv.dir, "replies.log")
    t = time.monotonic()
    while "(silent)" not in (open(log).read() if os.path.exists(log) else "") and \
            time.monotonic() - t < 30:
        time.sleep(0.02)
    p.send_signal(signal.SIGUSR1)  # someone else's SIGUSR1: ignored
    p.send_signal(signal.SIGINT)
    time.sleep(0.5)
    still = p.poll() is None
    t = time.monotonic()
    p.send_signal(signal.SIGINT)
    try:
        rc = p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        rc = p.wait()
    check(still and rc == 130 and time.monotonic() - t < 5,
          "Ctrl-C waits for the message in flight, a second one stops: %s %s" % (still, rc))
    srv.stop()

    # Ctrl-C while waiting for input on a pipe
    p = subprocess.Popen([bin_, "mail", "-", "--to", csv, "--from", FROM, "-o",
                          os.path.join(work, "pipe-out")], stdin=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    time.sleep(0.5)
    t = time.monotonic()
    p.send_signal(signal.SIGINT)
    try:
        rc = p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        rc = p.wait()
    p.stdin.close()
    check(rc == 130 and time.monotonic() - t < 5, "Ctrl-C while reading a pipe: exit %s" % rc)


# ---- 3. interrupted and killed runs -------------------------------------------------

def killed(bin_, work, py):
    reports, rows = [], []
    for f in sorted(os.listdir(os.path.join(ROOT, "input"))):
        if not f.endswith(".json"):
            continue
        base = json.load(open(os.path.join(ROOT, "input", f), encoding="utf-8"))
        for k in range(40):
            r = dict(base, id="%s-%02d" % (base["id"], k))
            reports.append(json.dumps(r, ensure_ascii=False))
            rows.append((r["id"], "", "k%03d@example.gov.cn" % len(rows), "", ""))
    nd = os.path.join(work, "two-hundred.ndjson")
    open(nd, "w", encoding="utf-8").write("\n".join(reports) + "\n")
    csv = os.path.join(work, "two-hundred.csv")
    write_csv(csv, rows)
    srv = Server(py, "smtpd.py", os.path.join(work, "rx-kill"))
    m = Mail(bin_, work, "kill", [nd], csv)
    url = "smtp://127.0.0.1:%d" % srv.port

    def start_and_stop(sig, at):
        e = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
        p = subprocess.Popen(m.args(url, ["-j", "1"]), cwd=m.dir, env=e,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        t = time.monotonic()
        while len(srv.deliveries()) < at and p.poll() is None and time.monotonic() - t < 60:
            time.sleep(0.005)
        p.send_signal(sig)
        p.wait(timeout=60)
        return p.returncode

    rc = start_and_stop(signal.SIGINT, 40)
    n_int = len(srv.deliveries())
    check(rc == 130 and 40 <= n_int < 200, "SIGINT: exit %d after %d" % (rc, n_int))
    check(len(jsonl(m.journal)) == n_int, "SIGINT: the journal has every delivered message")
    rc = start_and_stop(signal.SIGKILL, n_int + 60)
    check(rc == -9, "SIGKILL: %d" % rc)
    rc = m.run(url, ["-j", "1"])
    got = srv.deliveries()
    ids = [g["message_id"] for g in got]
    check(rc == 0, "re-run after the kill: exit %d %s" % (rc, m.err[-300:]))
    check(len(set(ids)) == 200, "all 200 delivered: %d distinct" % len(set(ids)))
    check(len(ids) - len(set(ids)) <= 1, "at most one duplicate (the one in flight): %d" %
          (len(ids) - len(set(ids))))
    st = m.statuses()
    check(len(st) == 200 and st.count("sent") + st.count("already-sent") == 200,
          "re-run manifest: every report sent or already sent")
    srv.stop()


def main():
    bin_, work, py = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]), sys.argv[3]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    inputs = sorted(os.path.join(ROOT, "input", f) for f in os.listdir(os.path.join(ROOT, "input"))
                    if f.endswith(".json"))
    inputs.append(os.path.join(ROOT, "tests/import/corpus/sijiqing-jiedao-2023.docx"))
    rows = [("hengshan-2021", "张三", "张三 <zhangsan@example.gov.cn>",
             "李四 <lisi@example.gov.cn>", "wangwu@example.gov.cn"),
            ("kundulun-2022", "", "kdl@example.gov.cn", "", ""),
            ("luhuo-2021", "赵六", "zhaoliu@example.gov.cn", "", ""),
            ("daye-2020", "", "daye@example.gov.cn", "", ""),
            ("fuxing-2020", "", "\"复兴镇, 党政办\" <fx@example.gov.cn>", "", ""),
            ("四季青街道", "", "sjq@example.gov.cn", "", "")]
    csv = os.path.join(work, "to.csv")
    write_csv(csv, rows)
    real_server(bin_, work, py, inputs, csv)
    faults(bin_, work, py, inputs, csv)
    killed(bin_, work, py)
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
