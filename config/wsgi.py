"""WSGI entry point: Django behind the production server's WSGI layer (server/wsgi.py), as granian serves it."""

import os

from django.core.wsgi import get_wsgi_application

from server.wsgi import production_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

if os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
    # In each worker, before Django loads its middleware (core/tracing.py); off, nothing of it is imported.
    from core.tracing import tracing_start

    tracing_start()

application = production_application(get_wsgi_application())
