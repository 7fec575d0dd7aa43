#!/usr/bin/env python3
"""A scripted SMTP server that misbehaves on cue, for briefing mail's fault tests.

    fault_smtpd.py --dir DIR FAULT...

Plain SMTP on 127.0.0.1 (ESMTP, no TLS, no AUTH). Prints "PORT n", then
stores each accepted message like smtpd.py (DIR/<n>.eml, DIR/deliveries.jsonl)
and logs every reply it gave in DIR/replies.log. Faults, each a word:

  greet421:N      the first N connections get "421" as greeting and are closed
  data451:N       the first N messages get "451" after their data
  data554:N       the first N messages get "554" (permanent) after their data
  rcpt550:ADDR    RCPT TO:<ADDR> always gets "550"
  rcpt451:ADDR:N  the first N RCPT TO:<ADDR> get "451"
  drop:N          the first N messages: the connection is closed after 1000 bytes
                  of their data (a disconnect in the middle of DATA)
  silent:K        from the K-th message on, no reply after the data: the
                  server stops answering and holds the connection
  auth454:N       offers AUTH PLAIN (without TLS); the first N attempts get
                  "454 temporary authentication failure", later ones 235
"""
import argparse
import asyncio
import email.parser
import json
import os
import re
import sys


class Script:
    def __init__(self, faults):
        self.greet421 = self.data451 = self.data554 = self.drop = 0
        self.auth454 = -1
        self.silent = 0
        self.rcpt550 = set()
        self.rcpt451 = {}
        for f in faults:
            kind, _, arg = f.partition(":")
            if kind in ("greet421", "data451", "data554", "drop", "silent", "auth454"):
                setattr(self, kind, int(arg))
            elif kind == "rcpt550":
                self.rcpt550.add(arg.lower())
            elif kind == "rcpt451":
                addr, _, n = arg.rpartition(":")
                self.rcpt451[addr.lower()] = int(n)
            else:
                sys.exit("unknown fault " + f)
        self.connections = 0
        self.messages = 0  # data transfers begun
        self.stored = 0


class Server:
    def __init__(self, folder, script):
        self.dir, self.s = folder, script
        self.log = open(os.path.join(folder, "replies.log"), "a")

    async def reply(self, w, line):
        self.log.write(line + "\n")
        self.log.flush()
        w.write((line + "\r\n").encode())
        await w.drain()

    def store(self, mail_from, rcpts, data):
        s = self.s
        s.stored += 1
        name = "%05d.eml" % s.stored
        with open(os.path.join(self.dir, name), "wb") as f:
            f.write(data)
        h = email.parser.BytesHeaderParser().parsebytes(data)
        line = {"file": name, "mail_from": mail_from, "rcpt_tos": rcpts,
                "message_id": (h.get("Message-ID") or "").strip().strip("<>"),
                "bytes": len(data)}
        with open(os.path.join(self.dir, "deliveries.jsonl"), "a") as f:
            f.write(json.dumps(line, ensure_ascii=False) + "\n")
        return s.stored

    async def read_data(self, r):
        """The message up to CRLF.CRLF, unstuffed; None when the client left."""
        lines = []
        while True:
            line = await r.readline()
            if not line:
                return None
            if line == b".\r\n":
                return b"".join(lines)
            if line.startswith(b".."):
                line = line[1:]
            lines.append(line)

    async def session(self, r, w):
        s = self.s
        s.connections += 1
        self.log.write("(connection %d)\n" % s.connections)
        try:
            if s.connections <= s.greet421:
                await self.reply(w, "421 4.3.2 too busy, try again later")
                w.close()
                return
            await self.reply(w, "220 127.0.0.1 ESMTP fault server")
            mail_from, rcpts = None, []
            while True:
                line = await r.readline()
                if not line:
                    return
                cmd = line.decode("utf-8", "replace").rstrip("\r\n")
                verb = cmd[:4].upper()
                if verb == "EHLO":
                    auth = b"250-AUTH PLAIN\r\n" if s.auth454 >= 0 else b""
                    w.write(b"250-127.0.0.1\r\n250-8BITMIME\r\n" + auth +
                            b"250 SIZE 67108864\r\n")
                    await w.drain()
                elif verb == "AUTH" and s.auth454 >= 0:
                    if len(cmd.split()) < 3:  # no initial response: ask for it
                        await self.reply(w, "334 ")
                        if not await r.readline():
                            return
                    if s.auth454 > 0:
                        s.auth454 -= 1
                        await self.reply(w, "454 4.7.0 Temporary authentication failure")
                    else:
                        await self.reply(w, "235 2.7.0 Authentication successful")
                elif verb == "HELO":
                    await self.reply(w, "250 127.0.0.1")
                elif verb == "MAIL":
                    m = re.search(r"<([^>]*)>", cmd)
                    mail_from, rcpts = (m.group(1) if m else ""), []
                    await self.reply(w, "250 2.1.0 Ok")
                elif verb == "RCPT":
                    m = re.search(r"<([^>]*)>", cmd)
                    addr = m.group(1) if m else ""
                    if addr.lower() in s.rcpt550:
                        await self.reply(w, "550 5.1.1 <%s>: Recipient address rejected: "
                                            "User unknown" % addr)
                    elif s.rcpt451.get(addr.lower(), 0) > 0:
                        s.rcpt451[addr.lower()] -= 1
                        await self.reply(w, "451 4.7.1 <%s>: greylisted, try again later" % addr)
                    else:
                        rcpts.append(addr)
                        await self.reply(w, "250 2.1.5 Ok")
                elif verb == "DATA":
                    if not rcpts:
                        await self.reply(w, "554 5.5.1 Error: no valid recipients")
                        continue
                    await self.reply(w, "354 End data with <CR><LF>.<CR><LF>")
                    s.messages += 1
                    n = s.messages
                    if n <= s.drop:
                        await r.readexactly(1000)
                        self.log.write("(closed in the middle of DATA)\n")
                        w.transport.abort()
                        return
                    data = await self.read_data(r)
                    if data is None:
                        return
                    if s.silent and n >= s.silent:
                        self.log.write("(silent)\n")
                        self.log.flush()
                        await asyncio.sleep(3600)
                        return
                    if n <= s.data451:
                        await self.reply(w, "451 4.3.0 Error: queue file write error")
                    elif n <= s.data451 + s.data554:
                        await self.reply(w, "554 5.7.1 Message rejected: content policy")
                    else:
                        k = self.store(mail_from, rcpts, data)
                        await self.reply(w, "250 2.0.0 Ok: queued as F%05d" % k)
                    mail_from, rcpts = None, []
                elif verb == "RSET":
                    mail_from, rcpts = None, []
                    await self.reply(w, "250 2.0.0 Ok")
                elif verb == "NOOP":
                    await self.reply(w, "250 2.0.0 Ok")
                elif verb == "QUIT":
                    await self.reply(w, "221 2.0.0 Bye")
                    w.close()
                    return
                else:
                    await self.reply(w, "502 5.5.2 Error: command not recognized")
        except (ConnectionError, asyncio.IncompleteReadError):
            return


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("faults", nargs="*")
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    srv = Server(a.dir, Script(a.faults))
    server = await asyncio.start_server(srv.session, "127.0.0.1", 0)
    print("PORT %d" % server.sockets[0].getsockname()[1], flush=True)
    loop = asyncio.get_running_loop()
    stop = loop.create_future()
    loop.add_reader(sys.stdin.fileno(), lambda: stop.done() or (
        not sys.stdin.buffer.read1(4096) and stop.set_result(None)))
    async with server:
        await stop


if __name__ == "__main__":
    asyncio.run(main())
