"""Email goes through the backend EMAIL_URL names: the console under `make run`, SMTP in production."""

import os
import re
import signal
import subprocess

import pytest

from testing.http import free_port, http, wait_for_http
from testing.processes import PROJECT_ROOT, project_env
from testing.servers import PRODUCTION_ENV

PRINT_EMAIL_SETTINGS = (
    "from django.conf import settings as s; "
    "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS, s.EMAIL_HOST_USER, s.EMAIL_TIMEOUT)"
)


def email_settings(run_manage, **env):
    result = run_manage("shell", "-c", PRINT_EMAIL_SETTINGS, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()[-1].split()


def test_development_prints_emails_on_the_console_by_default(run_manage):
    assert email_settings(run_manage, DJANGO_DEBUG="true")[0] == "django.core.mail.backends.console.EmailBackend"


def test_production_sends_through_smtp_on_localhost_by_default(run_manage):
    backend, host, port, *_ = email_settings(run_manage, **PRODUCTION_ENV)

    assert (backend, host, port) == ("django.core.mail.backends.smtp.EmailBackend", "localhost", "25")


def test_email_url_configures_smtp_with_tls_and_credentials(run_manage):
    values = email_settings(
        run_manage, **PRODUCTION_ENV, EMAIL_URL="smtp+tls://mailer:secret@smtp.example.com:587", EMAIL_TIMEOUT="7"
    )

    assert values == ["django.core.mail.backends.smtp.EmailBackend", "smtp.example.com", "587", "True", "mailer", "7"]


@pytest.mark.server
def test_make_run_shows_the_verification_email_on_the_console(tmp_path):
    port = free_port()
    env = project_env(DATABASE_URL=f"sqlite:///{tmp_path / 'run.sqlite3'}", HOST="127.0.0.1", PORT=port)
    env.pop("EMAIL_URL", None)
    process = subprocess.Popen(
        ["make", "run"],
        cwd=PROJECT_ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for_http(f"http://127.0.0.1:{port}/health", timeout=120, process=process)
        status, _ = http(
            "POST",
            f"http://127.0.0.1:{port}/api/auth/signup/",
            body={"email": "dev@example.com", "password": "a sturdy passphrase 42"},
        )
        os.killpg(process.pid, signal.SIGTERM)
        output, _ = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    assert status == 201
    assert "Subject: Confirm your email address" in output
    assert "To: dev@example.com" in output
    assert re.search(r"http://localhost:3000/verify-email\?uid=\S+&token=\S+", output)
