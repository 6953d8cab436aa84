from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, register

from .roles import ACCESS_NAMES


@register()
def organization_roles_check(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[CheckMessage]:
    """Every role ORGANIZATION_ROLES maps (ORGANIZATION_EXTRA_ROLES included) goes to `member` or `admin`."""
    wrong = {role: access for role, access in settings.ORGANIZATION_ROLES.items() if access not in ACCESS_NAMES}
    if not wrong:
        return []
    return [
        Error(
            f"ORGANIZATION_ROLES maps roles to an unknown access: {wrong}.",
            hint="Map each role to member or admin (ORGANIZATION_EXTRA_ROLES=role=member,other=admin).",
            id="orgs.E001",
        )
    ]
