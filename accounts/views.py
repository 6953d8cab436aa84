"""Token endpoints on SimpleJWT's contract, and the account endpoints around them."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.throttling import ScopedDatabaseRateThrottle

from . import events, serializers, services
from .authentication import BetterAuthJWTAuthentication
from .exceptions import InvalidToken, TokenError


class TokenView(generics.GenericAPIView):
    """Base of the token endpoints: public, throttled per IP, answers the serializer's data."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = (ScopedDatabaseRateThrottle,)
    throttle_scope = "auth"

    def get_authenticate_header(self, request):
        # Makes DRF answer token failures with 401 (not 403), as SimpleJWT does.
        return BetterAuthJWTAuthentication().authenticate_header(request)

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        try:
            serializer.is_valid(raise_exception=True)
        except TokenError as error:
            raise InvalidToken(str(error)) from None
        return Response(serializer.validated_data, status=status.HTTP_200_OK)


class TokenObtainPairView(TokenView):
    """Email and password in; an access and a refresh token out."""

    serializer_class = serializers.TokenObtainPairSerializer


class TokenRefreshView(TokenView):
    """A refresh token in; a new access token and a rotated refresh token out."""

    serializer_class = serializers.TokenRefreshSerializer


class TokenVerifyView(TokenView):
    """200 with `{}` when the token is valid, 401 otherwise."""

    serializer_class = serializers.TokenVerifySerializer
    throttle_classes = ()


class TokenBlacklistView(TokenView):
    """Denylist a refresh token (sign out on this device)."""

    serializer_class = serializers.TokenBlacklistSerializer
    throttle_classes = ()


class SignupView(generics.CreateAPIView):
    """Create an account with email and password; answers the user and a token pair."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = (ScopedDatabaseRateThrottle,)
    throttle_scope = "auth"
    serializer_class = serializers.SignupSerializer


class MeView(generics.RetrieveAPIView):
    """The signed-in user."""

    serializer_class = serializers.UserSerializer
    permission_classes = (IsAuthenticated,)

    def get_object(self):
        return self.request.user


class LogoutEverywhereView(APIView):
    """Every token issued to the signed-in user so far stops working, ours and Better Auth's."""

    permission_classes = (IsAuthenticated,)

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        services.revoke_all_tokens(request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(exclude=True)  # Server to server, for Better Auth's hooks: not part of the clients' API.
class BetterAuthEventView(APIView):
    """Better Auth reports ended sessions, updated and deleted users; see `accounts.events`.

    Answers 200 `{"status": "applied"}`, or `{"status": "duplicate"}` for an
    event id already applied (a retry after a lost answer succeeds as the
    first delivery did, and changes nothing).
    """

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = ()

    def get_authenticate_header(self, request):
        # Makes DRF answer signature failures with 401 (not 403), naming how to authenticate.
        return 'Webhook-Signature realm="better-auth-events"'

    def post(self, request):
        # The signature covers the exact bytes sent, so they are read before any parsing.
        body = request.body
        event_id, sent_at = events.verify(headers=request.headers, body=body)
        event = events.parse(body)
        applied = events.receive(event_id=event_id, sent_at=sent_at, event=event)
        return Response({"status": "applied" if applied else "duplicate"}, status=status.HTTP_200_OK)
