# Signed event deliveries as Better Auth's hooks make them (`deliver`), with the webhook secret set.
from accounts.tests.test_better_auth_events import deliver, webhook_secret  # noqa: F401
