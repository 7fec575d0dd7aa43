"""Starting `briefing serve` for the tests: on 127.0.0.1 with port 0 (the
server picks a free port and prints it), stopped with SIGTERM at the end."""
import http.client
import json
import os
import re
import resource
import signal
import subprocess
import sys
import time


class Server:
    def __init__(self, binary, *args, env=None):
        e = dict(os.environ)
        e.setdefault("SOURCE_DATE_EPOCH", "1700000000")
        if env:
            e.update(env)
        self.proc = subprocess.Popen([binary, "serve", "--listen", "127.0.0.1:0", *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=e)
        line = self.proc.stdout.readline().decode()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not m:
            err = self.proc.stderr.read().decode()
            self.proc.kill()
            raise RuntimeError(f"server did not start: {line!r} {err}")
        self.port = int(m.group(1))
        self.host = "127.0.0.1"

    def conn(self, timeout=60):
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def request(self, method, path, body=None, headers=None, timeout=120):
        c = self.conn(timeout)
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        data = r.read()
        hdrs = {k.lower(): v for k, v in r.getheaders()}
        c.close()
        return r.status, hdrs, data

    def rss_kb(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def stop(self, timeout=60):
        """SIGTERM, then the exit status and what it printed on stderr."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None, self.proc.stderr.read().decode()
        return self.proc.returncode, self.proc.stderr.read().decode()


def raise_fd_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def ndjson_line(path):
    with open(path, encoding="utf-8") as f:
        return json.dumps(json.load(f), ensure_ascii=False)


class Checks:
    def __init__(self, name):
        self.name = name
        self.fails = []
        self.n = 0

    def ok(self, cond, what):
        self.n += 1
        if not cond:
            self.fails.append(what)
            print("FAIL:", what, file=sys.stderr, flush=True)
        return cond

    def done(self):
        print(f"{self.name}: {self.n - len(self.fails)} passed, {len(self.fails)} failed")
        sys.exit(1 if self.fails else 0)


def pdf_text(pdf_bytes, scratch):
    path = os.path.join(scratch, "t.pdf")
    with open(path, "wb") as f:
        f.write(pdf_bytes)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", path, "-"], capture_output=True,
                          text=True).stdout


def pdf_pages(pdf_bytes, scratch):
    path = os.path.join(scratch, "p.pdf")
    with open(path, "wb") as f:
        f.write(pdf_bytes)
    out = subprocess.run(["pdfinfo", path], capture_output=True, text=True).stdout
    m = re.search(r"^Pages:\s+(\d+)", out, re.M)
    return int(m.group(1)) if m else 0
