"""How drf-spectacular describes drf_better_auth's authentication in the OpenAPI schema."""

from typing import TYPE_CHECKING, Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension

if TYPE_CHECKING:
    from drf_spectacular.openapi import AutoSchema


class BetterAuthJWTScheme(OpenApiAuthenticationExtension):
    target_class = "drf_better_auth.authentication.BetterAuthJWTAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: "AutoSchema") -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "A Better Auth token (HS256 with the shared secret, its session cookie cache, "
            "or EdDSA from its JWKS) or a SimpleJWT-shaped access token from /api/token/. "
            "On the task endpoints, a personal API key (`tdk_…`, from /api/auth/api-keys/) too: "
            "reads need its `tasks:read` scope, writes `tasks:write`; every other endpoint refuses keys (403).",
        }
