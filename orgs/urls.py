from django.urls import re_path

from .views import OrganizationListView

urlpatterns = [
    re_path(r"^orgs/?$", OrganizationListView.as_view(), name="organization_list"),
]
