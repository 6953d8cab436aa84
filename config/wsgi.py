"""WSGI entry point: Django behind the production server's WSGI layer (server/wsgi.py), as granian serves it."""

import os

from django.core.wsgi import get_wsgi_application

from server.wsgi import production_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = production_application(get_wsgi_application())
