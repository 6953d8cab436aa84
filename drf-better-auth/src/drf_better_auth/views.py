"""The token endpoints on SimpleJWT's contract, and the view Better Auth's events are delivered to."""

from typing import Any

from rest_framework import generics, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from . import webhooks
from .authentication import BetterAuthJWTAuthentication
from .exceptions import InvalidToken, TokenError
from .settings import api_settings


class TokenViewBase(generics.GenericAPIView[Any]):
    """Base of the token endpoints: public; answers the serializer's data, or SimpleJWT's 401."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    # The setting naming the serializer class, as in SimpleJWT.
    serializer_setting = ""

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        serializer_class: type[BaseSerializer[Any]] = getattr(api_settings, self.serializer_setting)
        return serializer_class

    def get_authenticate_header(self, request: Request) -> str:
        # Makes DRF answer token failures with 401 (not 403), as SimpleJWT does.
        return BetterAuthJWTAuthentication().authenticate_header(request)

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        try:
            serializer.is_valid(raise_exception=True)
        except TokenError as error:
            raise InvalidToken(str(error)) from None
        return Response(serializer.validated_data, status=status.HTTP_200_OK)


class TokenObtainPairView(TokenViewBase):
    """Credentials in; an access and a refresh token out."""

    serializer_setting = "TOKEN_OBTAIN_SERIALIZER"


class TokenRefreshView(TokenViewBase):
    """A refresh token in; a new access token (and, rotating, a new refresh token) out."""

    serializer_setting = "TOKEN_REFRESH_SERIALIZER"


class TokenVerifyView(TokenViewBase):
    """200 with `{}` when the token would be accepted now, 401 otherwise."""

    serializer_setting = "TOKEN_VERIFY_SERIALIZER"


class TokenBlacklistView(TokenViewBase):
    """Blacklist a refresh token (sign out on this device)."""

    serializer_setting = "TOKEN_BLACKLIST_SERIALIZER"


class BetterAuthWebhookView(APIView):
    """Better Auth's event deliveries: verified (`webhooks.verify`), parsed by the registry, received.

    Answers 200 `{"status": "applied"}`, or `{"status": "duplicate"}` when
    `receive` says the event id was applied before.
    """

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = ()

    def get_authenticate_header(self, request: Request) -> str:
        # Makes DRF answer signature failures with 401 (not 403), naming how to authenticate.
        return 'Webhook-Signature realm="better-auth-events"'

    def post(self, request: Request) -> Response:
        # The signature covers the exact bytes sent, so they are read before any parsing.
        body = request.body
        delivery = webhooks.verify(headers=request.headers, body=body)
        event = webhooks.registry.parse(body)
        applied = self.receive(delivery=delivery, event=event)
        return Response({"status": "applied" if applied else "duplicate"}, status=status.HTTP_200_OK)

    def receive(self, *, delivery: webhooks.Delivery, event: webhooks.Event) -> bool:
        """Applies the event; answers whether it was applied now. Override it to apply each event id once."""
        event.apply()
        return True
