"""What counting each request for Prometheus costs, in-process: Django's WSGI handler, no server, no network.

    python bench/metrics_cost.py            # every mode, alternating, each in a process of its own
    python bench/metrics_cost.py MODE       # one mode: off, prometheus-client or django-prometheus

Modes, each in multiprocess mode (files in a temporary directory) as under the server:
- off: METRICS_TOKEN unset, the project's metrics middleware not used;
- prometheus-client: the project's own middleware (core/metrics.py) on prometheus-client;
- django-prometheus: django-prometheus' two middlewares (pip install django-prometheus; not a requirement).

Two requests that touch no database: GET /health, and GET /api/tasks/<id>/ with a
forged token (refused early, before DRF); and each mode's middleware alone around
a view that answers at once (less noisy on a busy machine: the difference is
all its own). docs/benchmarks.md has the figures.
"""

import importlib
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MODES = ("off", "prometheus-client", "django-prometheus")
REQUESTS = {
    "health": {"PATH_INFO": "/health"},
    "refused": {
        "PATH_INFO": "/api/tasks/0b6f4d4e-8a53-4b64-9a57-6d1f1f0c5a11/",
        "HTTP_AUTHORIZATION": "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.forged-signature",
    },
}
ROUNDS = 5
PER_ROUND = 2000


def measure(mode: str) -> dict[str, float]:
    """Microseconds per request, the median of ROUNDS rounds, for each request of REQUESTS."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="bench-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        BETTER_AUTH_SECRET="bench-better-auth-secret-0123456789abcdefghijklmnop",
        DJANGO_ALLOWED_HOSTS="bench",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_LOG_LEVEL="WARNING",
        DATABASE_URL=f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3",
        PROMETHEUS_MULTIPROC_DIR=tempfile.mkdtemp(prefix="bench-metrics-"),
        METRICS_TOKEN="bench-metrics-token-0123456789abcdefghijklmnop" if mode == "prometheus-client" else "",
    )
    sys.path.insert(0, str(ROOT))
    import django
    from django.conf import settings

    django.setup()
    if mode == "django-prometheus":
        settings.MIDDLEWARE = [
            "django_prometheus.middleware.PrometheusBeforeMiddleware",
            *settings.MIDDLEWARE,
            "django_prometheus.middleware.PrometheusAfterMiddleware",
        ]
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], object]:
        return len

    results = {}
    for name, extra in REQUESTS.items():
        base = {
            "REQUEST_METHOD": "GET",
            "SERVER_NAME": "bench",
            "SERVER_PORT": "80",
            "HTTP_HOST": "bench",
            "wsgi.url_scheme": "http",
            "QUERY_STRING": "",
            **extra,
        }
        rounds = []
        for round_number in range(ROUNDS + 1):
            started = time.perf_counter()
            for _ in range(PER_ROUND):
                b"".join(application({**base, "wsgi.input": io.BytesIO()}, start_response))
            if round_number:  # the first warms up
                rounds.append((time.perf_counter() - started) / PER_ROUND * 1e6)
        results[name] = statistics.median(rounds)
    results["middleware"] = middleware_only(mode)
    return results


def middleware_only(mode: str) -> float:
    """Microseconds per call of the mode's middleware alone, around a view that answers at once."""
    from django.http import HttpResponse
    from django.test import RequestFactory
    from django.urls import resolve

    response = HttpResponse(b"{}")

    def answer(request: object) -> HttpResponse:
        return response

    chain: Callable[[Any], Any] = answer
    if mode == "prometheus-client":
        from core.metrics import RequestMetricsMiddleware

        chain = RequestMetricsMiddleware(answer)
    elif mode == "django-prometheus":
        # Not a requirement (and untyped): installed by hand for the comparison.
        django_prometheus = importlib.import_module("django_prometheus.middleware")
        chain = django_prometheus.PrometheusBeforeMiddleware(django_prometheus.PrometheusAfterMiddleware(answer))
    request = RequestFactory().get("/health")
    request.resolver_match = resolve("/health")
    rounds = []
    for round_number in range(ROUNDS + 1):
        started = time.perf_counter()
        for _ in range(PER_ROUND * 10):
            chain(request)
        if round_number:
            rounds.append((time.perf_counter() - started) / (PER_ROUND * 10) * 1e6)
    return statistics.median(rounds)


def main() -> None:
    if len(sys.argv) > 1:
        print(json.dumps(measure(sys.argv[1])))
        return
    figures: dict[str, list[dict[str, float]]] = {mode: [] for mode in MODES}
    for _ in range(3):  # alternating, so that a busy moment of the machine weighs on every mode alike
        for mode in MODES:
            output = subprocess.run(
                [sys.executable, __file__, mode], capture_output=True, text=True, check=True, cwd=ROOT
            ).stdout
            figures[mode].append(json.loads(output.splitlines()[-1]))
    for name in [*REQUESTS, "middleware"]:
        off = statistics.median(run[name] for run in figures["off"])
        for mode in MODES:
            value = statistics.median(run[name] for run in figures[mode])
            print(f"{name:8} {mode:18} {value:7.1f} µs/request  {value - off:+6.1f} µs")


if __name__ == "__main__":
    main()
