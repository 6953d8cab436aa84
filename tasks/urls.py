"""Both URL shapes of the task API, from one implementation.

`/api/tasks/...` and `/api/<user_id>/tasks/...`, each with or without the
trailing slash: a redirect that adds the slash would drop a POST body.
"""

from rest_framework.routers import SimpleRouter

from accounts.models import USER_ID_PATTERN

from .views import TaskViewSet, UserTaskViewSet

USER_ID_REGEX = USER_ID_PATTERN.pattern.removeprefix("^").removesuffix("$")


class OptionalSlashRouter(SimpleRouter):
    def __init__(self) -> None:
        super().__init__()
        # The constructor only takes a yes/no; the pattern itself may say "optional".
        self.trailing_slash = "/?"


router = OptionalSlashRouter()
router.register("tasks", TaskViewSet, basename="task")
router.register(rf"(?P<user_id>{USER_ID_REGEX})/tasks", UserTaskViewSet, basename="user-task")

urlpatterns = router.urls
