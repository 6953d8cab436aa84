import datetime
import functools
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from drf_better_auth.api_keys import ApiKeyScopes
from drf_better_auth.middleware import EarlyRefusalMixin
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import SearchFilter
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from accounts.models import ApiKeyScope
from accounts.requests import AuthenticatedRequest
from core.conditional import IF_MATCH_META_KEY, IF_NONE_MATCH_META_KEY, if_match_ensure, if_none_match_matches
from core.idempotency import IdempotencyMixin
from core.throttling import ApiKeyRateThrottle

from .exceptions import TooManyIds
from .filters import StableOrderingFilter, TaskFilter, TaskFilterBackend
from .models import Task
from .pagination import TaskPagination
from .permissions import IsOwner, IsPathUser
from .schema import task_schema, user_task_schema
from .selectors import OwnedTaskPages, task_counts, task_get_owned, tasks_owned
from .serializers import BulkActionSerializer, SummaryQuerySerializer, TaskSerializer, task_etag
from .services import BULK_MAX_IDS, task_limit_ensure_not_reached, tasks_bulk_change

UUID_REGEX = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
# The answers that are one task as it now is: they carry its ETag.
ETAG_ACTIONS = frozenset({"retrieve", "update", "partial_update", "toggle", "complete"})
# The changes to one task that If-Match guards (each handler is `checked_in_one_transaction`).
CONDITIONAL_ACTIONS = frozenset({"update", "partial_update", "destroy", "toggle", "complete"})

Handler = Callable[..., Response]


def checked_in_one_transaction(handler: Handler) -> Handler:
    """With If-Match, the task is read locked (`get_object`), checked and changed in one transaction.

    Two changes sent with the same ETag take turns: the second reads the
    task the first saved, whose ETag differs, and gets 412. Without If-Match
    the handler runs as it always did.
    """

    @functools.wraps(handler)
    def handle(self: "TaskViewSet", request: Request, *args: Any, **kwargs: Any) -> Response:
        if IF_MATCH_META_KEY not in request.META:
            return handler(self, request, *args, **kwargs)
        with transaction.atomic():
            return handler(self, request, *args, **kwargs)

    return handle


