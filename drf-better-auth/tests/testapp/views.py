from drf_better_auth.api_keys import ApiKeyScopes
from drf_better_auth.middleware import EarlyRefusalMixin
from drf_better_auth.views import BetterAuthWebhookView
from rest_framework import viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from . import events


class WhoAmIView(EarlyRefusalMixin, APIView):
    """The signed-in user's Better Auth id; a bad token is refused before the view is built."""

    def get(self, request):
        return Response({"id": request.user.username, "email": request.user.email})

    def post(self, request):
        return Response({"id": request.user.username})


class PlainWhoAmIView(APIView):
    """The same, without the early refusal: DRF refuses bad tokens itself."""

    def get(self, request):
        return Response({"id": request.user.username})


class NotesViewSet(EarlyRefusalMixin, viewsets.ViewSet):
    """A ViewSet that opts in: its `Allow` header comes from the actions it binds."""

    def list(self, request):
        return Response([])

    def retrieve(self, request, pk=None):
        return Response({"id": pk})

    def destroy(self, request, pk=None):
        return Response(status=204)


class WebhookView(BetterAuthWebhookView):
    """Applies each event id once, as an app with a table of received ids does."""

    def receive(self, *, delivery, event):
        if delivery.event_id in events.RECEIVED:
            return False
        events.RECEIVED.add(delivery.event_id)
        return super().receive(delivery=delivery, event=event)


class NotesByKeyView(EarlyRefusalMixin, APIView):
    """Takes API keys: reads with `notes:read`, writes with `notes:write`."""

    api_key_scopes = ApiKeyScopes(read="notes:read", write="notes:write")

    def get(self, request):
        return Response({"id": request.user.username, "scopes": sorted(getattr(request.auth, "scopes", []))})

    def post(self, request):
        return Response({"id": request.user.username}, status=201)
