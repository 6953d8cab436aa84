"""Token endpoints on SimpleJWT's contract, and the account endpoints around them."""

from collections.abc import Sequence
from typing import Protocol

from django.http import StreamingHttpResponse
from django.utils.translation import gettext_lazy as _
from drf_better_auth import views as token_views
from drf_better_auth import webhooks
from drf_better_auth.exceptions import InvalidToken, TokenError
from drf_better_auth.middleware import EarlyRefusalMixin
from drf_better_auth.tokens import token_identity
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from core.idempotency import IdempotencyMixin
from core.metrics import better_auth_events_total
from core.serializers import ErrorSerializer
from core.throttling import (
    CountedTogetherMixin,
    ScopedAddressRateThrottle,
    ScopedDatabaseRateThrottle,
)

from . import events, links, serializers, services
from .models import User
from .requests import AuthenticatedRequest


class TokenThrottled(CountedTogetherMixin):
    """The token endpoints that check a password or spend a refresh token: throttled per IP."""

    throttle_classes: Sequence[type[BaseThrottle]] = (ScopedDatabaseRateThrottle,)
    throttle_scope = "auth"


class TokenObtainPairView(TokenThrottled, token_views.TokenObtainPairView):
    """Email and password in; an access and a refresh token out."""


class TokenRefreshView(TokenThrottled, token_views.TokenRefreshView):
    """A refresh token in; a new access token and a rotated refresh token out."""


class TokenVerifyView(token_views.TokenVerifyView):
    """200 with `{}` when the token is valid, 401 otherwise."""

    throttle_classes = ()


class TokenBlacklistView(token_views.TokenBlacklistView):
    """Denylist a refresh token (sign out on this device)."""

    throttle_classes = ()