@task_schema
class TaskViewSet(EarlyRefusalMixin, IdempotencyMixin, viewsets.ModelViewSet[Task]):
    """The caller's tasks, at `/api/tasks/`."""

    serializer_class = TaskSerializer
    # Only a well-formed UUID routes here; anything else is the URL resolver's
    # 404 and never reaches the database.
    lookup_value_regex = UUID_REGEX
    permission_classes = [IsAuthenticated, IsOwner]
    # Personal API keys reach these views (and no others): reads with `tasks:read`, writes with `tasks:write`.
    api_key_scopes = ApiKeyScopes(read=ApiKeyScope.TASKS_READ, write=ApiKeyScope.TASKS_WRITE)
    throttle_classes = [ApiKeyRateThrottle]
    # IsAuthenticated runs before every action. (The schema generator's anonymous caller
    # reads get_queryset only, and its id, None, finds no rows.)
    request: AuthenticatedRequest
    pagination_class = TaskPagination
    paginator: TaskPagination
    filter_backends = [TaskFilterBackend, SearchFilter, StableOrderingFilter]
    filterset_class = TaskFilter
    search_fields = ["title", "description"]
    ordering_fields = ["created_at", "updated_at", "due_date", "priority", "title"]
    # With StableOrderingFilter's tie-break, the model's own order (Task.Meta.ordering), which
    # the compiled list reads (tasks.selectors.tasks_owned).
    ordering = ["-created_at"]

    def get_queryset(self) -> QuerySet[Task]:
        # By id, so that an anonymous caller (the schema generator) gets no rows.
        tasks = tasks_owned(owner_id=self.request.user.pk)
        return tasks.select_for_update() if self._checks_if_match() else tasks

    def _checks_if_match(self) -> bool:
        # By action, not method: OPTIONS reads the object as if for a PUT (DRF's metadata), outside any transaction.
        return self.action in CONDITIONAL_ACTIONS and IF_MATCH_META_KEY in self.request.META

    # A query string naming nothing but the page (most requests) leaves the filters
    # nothing to do: those requests read with SQL compiled once (tasks.selectors).

    def list(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]
        if not request.query_params.keys() <= self._page_parameters():
            return super().list(request, *args, **kwargs)
        # A paginator takes anything sliced and counted, not only querysets and sequences.
        page = self.paginate_queryset(OwnedTaskPages(owner_id=request.user.pk))  # type: ignore[arg-type]
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def _page_parameters(self) -> set[str]:
        return {self.paginator.page_query_param, self.paginator.page_size_query_param}

    def get_object(self) -> Task:
        if self._checks_if_match():
            # Read locked (get_queryset) in the handler's transaction (checked_in_one_transaction).
            locked = super().get_object()
            if_match_ensure(self.request.META[IF_MATCH_META_KEY], task_etag(self.get_serializer(locked).data))
            return locked
        # DRF filters get_object's queryset too: a filter in the query string can hide the task.
        if self.request.query_params:
            return super().get_object()
        task_id = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
        task = task_get_owned(owner_id=self.request.user.pk, task_id=task_id)
        if task is None:
            raise Http404
        self.check_object_permissions(self.request, task)
        return task

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().retrieve(request, *args, **kwargs)
        etag = task_etag(response.data)
        if if_none_match_matches(request.META.get(IF_NONE_MATCH_META_KEY), etag):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        return response

    update = checked_in_one_transaction(viewsets.ModelViewSet.update)
    destroy = checked_in_one_transaction(viewsets.ModelViewSet.destroy)

    # A replayed answer (core.idempotency) is a plain HttpResponse, and already carries its ETag.
    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        data = getattr(response, "data", None)
        if self.action in ETAG_ACTIONS and response.status_code == status.HTTP_200_OK and isinstance(data, dict):
            response["ETag"] = task_etag(data)
        return super().finalize_response(request, response, *args, **kwargs)

    def perform_create(self, serializer: BaseSerializer[Task]) -> None:
        # One transaction: the limit's lock on the owner is held until the task is saved.
        with transaction.atomic():
            task_limit_ensure_not_reached(owner=self.request.user)
            serializer.save(owner=self.request.user)

    @action(detail=True, methods=["post"])
    @checked_in_one_transaction
    def toggle(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        task = self.get_object()
        task.toggle_completed()
        return Response(self.get_serializer(task).data)

    # `summary` and `bulk` are list routes: the router puts them ahead of `{id}`,
    # whose pattern (a UUID) could not take them anyway.

    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def summary(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Response:
        query = SummaryQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        zone = query.validated_data.get("tz", datetime.UTC)
        today = timezone.now().astimezone(zone).date()
        return Response(task_counts(owner_id=request.user.pk, today=today))

    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def bulk(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Response:
        # The size first, before the ids are read or anything is queried.
        ids = request.data.get("ids") if isinstance(request.data, dict) else None
        if isinstance(ids, list) and len(ids) > BULK_MAX_IDS:
            raise TooManyIds(BULK_MAX_IDS)
        body = BulkActionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        changed = tasks_bulk_change(
            owner_id=request.user.pk, action=body.validated_data["action"], task_ids=body.validated_data["ids"]
        )
        return Response({"changed": changed})


@user_task_schema
class UserTaskViewSet(TaskViewSet):
    """The same tasks at `/api/{user_id}/tasks/`, for clients that name the user in the path."""

    permission_classes = [IsAuthenticated, IsPathUser, IsOwner]

    @action(detail=True, methods=["patch"])
    @checked_in_one_transaction
    def complete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        task = self.get_object()
        task.set_completed(True)
        return Response(self.get_serializer(task).data)
