from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.filters import SearchFilter
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from .filters import StableOrderingFilter, TaskFilter, TaskFilterBackend
from .models import Task
from .pagination import TaskPagination
from .permissions import IsOwner, IsPathUser
from .schema import task_schema, user_task_schema
from .serializers import TaskSerializer

UUID_REGEX = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"


@task_schema
class TaskViewSet(viewsets.ModelViewSet):
    """The caller's tasks, at `/api/tasks/`."""

    serializer_class = TaskSerializer
    # Only a well-formed UUID routes here; anything else is the URL resolver's
    # 404 and never reaches the database.
    lookup_value_regex = UUID_REGEX
    permission_classes = [IsAuthenticated, IsOwner]
    pagination_class = TaskPagination
    filter_backends = [TaskFilterBackend, SearchFilter, StableOrderingFilter]
    filterset_class = TaskFilter
    search_fields = ["title", "description"]
    ordering_fields = ["created_at", "updated_at", "due_date", "priority", "title"]
    ordering = ["-created_at"]

    def get_queryset(self):
        # By id, so that an anonymous caller (the schema generator) gets no rows.
        return Task.objects.filter(owner_id=self.request.user.pk)

    def perform_create(self, serializer):
        serializer.save(owner=self.request.user)

    @action(detail=True, methods=["post"])
    def toggle(self, request, *args, **kwargs):
        task = self.get_object()
        task.toggle_completed()
        return Response(self.get_serializer(task).data)


@user_task_schema
class UserTaskViewSet(TaskViewSet):
    """The same tasks at `/api/{user_id}/tasks/`, for clients that name the user in the path."""

    permission_classes = [IsAuthenticated, IsPathUser, IsOwner]

    @action(detail=True, methods=["patch"])
    def complete(self, request, *args, **kwargs):
        task = self.get_object()
        task.set_completed(True)
        return Response(self.get_serializer(task).data)
