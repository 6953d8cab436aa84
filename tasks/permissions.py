from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from .models import Task


class IsOwner(BasePermission):
    """Only the owner may see or change a task.

    Querysets are already scoped to the caller; this is the second lock, so a
    view that forgets the scoping still cannot hand out someone else's task.
    """

    def has_object_permission(self, request: Request, view: APIView, obj: Task) -> bool:
        return obj.owner_id == request.user.pk


class IsPathUser(BasePermission):
    """The `user_id` in the URL must be the caller's own id."""

    message = "You cannot access another user's data."
    code = "forbidden_user"

    def has_permission(self, request: Request, view: APIView) -> bool:
        return view.kwargs.get("user_id") == request.user.pk
