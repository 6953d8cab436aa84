from django.urls import include, path
from drf_better_auth import views
from rest_framework.routers import SimpleRouter

from tests.testapp.views import NotesByKeyView, NotesViewSet, PlainWhoAmIView, WebhookView, WhoAmIView

router = SimpleRouter()
router.register("notes", NotesViewSet, basename="note")

urlpatterns = [
    path("me/", WhoAmIView.as_view(), name="me"),
    path("notes-by-key/", NotesByKeyView.as_view(), name="notes_by_key"),
    path("plain-me/", PlainWhoAmIView.as_view(), name="plain_me"),
    path("token/", views.TokenObtainPairView.as_view(), name="token_obtain_pair"),
    path("token/refresh/", views.TokenRefreshView.as_view(), name="token_refresh"),
    path("token/verify/", views.TokenVerifyView.as_view(), name="token_verify"),
    path("token/blacklist/", views.TokenBlacklistView.as_view(), name="token_blacklist"),
    path("events/", WebhookView.as_view(), name="events"),
    path("", include(router.urls)),
]
