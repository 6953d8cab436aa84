"""Business rules about accounts, one module per subject; views, serializers, the admin and commands call these.

- `users`: the local user a token names (found, created on first sight,
  given a newer profile), sign-up, sign-in, deactivation.
- `ownership`: who holds an email address, and who may take it from whom.
- `links`: the mailed links (verification, password reset) and what they do.
- `tokens`: whether a token is accepted, the refresh denylist, revocation, ended sessions.
- `relink`: moving an account to a new Better Auth id; the ids no account takes again.
- `api_keys`: personal API keys for scripts: made, listed, revoked, and the
  key a request carries resolved to its user (API_KEY_RULE).
- `life`: what the holder does with the account: edit the profile, change
  the password, export it, delete (erase) it; and erasing old deactivated accounts.
"""

from .api_keys import (
    API_KEYS_MAX_PER_USER,
    api_key_authenticate,
    api_key_create,
    api_key_revoke,
    api_keys_of,
    api_keys_revoke_all,
)
from .life import (
    RECENT_SIGN_IN,
    user_delete_ensure_allowed,
    user_erase,
    user_export,
    user_export_record,
    user_password_change,
    user_password_check,
    user_password_ensure_here,
    user_profile_edit,
    users_purge_inactive,
)
from .links import (
    email_change_confirm,
    email_change_ensure_here,
    email_change_request,
    email_decline,
    email_verification_resend,
    email_verify,
    password_reset_confirm,
    password_reset_request,
)
from .ownership import (
    RELEASED_EMAIL_DOMAIN,
    ReleaseReason,
    email_clean,
    email_proof_after,
    email_release,
    user_email_release,
)
from .relink import (
    user_id_ensure_not_deleted,
    user_id_ensure_not_relinked,
    user_id_record_deleted,
    user_relink,
    user_relink_ensure_allowed,
)
from .tokens import (
    denylist_flush_expired,
    refresh_token_deny,
    refresh_token_ensure_not_denied,
    refresh_token_sign_out,
    session_end,
    token_verify,
    user_ensure_token_accepted,
    user_tokens_revoke,
)
from .users import (
    user_ban_set,
    user_deactivate,
    user_profile_sync,
    user_role_sync,
    user_role_take,
    user_sign_in,
    user_sign_up,
    user_sync_from_token,
)

__all__ = [
    "API_KEYS_MAX_PER_USER",
    "RECENT_SIGN_IN",
    "RELEASED_EMAIL_DOMAIN",
    "ReleaseReason",
    "api_key_authenticate",
    "api_key_create",
    "api_key_revoke",
    "api_keys_of",
    "api_keys_revoke_all",
    "denylist_flush_expired",
    "email_change_confirm",
    "email_change_ensure_here",
    "email_change_request",
    "email_clean",
    "email_decline",
    "email_proof_after",
    "email_release",
    "email_verification_resend",
    "email_verify",
    "password_reset_confirm",
    "password_reset_request",
    "refresh_token_deny",
    "refresh_token_ensure_not_denied",
    "refresh_token_sign_out",
    "session_end",
    "token_verify",
    "user_deactivate",
    "user_delete_ensure_allowed",
    "user_email_release",
    "user_ensure_token_accepted",
    "user_erase",
    "user_export",
    "user_export_record",
    "user_id_ensure_not_deleted",
    "user_id_ensure_not_relinked",
    "user_id_record_deleted",
    "user_password_change",
    "user_password_check",
    "user_password_ensure_here",
    "user_profile_edit",
    "user_ban_set",
    "user_profile_sync",
    "user_role_sync",
    "user_role_take",
    "user_relink",
    "user_relink_ensure_allowed",
    "user_sign_in",
    "user_sign_up",
    "user_sync_from_token",
    "user_tokens_revoke",
    "users_purge_inactive",
]
