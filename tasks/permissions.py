from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from orgs.roles import Access

from .exceptions import NotTaskCreator
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


class OrganizationTaskAccess(BasePermission):
    """What a member's role allows with the organization's tasks (orgs.roles).

    Members read the tasks, create them, change and delete the ones they
    created, and complete or reopen any; admins and owners change and delete
    any. The view reads the caller's role (`OrganizationTaskViewSet.member_access`,
    which refuses non-members and roles that map to no access).
    """

    def has_permission(self, request: Request, view: APIView) -> bool:
        # Reads of tasks check the membership with the tasks, in one query (tasks.selectors); others here.
        if view.action not in view.reads_membership_with_tasks:  # type: ignore[attr-defined]
            view.member_access()  # type: ignore[attr-defined]
        return True

    def has_object_permission(self, request: Request, view: APIView, obj: Task) -> bool:
        if obj.organization_id != view.kwargs.get("org_id"):
            return False
        access = view.member_access()  # type: ignore[attr-defined]
        if request.method in SAFE_METHODS or view.action == "toggle":  # type: ignore[attr-defined]
            return True
        if access >= Access.ADMIN or (obj.created_by_id is not None and obj.created_by_id == request.user.pk):
            return True
        raise NotTaskCreator()
