"""The OpenAPI description of the task endpoints, kept out of the views."""

from collections.abc import Callable
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)

from accounts.models import USER_ID_PATTERN
from core.serializers import ErrorSerializer

from .serializers import (
    BulkActionSerializer,
    BulkResultSerializer,
    SummaryQuerySerializer,
    TaskSerializer,
    TaskSummarySerializer,
)
from .services import BULK_MAX_IDS

ERROR_DESCRIPTIONS = {
    400: "Invalid input (`invalid`, `errors` names each field or parameter): malformed JSON, a wrong type, "
    "an unknown value, a bad filter, ordering, `page_size` or `tz`.",
    401: "No valid bearer token.",
    403: "The `user_id` in the path is not the caller's.",
    404: "No such task among the caller's.",
    409: "`task_limit_reached`: the caller already holds the most tasks one person may (`TASKS_MAX_PER_USER`).",
    412: "`precondition_failed`: `If-Match` names no current version of the task (someone changed it since); "
    "nothing was changed.",
}
NO_SUCH_PAGE = {404: OpenApiResponse(ErrorSerializer, description="No such page.")}
BULK_ERRORS = {
    400: OpenApiResponse(
        ErrorSerializer,
        description=(
            f"`too_many_ids`: more than {BULK_MAX_IDS} ids (refused before anything is read); "
            "`invalid`: an unknown action or an id that is not a UUID (`errors` names the field)."
        ),
    ),
    404: OpenApiResponse(
        ErrorSerializer,
        description="`not_found`: some id names no task of the caller's (another person's or none); "
        "nothing was changed.",
    ),
}

USER_ID = OpenApiParameter(
    "user_id",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    pattern=USER_ID_PATTERN.pattern,
    description="The caller's own user id; any other answers 403.",
)
TASK_ID = OpenApiParameter("id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The task's id.")
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=(
        'Change the task only if it is as the caller last saw it (RFC 9110): its ETag, `"<id>@<updated_at>"` '
        "(built from any representation of the task, a list's included), or `*`. A stale one answers 412 "
        "and changes nothing; a weak tag (`W/`) never matches. Without it the change is unconditional."
    ),
)
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="The ETag the caller holds: 304 with no body if the task is unchanged (weak comparison).",
)
ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200, 304],
    description='The task\'s entity tag, `"<id>@<updated_at>"`: send it as If-Match to change this version only.',
)
NOT_MODIFIED = {304: OpenApiResponse(description="If-None-Match names the task as it is: no body.")}


def error_responses(*status_codes: int) -> dict[int, OpenApiResponse]:
    return {code: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[code]) for code in status_codes}


def _operations(*, path_user: bool) -> dict[str, Callable[[Any], Any]]:
    """Responses of every task operation; a `user_id` in the path adds 403."""
    forbidden = (403,) if path_user else ()
    parameters = [USER_ID] if path_user else []
    prefix = "user_tasks" if path_user else "tasks"

    def operation(
        name: str,
        responses: dict[int, Any],
        *,
        detail: bool = True,
        headers: tuple[OpenApiParameter, ...] = (),
        **kwargs: Any,
    ) -> Callable[[Any], Any]:
        kwargs.setdefault("parameters", [*parameters, TASK_ID, *headers] if detail else parameters)
        return extend_schema(
            operation_id=f"{prefix}_{name}",
            tags=["tasks"],
            responses=responses,
            **kwargs,
        )

    operations = {
        "list": operation(
            "list",
            {
                200: TaskSerializer(many=True),
                **error_responses(400, 401, *forbidden),
                **NO_SUCH_PAGE,
            },
            detail=False,
            summary="List tasks",
        ),
        "create": operation(
            "create",
            {201: TaskSerializer, **error_responses(400, 401, *forbidden, 409)},
            detail=False,
            summary="Create a task",
        ),
        "retrieve": operation(
            "retrieve",
            {200: TaskSerializer, **NOT_MODIFIED, **error_responses(401, *forbidden, 404)},
            headers=(IF_NONE_MATCH, ETAG),
            summary="Get a task",
        ),
        "update": operation(
            "update",
            {200: TaskSerializer, **error_responses(400, 401, *forbidden, 404, 412)},
            headers=(IF_MATCH, ETAG),
            summary="Replace a task",
        ),
        "partial_update": operation(
            "partial_update",
            {200: TaskSerializer, **error_responses(400, 401, *forbidden, 404, 412)},
            headers=(IF_MATCH, ETAG),
            summary="Change some fields of a task",
        ),
        "destroy": operation(
            "destroy",
            {204: None, **error_responses(401, *forbidden, 404, 412)},
            headers=(IF_MATCH,),
            summary="Delete a task",
        ),
        "toggle": operation(
            "toggle",
            {200: TaskSerializer, **error_responses(401, *forbidden, 404, 412)},
            headers=(IF_MATCH, ETAG),
            request=None,
            summary="Flip a task between completed and open",
        ),
    }
    operations["summary"] = operation(
        "summary",
        {200: TaskSummarySerializer, **error_responses(400, 401, *forbidden)},
        detail=False,
        parameters=[*parameters, SummaryQuerySerializer],
        summary="Count open, completed, overdue and due-today tasks",
        description=(
            "Counts for badges, in one query. `overdue`: open tasks due before today; `due_today`: "
            "open tasks due today; both are counted in `open` too. Today is the date in the time zone "
            "`tz` (UTC by default); an unknown zone answers 400 naming `tz`."
        ),
    )
    operations["bulk"] = operation(
        "bulk",
        {200: BulkResultSerializer, **error_responses(401, *forbidden), **BULK_ERRORS},
        detail=False,
        request=BulkActionSerializer,
        summary="Complete, reopen or delete many tasks at once",
        description=(
            f"All or nothing over up to {BULK_MAX_IDS} of the caller's own tasks: an id that names "
            "no task of theirs fails the whole request with 404 and changes nothing. A repeated id "
            "counts once; tasks already completed (or open) are left as they are and not counted."
        ),
    )
    if path_user:
        operations["complete"] = operation(
            "complete",
            {200: TaskSerializer, **error_responses(401, *forbidden, 404, 412)},
            headers=(IF_MATCH, ETAG),
            request=None,
            summary="Mark a task completed",
        )
    return operations


task_schema = extend_schema_view(**_operations(path_user=False))
user_task_schema = extend_schema_view(**_operations(path_user=True))
