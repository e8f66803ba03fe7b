"""Account writes: creating users, verification, tokens, password and magic-link flows.

Every e-mail leaves through a Celery task queued on commit; the task carries the schema of
the marketplace it was queued for and builds its links on that marketplace's primary domain.
Keys and tokens are computed inside the task, so no secret travels through the broker.
"""

from accounts.services.magic_links import (
    MAGIC_LINK_MAX_AGE,
    magic_link_check,
    magic_link_confirm,
    magic_link_consume,
    magic_link_request,
    magic_link_send,
    magic_link_token,
)
from accounts.services.password_reset import (
    password_reset_confirm,
    password_reset_request,
    password_reset_send,
)
from accounts.services.tokens import (
    IssuedToken,
    operator_token_login,
    token_authenticate,
    token_create,
    token_issue,
    token_login,
    token_logout,
    token_revoke,
    token_revoke_all,
)
from accounts.services.users import (
    email_verification_send,
    email_verify,
    owner_provision,
    owner_welcome_send,
    user_create,
    user_signup,
    user_update,
)

__all__ = [
    "MAGIC_LINK_MAX_AGE",
    "IssuedToken",
    "email_verification_send",
    "email_verify",
    "magic_link_check",
    "magic_link_confirm",
    "magic_link_consume",
    "magic_link_request",
    "magic_link_send",
    "magic_link_token",
    "operator_token_login",
    "password_reset_confirm",
    "password_reset_request",
    "password_reset_send",
    "token_authenticate",
    "token_create",
    "token_issue",
    "token_login",
    "token_logout",
    "token_revoke",
    "token_revoke_all",
    "user_create",
    "owner_provision",
    "owner_welcome_send",
    "user_signup",
    "user_update",
]
