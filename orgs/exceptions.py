from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound, PermissionDenied


class OrganizationNotFound(NotFound):
    """No such organization, or the caller is not a member: the same answer, so a stranger learns nothing (404)."""

    default_detail = _("No organization with this id among yours.")
    default_code = "organization_not_found"


class OrganizationRoleNotAllowed(PermissionDenied):
    """The caller's role in the organization maps to no access (ORGANIZATION_ROLES) (403)."""

    default_detail = _("Your role in this organization gives no access to its tasks.")
    default_code = "organization_role_not_allowed"
