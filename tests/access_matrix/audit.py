"""Role × page matrix: audit pages (the administrator's only)."""

from tests.access_matrix import AD, ALL_ROLES, CM, PL, PO  # noqa: F401

MATRIX: dict = {
    "audit:access-log": [("get", None, {AD})],
    "audit:access-log-export": [("get", None, {AD})],
    "audit:changes": [("get", None, {AD})],
    "audit:changes-export": [("get", None, {AD})],
}
# The change history shows the values of household records, and the access log which households
# were read: neither is for a council member (nor for anyone but the administrator).
HOUSEHOLD_LEVEL: set[str] = set(MATRIX)


def builders(context: dict) -> dict:
    return {}
