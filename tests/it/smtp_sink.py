"""A real SMTP server for the alert tests (aiosmtpd, Debian's python3-aiosmtpd): STARTTLS
required, AUTH required after it, each message appended to OUT as one JSON line with its
decoded subject and body, so the test sees what a mail client would show.

usage: smtp_sink.py PORT CERT KEY USER PASSWORD OUT
"""
import asyncio
import email
import email.policy
import json
import ssl
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


def main():
    port, cert, key, user, password, out = sys.argv[1:]
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert, key)

    def authenticate(server, session, envelope, mechanism, data):
        ok = data.login.decode() == user and data.password.decode() == password
        return AuthResult(success=ok)

    class Sink:
        async def handle_DATA(self, server, session, envelope):
            msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
            with open(out, "a", encoding="utf-8") as f:
                f.write(json.dumps({
                    "from": envelope.mail_from, "to": envelope.rcpt_tos,
                    "subject": str(msg["subject"]), "body": msg.get_content(),
                    "content_type": msg.get_content_type(), "charset": msg.get_content_charset(),
                }, ensure_ascii=False) + "\n")
            return "250 OK"

    c = Controller(Sink(), hostname="127.0.0.1", port=int(port), tls_context=tls,
                   require_starttls=True, authenticator=authenticate, auth_require_tls=True,
                   ready_timeout=10)
    c.start()
    try:
        while True:
            time.sleep(3600)
    finally:
        c.stop()


if __name__ == "__main__":
    asyncio.set_event_loop(asyncio.new_event_loop())
    main()
