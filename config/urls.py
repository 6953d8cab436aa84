"""URL wiring: each app owns its routes; this module only includes them."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.permissions import AllowAny

from accounts.lockout import admin_login
from server import views as server_views

# Django tries the patterns in order: the task API, which most requests call, comes first.
urlpatterns = [
    path("api/", include("tasks.urls")),
    path("health", server_views.health, name="health"),
    path("ready", server_views.ready, name="ready"),
    path("metrics", server_views.metrics, name="metrics"),
    # Ahead of the admin's own sign-in, which it wraps in the per-IP sign-in rate.
    path("admin/login/", admin_login),
    path("admin/", admin.site.urls),
    # The schema and its UI are public: no token is needed, and a bad one is ignored.
    path(
        "api/schema/",
        SpectacularAPIView.as_view(authentication_classes=[], permission_classes=[AllowAny]),
        name="schema",
    ),
    path(
        "api/docs/",
        SpectacularSwaggerView.as_view(url_name="schema", authentication_classes=[], permission_classes=[AllowAny]),
        name="swagger-ui",
    ),
    path("api/", include("accounts.urls")),
]

handler400 = "core.exceptions.bad_request"
handler403 = "core.exceptions.permission_denied"
handler404 = "core.exceptions.page_not_found"
handler500 = "core.exceptions.server_error"
