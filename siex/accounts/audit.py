"""Change history (django-auditlog) of accounts and roles: who gave whom which role, who
(de)activated an account, who set a password — never the password itself, not even its hash."""

from auditlog.registry import auditlog
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

# What the history shows for a password: that there is one, and when it changed.
PASSWORD_SET = "***"  # noqa: S105 - the mask shown, not a password


def password_masked(value: str) -> str:
    """django-auditlog's mask for the password field: "***" for any password, "" for none.
    (Its default mask keeps half of the value: half a hash is still too much.)"""
    return "" if value in ("", "None") else PASSWORD_SET


# last_login changes at every sign-in: that is the access log's business, not an account change.
auditlog.register(
    get_user_model(),
    exclude_fields=["last_login"],
    mask_fields=["password"],
    mask_callable="siex.accounts.audit.password_masked",
    m2m_fields={"groups", "user_permissions"},
)
auditlog.register(Group, m2m_fields={"permissions"})
