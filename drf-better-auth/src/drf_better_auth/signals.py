"""Django signals the package sends, for whatever the project wants to count or watch (metrics, audits).

The package imports nothing of the project: these are its only outward
calls. Django sends a signal nobody listens to for the cost of one truth
test, so an unconnected signal costs the request path nothing.

- `token_refused`: a bearer token was refused with 401, early
  (`BearerTokenMiddleware`) or by DRF (`BetterAuthJWTAuthentication`). Its
  arguments: `code` (the error's code, e.g. `token_not_valid`) and `reason`
  (the message, one of a fixed set: never the token or anything from it).
  Sent with sender `BetterAuthJWTAuthentication`.
- `jwks_fetched`: a fetch of the JWKS ended. Its arguments: `url` (the
  `JWKS_URL` setting) and `error`, None when it succeeded, otherwise the name
  of the exception's class (`TimeoutError`, `HTTPError`, `JSONDecodeError`,
  ...); the last good keys keep serving then. Sent with sender `JWKSClient`.
"""

from django.dispatch import Signal

# Each is sent by one class, so its receivers are looked up once per sender, not on every send.
token_refused = Signal(use_caching=True)
jwks_fetched = Signal(use_caching=True)