class SignupView(CountedTogetherMixin, generics.CreateAPIView):
    """Create an account with email and password; answers the user and a token pair."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = (ScopedDatabaseRateThrottle,)
    throttle_scope = "auth"
    serializer_class = serializers.SignupSerializer


UNAUTHENTICATED = {401: OpenApiResponse(ErrorSerializer, description="No valid token.")}
THROTTLED_PER_ACCOUNT = {429: OpenApiResponse(ErrorSerializer, description="Too many requests for this account.")}
PASSWORD_CHECKED = {
    400: OpenApiResponse(
        ErrorSerializer, description="Invalid input, or `password_incorrect`: the current password is wrong."
    ),
    429: OpenApiResponse(
        ErrorSerializer,
        description="Too many requests for this account, or `sign_in_locked`: "
        "too many wrong passwords from this IP (as at sign-in).",
    ),
}


class MeView(EarlyRefusalMixin, IdempotencyMixin, generics.GenericAPIView):
    """The signed-in user: read it, rename it, or delete the account with everything in it."""

    serializer_class = serializers.UserSerializer
    permission_classes = (IsAuthenticated,)
    http_method_names = ["get", "patch", "delete", "head", "options"]
    # DELETE checks a password as a sign-in does: the sign-in's rate, per account.
    throttle_scope = "auth"
    request: AuthenticatedRequest

    def get_throttles(self) -> list[BaseThrottle]:
        return [ScopedDatabaseRateThrottle()] if self.request.method == "DELETE" else []

    def get_object(self) -> User:
        return self.request.user

    @extend_schema(responses={200: serializers.UserSerializer, **UNAUTHENTICATED})
    def get(self, request: AuthenticatedRequest) -> Response:
        return Response(serializers.UserSerializer(request.user).data)

    @extend_schema(
        request=serializers.ProfileSerializer,
        responses={
            200: serializers.UserSerializer,
            400: OpenApiResponse(ErrorSerializer, description="Invalid input."),
            **UNAUTHENTICATED,
        },
    )
    def patch(self, request: AuthenticatedRequest) -> Response:
        """Change the profile (`name`); for a Better Auth identity it stays until Better Auth's profile changes
        later.
        """
        serializer = serializers.ProfileSerializer(request.user, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        return Response(serializers.UserSerializer(serializer.save()).data)

    @extend_schema(
        # OpenAPI generators leave a DELETE's body out; the description names it.
        responses={
            204: None,
            **PASSWORD_CHECKED,
            **UNAUTHENTICATED,
            403: OpenApiResponse(
                ErrorSerializer,
                description="`recent_sign_in_required`: a Better Auth identity's token is more than 5 minutes old.",
            ),
            409: OpenApiResponse(ErrorSerializer, description="`staff_account`: staff accounts are not deleted here."),
        },
    )
    def delete(self, request: AuthenticatedRequest) -> Response:
        """Erase the account: its tasks and personal data leave the database, and every token fails.

        A local account sends the JSON body `{"current_password": "..."}`; a
        Better Auth identity needs a token issued at most 5 minutes ago (sign
        in again first). Staff accounts are not deleted here.
        """
        serializer = serializers.AccountDeleteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        try:
            identity = token_identity(request.auth)
        except TokenError as error:
            raise InvalidToken.from_token_error(error) from None
        services.user_delete_ensure_allowed(
            request=request,
            user=request.user,
            identity=identity,
            current_password=serializer.validated_data.get("current_password"),
        )
        services.user_erase(user=request.user, via="api", session_id=identity.session_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(
    responses={
        200: serializers.TokenPairSerializer,
        **PASSWORD_CHECKED,
        400: OpenApiResponse(
            ErrorSerializer,
            description="Invalid input, a new password the validators refuse (`errors.new_password`), "
            "or `password_incorrect`: the current password is wrong.",
        ),
        **UNAUTHENTICATED,
        409: OpenApiResponse(
            ErrorSerializer, description="`password_managed_by_better_auth`: change it in Better Auth."
        ),
    }
)
class PasswordChangeView(EarlyRefusalMixin, generics.GenericAPIView):
    """A new password for a local account, after its current one: every earlier token fails, a fresh pair comes back."""

    permission_classes = (IsAuthenticated,)
    throttle_classes = (ScopedDatabaseRateThrottle,)
    throttle_scope = "auth"
    serializer_class = serializers.PasswordChangeSerializer

    def post(self, request: AuthenticatedRequest) -> Response:
        # Before the password is checked: a Better Auth identity has none here to check.
        services.user_password_ensure_here(user=request.user)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(serializer.save(), status=status.HTTP_200_OK)


@extend_schema(
    responses={
        (200, "application/json"): OpenApiResponse(
            OpenApiTypes.OBJECT,
            description="One JSON document, streamed: `profile`, `security` (revocation, relinks, signed-out "
            "refresh tokens, ended sessions, failed sign-ins naming the address, admin sign-ins and changes) "
            "and `tasks` (every task, with the fields the tasks API answers).",
        ),
        **UNAUTHENTICATED,
        **THROTTLED_PER_ACCOUNT,
    }
)
class AccountExportView(EarlyRefusalMixin, APIView):
    """Everything the API holds about the signed-in person, as one JSON document (a download)."""

    permission_classes = (IsAuthenticated,)
    throttle_classes = (ScopedDatabaseRateThrottle,)
    throttle_scope = "export"

    def get(self, request: AuthenticatedRequest) -> StreamingHttpResponse:
        return account_export_response(request.user, via="api")


def account_export_response(user: User, *, via: str, actor_id: str = "") -> StreamingHttpResponse:
    """The export of `user` as a streamed JSON download (the API's and the admin's), recorded in the audit trail."""
    services.user_export_record(user=user, via=via, actor_id=actor_id)
    response = StreamingHttpResponse(services.user_export(user=user), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="account-{user.pk}.json"'
    response["Cache-Control"] = "no-store"
    return response


class LogoutEverywhereView(EarlyRefusalMixin, APIView):
    """Every token issued to the signed-in user so far stops working, ours and Better Auth's."""

    permission_classes = (IsAuthenticated,)

    @extend_schema(request=None, responses={204: None})
    def post(self, request: AuthenticatedRequest) -> Response:
        services.user_tokens_revoke(user=request.user, via="api")
        return Response(status=status.HTTP_204_NO_CONTENT)


