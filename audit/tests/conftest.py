# The admin clients of the accounts tests: support staff, and a superuser.
from accounts.tests.conftest import superuser_client, support_client, support_group, support_user  # noqa: F401
