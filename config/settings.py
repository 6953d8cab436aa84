"""Project settings, read once from the environment (and an optional `.env`).

Every variable is documented in `.env.example`. Development placeholders keep
a first run working with no `.env`; the system checks in `core.checks` and `accounts.checks` refuse
to start with them (or with any weak secret) once DEBUG is off.
"""

import json
from datetime import timedelta
from pathlib import Path

import environ
from corsheaders.defaults import default_headers

from core.logging import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-secret-key-never-deploy"
DEVELOPMENT_BETTER_AUTH_SECRET = "better-auth-development-only-secret-never-deploy"

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="") or DEVELOPMENT_SECRET_KEY
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "core",
    "audit",
    "accounts",
    "orgs",
    "tasks",
]

MIDDLEWARE = [
    # First, to time everything else; not used at all unless METRICS_TOKEN is set.
    "core.metrics.RequestMetricsMiddleware",
    "core.middleware.RequestIDMiddleware",
    "core.middleware.AccessLogMiddleware",
    "core.middleware.ExceptionStatusMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.CorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # BROWSER_MIDDLEWARE, for every request but the API's (bearer tokens, no cookies).
    "core.middleware.BrowserPagesMiddleware",
    # Records each write made while a Better Auth admin impersonates the person (reads cost a getattr).
    "audit.middleware.ImpersonatedWriteMiddleware",
    # Last: its process_view refuses a bad bearer token once the view is known.
    "drf_better_auth.middleware.BearerTokenMiddleware",
]
# Django's CSRF, the admin's and axes' middleware checks look in MIDDLEWARE only; core.E020
# checks BROWSER_MIDDLEWARE for them instead.
SILENCED_SYSTEM_CHECKS = ["security.W003", "admin.E408", "admin.E409", "admin.E410", "axes.W002"]
BROWSER_MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Last, as django-axes asks: it turns a locked-out admin sign-in into its 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite inside the project is the embedded default for a first run;
# production and CI point DATABASE_URL at PostgreSQL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The same backend, with a health check that needs no round trip and faster
    # timestamptz reads (core/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "core.postgresql"
    if env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
        # Values sent apart from the SQL, and a statement run a few times on a connection is prepared:
        # PostgreSQL plans it once, not on every request (docs/benchmarks.md). Off behind a pooler in
        # transaction mode (PgBouncer before 1.21), which cannot keep a connection's prepared statements.
        DATABASES["default"]["OPTIONS"] = {
            **DATABASES["default"].get("OPTIONS", {}),
            "server_side_binding": True,
            "prepare_threshold": 2,
        }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