class ApiKeyListView(EarlyRefusalMixin, generics.GenericAPIView):
    """The signed-in person's API keys, for scripts: list them, or create one (its key is shown once).

    Only a person signed in with a token manages keys: an API key is refused
    here (403 `api_key_not_accepted`), as on every account endpoint.
    """

    serializer_class = serializers.ApiKeySerializer
    permission_classes = (IsAuthenticated,)
    pagination_class = None
    request: AuthenticatedRequest

    @extend_schema(responses={200: serializers.ApiKeySerializer(many=True)})
    def get(self, request: AuthenticatedRequest) -> Response:
        keys = services.api_keys_of(user=request.user)
        return Response(self.get_serializer(keys, many=True).data)

    @extend_schema(
        request=serializers.ApiKeyCreateSerializer,
        responses={
            201: serializers.ApiKeyCreatedSerializer,
            409: OpenApiResponse(ErrorSerializer, description="The person holds as many keys as one may."),
        },
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        body = serializers.ApiKeyCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        key, new = services.api_key_create(user=request.user, **body.validated_data)
        key.key = new.key  # type: ignore[attr-defined]  # read by the serializer, this once
        return Response(serializers.ApiKeyCreatedSerializer(key).data, status=status.HTTP_201_CREATED)


class ApiKeyDetailView(EarlyRefusalMixin, APIView):
    """Revoke one of the signed-in person's API keys; it stops working at once. Another person's key is a 404."""

    permission_classes = (IsAuthenticated,)

    @extend_schema(request=None, responses={204: None, 404: ErrorSerializer})
    def delete(self, request: AuthenticatedRequest, key_id: int) -> Response:
        if not services.api_key_revoke(user=request.user, key_id=key_id):
            raise NotFound()
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(exclude=True)  # Server to server, for Better Auth's hooks: not part of the clients' API.
class BetterAuthEventView(token_views.BetterAuthWebhookView):
    """Better Auth reports ended sessions, updated and deleted users; see `accounts.events`.

    Answers 200 `{"status": "applied"}`, or `{"status": "duplicate"}` for an
    event id already applied (a retry after a lost answer succeeds as the
    first delivery did, and changes nothing).
    """

    def receive(self, *, delivery: webhooks.Delivery, event: webhooks.Event) -> bool:
        applied = events.receive(event_id=delivery.event_id, sent_at=delivery.sent_at, event=event)
        better_auth_events_total.labels(event.type, "applied" if applied else "duplicate").inc()
        return applied

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, exceptions.APIException):
            # Refused before its type was read, or for it: the refusal's code is the result.
            better_auth_events_total.labels("unknown", exc.default_code).inc()
        return super().handle_exception(exc)


LINK_MAILED = _("If the address can receive it, an email with a link is on its way.")
THROTTLED = {429: OpenApiResponse(ErrorSerializer, description="Too many requests from this IP or for this address.")}


class AccountEmailView(CountedTogetherMixin, generics.GenericAPIView):
    """Base of the verification and password reset endpoints: public, throttled per IP and per address.

    The per-address count is shared by every IP, so spreading requests over
    many machines does not flood one mailbox or one account. A request counts
    against both or neither: one refused for its IP uses up nothing of the
    address's allowance, so no IP can spend it for the owner.
    """

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = (ScopedDatabaseRateThrottle, ScopedAddressRateThrottle)
    throttle_scope = "account_email"
    throttle_address_scope = "account_email_address"
    # The body field naming what the request is about: "email", or a link's "uid" (an account).
    throttle_address_field = "email"

    def throttle_address(self, request: Request) -> str | None:
        """The address (or, for a link, the account) this request is about; None if it names none."""
        data = request.data if isinstance(request.data, dict) else {}
        value = data.get(self.throttle_address_field)
        if self.throttle_address_field == "uid":
            user_id = links.user_id_from_uid(value) if isinstance(value, str) else None
            return f"user:{user_id}" if user_id else None
        return services.email_clean(value)


class EmailService(Protocol):
    """What an EmailAddressView does with the address it was given (mail a link, or a note)."""

    def __call__(self, *, email: str) -> None: ...


