"""How long resend and reset take for a verified, an unverified and an unknown address, with a slow mail server.

    DATABASE_URL=postgres://... .venv/bin/python bench/account_email_timing.py [ROUNDS]

Runs the API in process (Django's test client, the real views, the limits raised)
against a loopback SMTP server that takes SMTP_DELAY seconds (0.3 by default)
to accept each message, as a slow provider would. Prints the median and the
spread of each (endpoint, address kind): an answer that does less work for
one kind of address tells an attacker which kind it is. docs/security.md has
the figures.
"""

import os
import socketserver
import statistics
import sys
import threading
import time
from pathlib import Path

SMTP_DELAY = float(os.environ.get("SMTP_DELAY", "0.3"))


class SlowSMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP to take a message, slowly."""

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        self.reply("220 slow.example ESMTP")
        while line := self.rfile.readline():
            command = line.decode(errors="replace").strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self.reply("250 slow.example")
            elif command.startswith(("MAIL", "RCPT", "RSET", "NOOP")):
                self.reply("250 OK")
            elif command == "DATA":
                self.reply("354 go ahead")
                while self.rfile.readline() not in (b".\r\n", b""):
                    pass
                time.sleep(SMTP_DELAY)
                self.reply("250 queued")
            elif command == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not implemented")


def main(rounds: int) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "true")
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), SlowSMTPHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    os.environ["EMAIL_URL"] = f"smtp://127.0.0.1:{server.server_address[1]}"
    # Rounds of the same address would otherwise meet the per-address limit.
    os.environ["THROTTLE_RATE_ACCOUNT_EMAIL"] = "100000/hour"
    os.environ["THROTTLE_RATE_ACCOUNT_EMAIL_ADDRESS"] = "100000/hour"

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import setup_test_environment
    from rest_framework.test import APIClient

    setup_test_environment()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = server.server_address[:2]
    from django.db import connection

    test_db = connection.creation.create_test_db(verbosity=0)
    try:
        call_command("migrate", verbosity=0)
        from accounts.models import EmailProof, User

        User.objects.create_user(
            email="proven@example.com",
            password="a passphrase 12345",
            email_verified=True,
            email_proof=EmailProof.VERIFICATION_LINK,
        )
        User.objects.create_user(email="pending@example.com", password="a passphrase 12345")
        client = APIClient()
        kinds = {"verified": "proven@example.com", "unverified": "pending@example.com", "unknown": "nobody@example.com"}
        for path in ("/api/auth/verify-email/resend/", "/api/auth/password-reset/"):
            for kind, email in kinds.items():
                timings = []
                for _ in range(rounds):
                    started = time.perf_counter()
                    response = client.post(path, {"email": email}, format="json")
                    timings.append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 202, response.content
                print(
                    f"{path:35} {kind:10} median {statistics.median(timings):6.1f} ms"
                    f"  min {min(timings):6.1f}  max {max(timings):6.1f}  (n={rounds})"
                )
    finally:
        connection.creation.destroy_test_db(test_db, verbosity=0)
        server.shutdown()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
