"""The URL shapes of the task API, from one implementation.

`/api/tasks/...` and `/api/<user_id>/tasks/...` (a person's), and `/api/orgs/<org_id>/tasks/...`
(an organization's), each with or without the
trailing slash: a redirect that adds the slash would drop a POST body.
"""

from rest_framework.routers import SimpleRouter

from accounts.models import USER_ID_PATTERN
from orgs.models import ORGANIZATION_ID_PATTERN

from .views import OrganizationTaskViewSet, TaskViewSet, UserTaskViewSet

USER_ID_REGEX = USER_ID_PATTERN.pattern.removeprefix("^").removesuffix("$")
ORGANIZATION_ID_REGEX = ORGANIZATION_ID_PATTERN.pattern.removeprefix("^").removesuffix("$")


class OptionalSlashRouter(SimpleRouter):
    def __init__(self) -> None:
        super().__init__()
        # The constructor only takes a yes/no; the pattern itself may say "optional".
        self.trailing_slash = "/?"


router = OptionalSlashRouter()
router.register("tasks", TaskViewSet, basename="task")
router.register(rf"(?P<user_id>{USER_ID_REGEX})/tasks", UserTaskViewSet, basename="user-task")
router.register(rf"orgs/(?P<org_id>{ORGANIZATION_ID_REGEX})/tasks", OrganizationTaskViewSet, basename="org-task")

urlpatterns = router.urls
