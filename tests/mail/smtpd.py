#!/usr/bin/python3
"""A real SMTP server for the tests: Debian's aiosmtpd on 127.0.0.1.

    smtpd.py --dir DIR [--starttls CERT KEY] [--smtps CERT KEY] [--auth USER:PASSWORD]
             [--require-starttls]

Prints "PORT n" on standard output once it listens, then stores every message
it accepts as DIR/<n>.eml (the bytes as received, dot-unstuffed) and one line
of DIR/deliveries.jsonl: {"file", "mail_from", "rcpt_tos", "message_id",
"bytes", "tls", "auth"}. Stops on SIGTERM or when its standard input closes.
"""
import argparse
import asyncio
import email.parser
import json
import os
import signal
import ssl
import sys
import threading
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Store:
    def __init__(self, folder, implicit_tls):
        self.dir = folder
        self.implicit_tls = implicit_tls  # aiosmtpd sets session.ssl after STARTTLS only
        self.n = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        data = envelope.original_content or envelope.content
        headers = email.parser.BytesHeaderParser().parsebytes(data)
        with self.lock:
            self.n += 1
            name = "%05d.eml" % self.n
            with open(os.path.join(self.dir, name), "wb") as f:
                f.write(data)
            line = {"file": name, "mail_from": envelope.mail_from,
                    "rcpt_tos": list(envelope.rcpt_tos),
                    "message_id": (headers.get("Message-ID") or "").strip().strip("<>"),
                    "bytes": len(data), "tls": self.implicit_tls or session.ssl is not None,
                    "auth": bool(getattr(session, "authenticated", False))}
            with open(os.path.join(self.dir, "deliveries.jsonl"), "a") as f:
                f.write(json.dumps(line, ensure_ascii=False) + "\n")
                f.flush()  # seen by the test at once; the tests kill clients, not servers
        return "250 2.0.0 Ok: queued as %05d" % self.n


def authenticator(user, password):
    def check(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user
              and auth_data.password.decode() == password)
        return AuthResult(success=ok, handled=False)  # False: the server answers 535
    return check


def main():
    # aiosmtpd 1.4 warns about its own use of a deprecated attribute
    warnings.simplefilter("ignore", DeprecationWarning)
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--starttls", nargs=2, metavar=("CERT", "KEY"))
    ap.add_argument("--smtps", nargs=2, metavar=("CERT", "KEY"))
    ap.add_argument("--require-starttls", action="store_true")
    ap.add_argument("--auth")
    ap.add_argument("--port", type=int, default=0)
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    kw = {}
    if a.starttls:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(*a.starttls)
        kw["tls_context"] = ctx
        kw["require_starttls"] = a.require_starttls
    ssl_ctx = None
    if a.smtps:
        ssl_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ssl_ctx.load_cert_chain(*a.smtps)
    if a.auth:
        user, password = a.auth.split(":", 1)
        kw["authenticator"] = authenticator(user, password)
        kw["auth_required"] = True
        # aiosmtpd 1.4 counts only STARTTLS as TLS: over smtps it would
        # never offer AUTH
        kw["auth_require_tls"] = not a.smtps
    port = a.port
    if not port:
        import socket
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
    c = Controller(Store(a.dir, bool(a.smtps)), hostname="127.0.0.1", port=port, ssl_context=ssl_ctx,
                   server_hostname="127.0.0.1", data_size_limit=64 << 20, **kw)
    c.start()
    print("PORT %d" % port, flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
    done.wait()
    c.stop()


if __name__ == "__main__":
    main()
