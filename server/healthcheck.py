"""The container's health probe: `python -m server.healthcheck` exits 0 when /health answers 200.

It asks the server of this container (the port from SERVER_BIND or PORT,
as server/config.py reads them) and names a host from DJANGO_ALLOWED_HOSTS:
Django refuses any other Host with 400, and production rarely lists 127.0.0.1.
"""

import os
import sys
import urllib.request


def probe_port() -> int:
    bind = os.environ.get("SERVER_BIND") or f"127.0.0.1:{os.environ.get('PORT') or 8000}"
    return int(bind.rsplit(":", 1)[1])


def allowed_host() -> str:
    for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(","):
        host = host.strip()
        # ".example.com" allows example.com itself; "*" allows anything.
        if host and host != "*":
            return host.lstrip(".")
    return "localhost"


def main() -> int:
    request = urllib.request.Request(f"http://127.0.0.1:{probe_port()}/health", headers={"Host": allowed_host()})
    try:
        with urllib.request.urlopen(request, timeout=2) as response:  # noqa: S310 (a fixed loopback http URL)
            return 0 if response.status == 200 else 1
    except OSError as error:
        print(f"health check failed: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
