from rest_framework.permissions import BasePermission

from .exceptions import ForeignUserAccess


class IsOwner(BasePermission):
    """Only the owner may see or change a task.

    Querysets are already scoped to the caller; this is the second lock, so a
    view that forgets the scoping still cannot hand out someone else's task.
    """

    def has_object_permission(self, request, view, obj):
        return obj.owner_id == request.user.pk


class IsPathUser(BasePermission):
    """The `user_id` in the URL must be the caller's own id."""

    def has_permission(self, request, view):
        if view.kwargs.get("user_id") != request.user.pk:
            # Raised rather than returned so the body names the reason (and
            # its code), instead of DRF's generic "permission denied".
            raise ForeignUserAccess()
        return True