CACHES = {
    "default": (
        {
            # Django's RedisCache, but a Redis outage is a cache miss, not a 500
            # (core/cache.py); short timeouts bound what an unreachable host costs.
            "BACKEND": "core.cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

AUTH_USER_MODEL = "accounts.User"
# AxesBackend refuses a locked-out client before ModelBackend checks the password.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesBackend", "django.contrib.auth.backends.ModelBackend"]
PASSWORD_HASHERS = [
    "accounts.hashers.BCryptSHA256PasswordHasher",
    # The rest only verify older hashes; Django re-hashes with bcrypt on sign-in.
    "accounts.hashers.BetterAuthScryptPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
# English only: nothing activates another language (no LocaleMiddleware), so translating
# every message through the translation machinery would only cost (about 3 % of a request).
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Bodies above this are refused with 413 (core.middleware); keep the proxy's
# client_max_body_size (deploy/nginx/api.conf.template) the same.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=256 * 1024)

# The most tasks one person may hold; creating one more answers 409 `task_limit_reached`.
TASKS_MAX_PER_USER = env.int("TASKS_MAX_PER_USER", default=10_000)
# The most tasks one organization may hold, the same way.
TASKS_MAX_PER_ORGANIZATION = env.int("TASKS_MAX_PER_ORGANIZATION", default=10_000)

# What each Better Auth organization role may do with the organization's tasks (orgs.roles): "member" reads,
# creates, changes its own and completes any; "admin" also changes and deletes any. Better Auth's default roles
# are mapped; any other role has no access until ORGANIZATION_EXTRA_ROLES maps it ("editor=member,lead=admin").
ORGANIZATION_ROLES = {
    "owner": "admin",
    "admin": "admin",
    "member": "member",
    **{
        role.strip(): access.strip()
        for role, access in env.dict("ORGANIZATION_EXTRA_ROLES", default={}).items()
        if role.strip()
    },
}

# How long an Idempotency-Key's answer is replayed (core.idempotency); `manage.py
# flush_idempotency_keys` deletes older keys.
IDEMPOTENCY_KEY_LIFETIME = timedelta(hours=24)

# Reverse proxies in front of the app; their X-Forwarded-* headers are trusted only when set.
NUM_PROXIES = env.int("NUM_PROXIES", default=0)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["drf_better_auth.authentication.BetterAuthJWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "DEFAULT_PARSER_CLASSES": ["core.parsers.JSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "core.negotiation.ContentNegotiation",
    "DEFAULT_SCHEMA_CLASS": "core.schema.AutoSchema",
    "EXCEPTION_HANDLER": "core.exceptions.json_exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "auth": env.str("THROTTLE_RATE_AUTH", default="10/min"),
        # The verification and password reset endpoints: per client IP, and per address (or account).
        "account_email": env.str("THROTTLE_RATE_ACCOUNT_EMAIL", default="20/hour"),
        "account_email_address": env.str("THROTTLE_RATE_ACCOUNT_EMAIL_ADDRESS", default="5/hour"),
        # GET /api/auth/me/export/, per account: each export reads every task.
        "export": env.str("THROTTLE_RATE_EXPORT", default="3/hour"),
        # Requests made with one API key, whoever sends them (core.throttling.ApiKeyRateThrottle).
        "api_key": env.str("THROTTLE_RATE_API_KEY", default="600/min"),
    },
    # Read by core.throttling.client_ip, for the throttles and the lockouts: 0 means
    # REMOTE_ADDR; N trusts the Nth X-Forwarded-For entry from the right (README).
    "NUM_PROXIES": NUM_PROXIES,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

# Password guessing on the admin's sign-in and /api/token/: django-axes counts
# failures in the database (shared by every worker and machine, no Redis needed)
# per client IP. At the limit that IP's sign-ins answer 429 until the cool-off
# has passed since its last failure; attempts while locked are refused
# unchecked, restart it, and count against no account. Nothing is locked per
# account, so strangers cannot lock its owner out (docs/security.md).
# `accounts.lockout` holds the hooks.
AXES_HANDLER = "accounts.lockout.LockoutHandler"
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_FAILURE_LIMIT = env.int("LOCKOUT_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(seconds=env.int("LOCKOUT_COOL_OFF_SECONDS", default=15 * 60))
# Off so that AxesBackend marks the attempts it refuses; LockoutHandler restarts the cool-off for them.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# A success leaves the count alone: wiping it would let anyone with an account
# reset their IP's count between guesses at other accounts.
AXES_RESET_ON_SUCCESS = False
AXES_CLIENT_IP_CALLABLE = "core.throttling.client_ip"
AXES_USERNAME_FORM_FIELD = "email"
AXES_USERNAME_CALLABLE = "accounts.lockout.account"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
# Masked in what axes stores and logs (the password always is).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "csrfmiddlewaretoken"]

# The bridge between Better Auth and SimpleJWT's wire contract: the drf-better-auth
# package (drf-better-auth/), configured by SIMPLE_JWT. Key names follow
# djangorestframework-simplejwt; `drf_better_auth.settings` holds every default and
# documents each key. Its system checks are accounts.checks (named as the environment
# variables below), so the package's app is not in INSTALLED_APPS.
# Signs our tokens and verifies HS256 ones (SIMPLE_JWT's SIGNING_KEY).
BETTER_AUTH_SECRET = env.str("BETTER_AUTH_SECRET", default="") or DEVELOPMENT_BETTER_AUTH_SECRET
# Signs Better Auth's event deliveries (accounts.events): the package's WEBHOOK_SECRET when SIMPLE_JWT
# has none; unset turns the endpoint off (503).
BETTER_AUTH_WEBHOOK_SECRET = env.str("BETTER_AUTH_WEBHOOK_SECRET", default="")
# What a `user.deleted` event does: "delete" erases the account here too (its tasks, its personal data);
# "deactivate" only refuses it from now on, keeping its data. accounts.checks refuses any other value.
BETTER_AUTH_DELETED_USERS = env.str("BETTER_AUTH_DELETED_USERS", default="delete").strip().lower()


def _json_or_text(value: str) -> object:
    # Not JSON: the text itself, which the start-up check then names (no traceback from settings).
    try:
        return json.loads(value)
    except ValueError:
        return value


# Better Auth's admin plugin `role` -> the Django groups it grants (and staff, to sign in to the admin):
# e.g. {"admin": ["Support"]}. Empty, the default: no Better Auth role grants anything here. Never
# superuser. A JSON object in the environment; accounts.checks refuses any other shape.
BETTER_AUTH_ROLE_GROUPS = _json_or_text(env.str("BETTER_AUTH_ROLE_GROUPS", default="") or "{}")
# How long the audit trail keeps an entry: `manage.py prune_audit` deletes older ones (run it from cron).
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=365)
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(seconds=env.int("JWT_ACCESS_TOKEN_LIFETIME", default=15 * 60)),
    "REFRESH_TOKEN_LIFETIME": timedelta(seconds=env.int("JWT_REFRESH_TOKEN_LIFETIME", default=7 * 24 * 3600)),
    # Named although it is the package's default: real SimpleJWT, an interop peer in the tests, reads this block too.
    "SIGNING_KEY": BETTER_AUTH_SECRET,
    # "old-a, old-b" lists two secrets; accounts.checks holds each to BETTER_AUTH_SECRET's rules.
    "PREVIOUS_SIGNING_KEYS": [
        secret for secret in env.list("BETTER_AUTH_PREVIOUS_SECRETS", cast=str.strip, default=[]) if secret
    ],
    "JWKS_URL": env.str("BETTER_AUTH_JWKS_URL", default="") or None,
    "ISSUER": env.str("JWT_ISSUER", default="") or None,
    "AUDIENCE": env.list("JWT_AUDIENCE", default=[]) or None,
    "LEEWAY": timedelta(seconds=env.int("JWT_LEEWAY", default=5)),
    # Published in this repository: never accepted as previous secrets.
    "PLACEHOLDER_SECRETS": (DEVELOPMENT_SECRET_KEY, DEVELOPMENT_BETTER_AUTH_SECRET),
    # The app's rules about its users (accounts.services), as SimpleJWT's USER_AUTHENTICATION_RULE.
    "TOKEN_USER_RULE": "accounts.services.user_sync_from_token",
    "TOKEN_ACCEPTED_RULE": "accounts.services.user_ensure_token_accepted",
    "TOKEN_VERIFY_RULE": "accounts.services.token_verify",
    "BLACKLIST_RULE": "accounts.services.refresh_token_deny",
    "BLACKLIST_CHECK_RULE": "accounts.services.refresh_token_ensure_not_denied",
    "SIGN_IN_RULE": "accounts.services.user_sign_in",
    # Personal API keys for scripts (README, "API keys"): `tdk_` + a public id + 256 random bits; only
    # the task endpoints take them (`api_key_scopes`), never the account endpoints.
    "API_KEY_PREFIX": "tdk_",
    "API_KEY_RULE": "accounts.services.api_key_authenticate",
    # Signing out on one device is recorded in the audit trail.
    "TOKEN_BLACKLIST_SERIALIZER": "accounts.serializers.TokenBlacklistSerializer",
}

CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=["http://localhost:3000"] if DEBUG else [])
CORS_URLS_REGEX = r"^/api/.*$"
# Browsers may send the request id and read it back, with the 401 challenge and
# the 429 wait; they may send an Idempotency-Key and the conditional headers, and
# read a task's ETag and whether an answer was replayed; every other response
# header stays hidden from the page.
CORS_ALLOW_HEADERS = (*default_headers, "x-request-id", "idempotency-key", "if-match", "if-none-match")
CORS_EXPOSE_HEADERS = ["X-Request-ID", "WWW-Authenticate", "Retry-After", "ETag", "Idempotent-Replayed"]

# Email: verification and password reset links. The console in development,
# SMTP in production (e.g. smtp+tls://user:password@smtp.example.com:587).
vars().update(env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25"))
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Todo <no-reply@localhost>")
# The Next.js app whose /verify-email and /reset-password pages receive the links.
FRONTEND_URL = env.str("FRONTEND_URL", default="http://localhost:3000")
# Seconds a verification or password reset link stays valid.
PASSWORD_RESET_TIMEOUT = env.int("ACCOUNT_LINK_LIFETIME", default=24 * 3600)

SPECTACULAR_SETTINGS = {
    "TITLE": "Todo API",
    "DESCRIPTION": "Each signed-in person's tasks, authenticated by Better Auth or SimpleJWT tokens.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# HTTPS hardening, on whenever DEBUG is off.
# Behind a TLS-terminating proxy, its X-Forwarded-Proto says the request was HTTPS;
# without one, a client could claim so itself.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if NUM_PROXIES else None
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^health$", r"^ready$", r"^metrics$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
X_FRAME_OPTIONS = "DENY"

# Prometheus metrics (core/metrics.py): set, `/metrics` answers a request bearing this token, and only
# such a request; unset, nothing is counted per request and `/metrics` answers 404. core.checks refuses
# a weak one, or another secret, with DEBUG off.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")

LOG_LEVEL = env.str("DJANGO_LOG_LEVEL", default="INFO")
# JSON lines with the request id; server/run.py gives granian the same configuration.
LOGGING = logging_config(LOG_LEVEL)
