# Signed event deliveries as Better Auth's hooks make them (`deliver`), with the webhook secret set; the
# admin's support staff and superusers.
from accounts.tests.conftest import superuser_client, support_client, support_group, support_user  # noqa: F401
from accounts.tests.test_better_auth_events import deliver, webhook_secret  # noqa: F401
