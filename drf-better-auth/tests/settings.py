"""The tiny project the package's tests run in: a new Django project and about a dozen lines for the package."""

SECRET_KEY = "tests-only-django-secret-key-0123456789-abcdefghij"
DEBUG = False
ALLOWED_HOSTS = ["testserver"]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
ROOT_URLCONF = "tests.urls"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, for tests only

# What a project adds for drf-better-auth (README, "Installation"):
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "rest_framework", "drf_better_auth"]
MIDDLEWARE = ["drf_better_auth.middleware.BearerTokenMiddleware"]
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["drf_better_auth.authentication.BetterAuthJWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}
BETTER_AUTH_SECRET = "tests-only-better-auth-secret-0123456789-abcdefghij"
SIMPLE_JWT = {
    "USER_ID_FIELD": "username",  # Better Auth's user id, in Django's own User model
    "JWKS_URL": None,  # Better Auth's /api/auth/jwks, for its EdDSA tokens (set by the tests that need it)
    # API keys for scripts: the test app keeps them in a dict (tests/testapp/keys.py).
    "API_KEY_PREFIX": "dba_",
    "API_KEY_RULE": "tests.testapp.keys.api_key_user",
}

# The tests' own app: views that opt in to the early refusal, and an event class.
INSTALLED_APPS += ["tests.testapp"]
