from rest_framework import status
from rest_framework.exceptions import APIException, NotFound, PermissionDenied


class TaskLimitReached(APIException):
    """The caller holds `TASKS_MAX_PER_USER` tasks: a state of their account, not a bad request (409)."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "task_limit_reached"

    def __init__(self, limit: int) -> None:
        super().__init__(f"You have reached the limit of {limit} tasks. Delete some to add more.")


class TooManyIds(APIException):
    """A bulk request naming more tasks than one request may change (400), refused before any query.

    Its own code, so that a client can tell "split the batch" from a malformed
    body; `errors` names the field as validation errors do.
    """

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "too_many_ids"

    def __init__(self, limit: int) -> None:
        message = f"A bulk request names at most {limit} tasks."
        super().__init__({"detail": message, "code": self.default_code, "errors": {"ids": [message]}})


class TasksNotFound(NotFound):
    """Some id of a bulk request names no task of the caller's: another person's or none at all (404)."""

    default_detail = "Not every task named is one of yours; nothing was changed."


class OrganizationTaskLimitReached(TaskLimitReached):
    """The organization holds `TASKS_MAX_PER_ORGANIZATION` tasks (409)."""

    def __init__(self, limit: int) -> None:
        APIException.__init__(
            self, f"This organization has reached the limit of {limit} tasks. Delete some to add more."
        )


class NotTaskCreator(PermissionDenied):
    """A member changing or deleting an organization's task someone else created (403): admins and owners may."""

    default_detail = "Only the task's creator, or an admin or owner of the organization, may change or delete it."
    default_code = "not_task_creator"