class EmailAddressView(AccountEmailView):
    """An address in; the same 202 whatever the address is, so it reveals nothing about accounts."""

    serializer_class = serializers.EmailAddressSerializer
    # What each subclass does with the address.
    service: EmailService

    def post(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.service(email=serializer.validated_data["email"])
        return Response({"detail": LINK_MAILED}, status=status.HTTP_202_ACCEPTED)


@extend_schema(
    responses={
        200: serializers.UserSerializer,
        400: OpenApiResponse(
            ErrorSerializer, description="Invalid input, or `invalid_link`: tampered with, used or expired."
        ),
        **THROTTLED,
    }
)
class EmailVerifyView(AccountEmailView):
    """Confirm an address with the `uid` and `token` of the link mailed to it; answers the user."""

    serializer_class = serializers.EmailVerifySerializer
    throttle_address_field = "uid"

    def post(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(serializers.UserSerializer(serializer.save()).data)


@extend_schema(
    request=serializers.LinkSerializer,
    responses={
        200: serializers.DetailSerializer,
        400: OpenApiResponse(
            ErrorSerializer, description="Invalid input, or `invalid_link`: tampered with, used or expired."
        ),
        **THROTTLED,
    },
)
class EmailDeclineView(AccountEmailView):
    """ "This wasn't me": the account that signed up with the address gives it up, keeping its data."""

    serializer_class = serializers.EmailDeclineSerializer
    throttle_address_field = "uid"

    def post(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return Response({"detail": _("The account gave this address up: nobody can sign in with it any more.")})


@extend_schema(
    responses={
        202: serializers.DetailSerializer,
        400: OpenApiResponse(ErrorSerializer, description="Invalid input."),
        **THROTTLED,
    }
)
class EmailVerificationResendView(EmailAddressView):
    """Mail a fresh verification link if a local account waits for the address to be proven; else a note."""

    service = staticmethod(services.email_verification_resend)


@extend_schema(
    responses={
        202: serializers.DetailSerializer,
        400: OpenApiResponse(ErrorSerializer, description="Invalid input."),
        **THROTTLED,
    }
)
class PasswordResetView(EmailAddressView):
    """Mail a password reset link to the account holding the address (or tell the address that none does)."""

    service = staticmethod(services.password_reset_request)


@extend_schema(
    responses={
        200: serializers.DetailSerializer,
        400: OpenApiResponse(
            ErrorSerializer,
            description="Invalid input, a password the validators refuse, "
            "or `invalid_link`: tampered with, used or expired.",
        ),
        **THROTTLED,
    }
)
class PasswordResetConfirmView(AccountEmailView):
    """Set a new password with the `uid` and `token` of a reset link; every earlier token of the user fails."""

    serializer_class = serializers.PasswordResetConfirmSerializer
    throttle_address_field = "uid"

    def post(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return Response({"detail": _("Your password has been reset. Sign in with the new one.")})


@extend_schema(
    responses={
        202: serializers.DetailSerializer,
        400: OpenApiResponse(ErrorSerializer, description="Invalid input: `password_incorrect`, `same_email`."),
        409: OpenApiResponse(ErrorSerializer, description="`email_managed_by_better_auth`: change it in Better Auth."),
        **THROTTLED,
    }
)
class EmailChangeView(EarlyRefusalMixin, generics.GenericAPIView):
    """Ask to move the signed-in account to a new address; nothing changes until that address confirms.

    The answer is the same whether or not another account uses the address.
    """

    permission_classes = (IsAuthenticated,)
    throttle_classes = (ScopedDatabaseRateThrottle,)
    throttle_scope = "auth"
    serializer_class = serializers.EmailChangeSerializer

    def post(self, request: AuthenticatedRequest) -> Response:
        # Before the password is checked: a Better Auth identity has none here to check.
        services.email_change_ensure_here(user=request.user)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return Response({"detail": LINK_MAILED}, status=status.HTTP_202_ACCEPTED)


@extend_schema(
    responses={
        200: serializers.UserSerializer,
        400: OpenApiResponse(
            ErrorSerializer, description="Invalid input, or `invalid_link`: tampered with, used or expired."
        ),
        409: OpenApiResponse(ErrorSerializer, description="`email_taken`: another account uses the address."),
        **THROTTLED,
    }
)
class EmailChangeConfirmView(AccountEmailView):
    """Confirm a new address with the `uid` and `token` of the link mailed to it; every earlier token fails."""

    serializer_class = serializers.EmailChangeConfirmSerializer
    throttle_address_field = "uid"

    def post(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(serializers.UserSerializer(serializer.save()).data)
