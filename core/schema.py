"""The OpenAPI generator of every view: drf-spectacular's, plus what `IdempotencyMixin` adds to POST and PATCH."""

from typing import Any

from drf_spectacular import openapi
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from .idempotency import HEADER, MAX_KEY_LENGTH, METHODS, REPLAYED_HEADER, IdempotencyMixin
from .serializers import ErrorSerializer

IDEMPOTENCY_KEY = OpenApiParameter(
    HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=(
        f"Makes a retry safe (draft-ietf-httpapi-idempotency-key-header): 1 to {MAX_KEY_LENGTH} visible ASCII "
        "characters (a UUID per operation), quoted or not. The same key with the same request (method, path, "
        "body) within 24 hours answers the first 2xx answer again and changes nothing. Keys are per person. "
        "Any other answer releases the key. Without it, nothing changes."
    ),
)
IDEMPOTENT_REPLAYED = OpenApiParameter(
    REPLAYED_HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200, 201],
    description="`true` when the answer is the stored answer to an earlier request with the same Idempotency-Key.",
)
IDEMPOTENCY_ERRORS = {
    400: "`idempotency_key_invalid`: the Idempotency-Key is empty, too long or not visible ASCII.",
    409: "`idempotency_key_in_flight`: the first request with this Idempotency-Key is still running "
    "(`Retry-After: 1`).",
    422: "`idempotency_key_reused`: this Idempotency-Key was sent with another request (method, path or body).",
}


class AutoSchema(openapi.AutoSchema):
    def _is_idempotent(self) -> bool:
        return self.method in METHODS and isinstance(self.view, IdempotencyMixin)

    def get_override_parameters(self) -> list[Any]:
        parameters = super().get_override_parameters()
        if self._is_idempotent():
            return [*parameters, IDEMPOTENCY_KEY, IDEMPOTENT_REPLAYED]
        return parameters

    # The errors are added to the finished operation: a view's own @extend_schema(responses=...)
    # answers get_response_serializers without asking this class.
    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None or not self._is_idempotent():
            return operation
        responses = operation["responses"]
        for code, description in IDEMPOTENCY_ERRORS.items():
            existing = responses.get(str(code), {}).get("description")
            full = f"{existing} {description}" if existing else description
            responses[str(code)] = self._get_response_for_code(
                OpenApiResponse(ErrorSerializer, description=full), str(code)
            )
        operation["responses"] = dict(sorted(responses.items()))
        return operation
