from rest_framework.exceptions import PermissionDenied


class ForeignUserAccess(PermissionDenied):
    default_detail = "You cannot access another user's data."
    default_code = "forbidden_user"
