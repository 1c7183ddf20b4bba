#!/usr/bin/python3
"""A real SMTP server for the mail tests: aiosmtpd on 127.0.0.1, storing what it receives.

Usage: smtp_sink.py DIR [--tls-cert CERT --tls-key KEY] [--auth USER:PASSWORD]

- Listens on a free port of 127.0.0.1 and writes it to DIR/port (atomically, once listening).
- Stores each accepted message as DIR/NNNN.eml (the DATA bytes as received, dot-unstuffed) and
  DIR/NNNN.json ({"mail_from": ..., "rcpt_tos": [...]}); both files exist before the 250 reply.
- DIR/control, when present, makes it refuse messages: one line per rule, "STAGE CODE COUNT"
  with STAGE "rcpt" or "data", e.g. "data 451 2" answers the next two DATA with 451. The count
  is decremented (the file rewritten) as rules are used, so a test can script retries.
- --tls-cert/--tls-key offer STARTTLS; --auth requires AUTH PLAIN/LOGIN with those credentials
  before MAIL (allowed without TLS: loopback tests only).
Exits on SIGTERM/SIGINT; the tests also SIGKILL it.
Needs Debian's python3-aiosmtpd: run it with /usr/bin/python3.
"""
import argparse
import asyncio
import json
import logging
import os
import signal
import ssl
import sys
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

MESSAGES = {
    "451": "451 4.3.0 Temporary failure, try again later",
    "452": "452 4.2.2 Mailbox full",
    "550": "550 5.1.1 Recipient address rejected: User unknown",
    "554": "554 5.7.1 Message refused",
}


class Sink:
    def __init__(self, directory):
        self.dir = directory
        self.count = 0

    def _write_atomically(self, name, data):
        tmp = os.path.join(self.dir, "." + name + ".tmp")
        with open(tmp, "wb") as f:
            f.write(data)
        os.rename(tmp, os.path.join(self.dir, name))

    def _refusal(self, stage):
        """The reply for this stage when a control rule applies (and uses it up), else None."""
        path = os.path.join(self.dir, "control")
        try:
            with open(path) as f:
                lines = [line.split() for line in f if line.strip()]
        except FileNotFoundError:
            return None
        reply = None
        kept = []
        for rule in lines:
            if reply is None and len(rule) == 3 and rule[0] == stage and int(rule[2]) > 0:
                code = rule[1]
                reply = MESSAGES.get(code, code + " Refused by the test")
                rule = [rule[0], rule[1], str(int(rule[2]) - 1)]
            kept.append(rule)
        self._write_atomically("control", "".join(" ".join(r) + "\n" for r in kept).encode())
        return reply

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        refusal = self._refusal("rcpt")
        if refusal:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        refusal = self._refusal("data")
        if refusal:
            return refusal
        self.count += 1
        stem = "%04d" % self.count
        meta = {"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos}
        self._write_atomically(stem + ".eml", envelope.original_content or envelope.content)
        self._write_atomically(stem + ".json", json.dumps(meta).encode())
        return "250 2.0.0 OK: queued as " + stem


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dir")
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--auth")
    args = parser.parse_args()
    # aiosmtpd warns about AUTH without TLS, which is what the tests want on loopback.
    warnings.filterwarnings("ignore")
    logging.getLogger("mail.log").setLevel(logging.CRITICAL)

    sink = Sink(args.dir)
    tls = None
    if args.tls_cert:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(args.tls_cert, args.tls_key)
    kwargs = {"hostname": "sink.test", "tls_context": tls, "data_size_limit": 64 * 1024 * 1024}
    if args.auth:
        user, password = args.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (isinstance(auth_data, LoginPassword) and auth_data.login == user.encode()
                  and auth_data.password == password.encode())
            return AuthResult(success=ok, handled=False)

        kwargs.update(authenticator=authenticator, auth_required=True, auth_require_tls=False)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(
        loop.create_server(lambda: SMTP(sink, loop=loop, **kwargs), "127.0.0.1", 0))
    port = server.sockets[0].getsockname()[1]
    sink._write_atomically("port", str(port).encode())
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, loop.stop)
    loop.run_forever()
    server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
