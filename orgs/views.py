from typing import Any

from drf_better_auth.middleware import EarlyRefusalMixin
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.requests import AuthenticatedRequest

from .models import Membership
from .selectors import memberships_of
from .serializers import MembershipSerializer


class OrganizationListView(EarlyRefusalMixin, generics.GenericAPIView[Membership]):
    """The caller's organizations, as Better Auth's events last reported them, each with the caller's role."""

    permission_classes = [IsAuthenticated]
    serializer_class = MembershipSerializer
    pagination_class = None
    request: AuthenticatedRequest

    @extend_schema(operation_id="orgs_list", tags=["organizations"], responses=MembershipSerializer(many=True))
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        memberships = memberships_of(user_id=self.request.user.pk)
        return Response(self.get_serializer(memberships, many=True).data)
