# Production image: slim Python, non-root, static files collected at build time.
# Builds with no .env (.dockerignore keeps it out); secrets arrive at run time.
# Migrations are an explicit step, never run by a serving replica:
#   docker compose run --rm migrate     (or: docker compose run --rm api python manage.py migrate)
FROM python:3.11-slim-bookworm AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
RUN groupadd --system app && useradd --system --gid app --no-create-home --home-dir /app app

# requirements.txt names the token bridge, drf-better-auth, by its path: pip builds its wheel and installs it.
COPY requirements.txt .
COPY drf-better-auth drf-better-auth
RUN pip install -r requirements.txt

# Owned by root: the app user reads the code but cannot rewrite it.
COPY . .
# collectstatic only needs the settings to import; DEBUG is off (the default),
# so it writes whitenoise's compressed, hashed files and their manifest. The
# start-up checks that refuse placeholder secrets are not run by collectstatic.
RUN python manage.py collectstatic --noinput

USER app
# Every interface of the container (the server's own default is loopback):
# the container's network is what keeps it private; publish only the proxy.
ENV SERVER_BIND=0.0.0.0:8000
EXPOSE 8000
# Asks /health with a Host from DJANGO_ALLOWED_HOSTS: Django answers 400 to
# any other, and production rarely lists 127.0.0.1.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
    CMD ["python", "-m", "server.healthcheck"]
CMD ["python", "-m", "server"]
