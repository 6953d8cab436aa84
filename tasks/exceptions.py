from rest_framework import status
from rest_framework.exceptions import APIException


class TaskLimitReached(APIException):
    """The caller holds `TASKS_MAX_PER_USER` tasks: a state of their account, not a bad request (409)."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "task_limit_reached"

    def __init__(self, limit):
        super().__init__(f"You have reached the limit of {limit} tasks. Delete some to add more.")
