"""The OpenAPI description of the task endpoints, kept out of the views."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)

from accounts.models import USER_ID_PATTERN
from core.serializers import ErrorSerializer

from .serializers import TaskSerializer

ERROR_DESCRIPTIONS = {
    400: "Invalid input: malformed JSON, a wrong type, an unknown value or a bad filter.",
    401: "No valid bearer token.",
    403: "The `user_id` in the path is not the caller's.",
    404: "No such task among the caller's.",
    409: "`task_limit_reached`: the caller already holds the most tasks one person may (`TASKS_MAX_PER_USER`).",
}
NO_SUCH_PAGE = {404: OpenApiResponse(ErrorSerializer, description="No such page.")}

USER_ID = OpenApiParameter(
    "user_id",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    pattern=USER_ID_PATTERN.pattern,
    description="The caller's own user id; any other answers 403.",
)
TASK_ID = OpenApiParameter(
    "id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The task's id."
)


def error_responses(*status_codes):
    return {
        code: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[code])
        for code in status_codes
    }


def _operations(*, path_user):
    """Responses of every task operation; a `user_id` in the path adds 403."""
    forbidden = (403,) if path_user else ()
    parameters = [USER_ID] if path_user else []
    prefix = "user_tasks" if path_user else "tasks"

    def operation(name, responses, *, detail=True, **kwargs):
        return extend_schema(
            operation_id=f"{prefix}_{name}",
            tags=["tasks"],
            parameters=[*parameters, TASK_ID] if detail else parameters,
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
            "retrieve", {200: TaskSerializer, **error_responses(401, *forbidden, 404)},
            summary="Get a task",
        ),
        "update": operation(
            "update", {200: TaskSerializer, **error_responses(400, 401, *forbidden, 404)},
            summary="Replace a task",
        ),
        "partial_update": operation(
            "partial_update", {200: TaskSerializer, **error_responses(400, 401, *forbidden, 404)},
            summary="Change some fields of a task",
        ),
        "destroy": operation(
            "destroy", {204: None, **error_responses(401, *forbidden, 404)},
            summary="Delete a task",
        ),
        "toggle": operation(
            "toggle", {200: TaskSerializer, **error_responses(401, *forbidden, 404)},
            request=None, summary="Flip a task between completed and open",
        ),
    }
    if path_user:
        operations["complete"] = operation(
            "complete", {200: TaskSerializer, **error_responses(401, *forbidden, 404)},
            request=None, summary="Mark a task completed",
        )
    return operations


task_schema = extend_schema_view(**_operations(path_user=False))
user_task_schema = extend_schema_view(**_operations(path_user=True))
