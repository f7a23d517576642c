"""Role × page matrix: audit pages. The access log is the administrator's; the change history is
read by every role that reads some kind of record in it (each sees only those kinds: household
records for policy officers and project leads, accounts for the administrator)."""

from tests.access_matrix import AD, ALL_ROLES, CM, PL, PO  # noqa: F401

MATRIX: dict = {
    "audit:access-log": [("get", None, {AD})],
    "audit:access-log-export": [("get", None, {AD})],
    "audit:changes": [("get", None, {PO, PL, AD})],
    "audit:changes-export": [("get", None, {PO, PL, AD})],
}
# The change history shows the values of household records, and the access log which households
# were read: neither is for a council member.
HOUSEHOLD_LEVEL: set[str] = set(MATRIX)


def builders(context: dict) -> dict:
    return {}
