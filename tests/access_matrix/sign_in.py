"""Role × page matrix: the second sign-in step and the forgotten-password pages.

A forgotten password is everyone's (signed in or not). The second step's pages are every role's;
switching it off is refused to the roles that require it (project lead, administrator), and the
pages that need a session that passed the step send the others to the overview.
"""

from tests.access_matrix import ALL_ROLES, CM, EVERYONE, PO

MATRIX: dict = {
    "accounts:two-factor": [("get", None, ALL_ROLES)],
    "accounts:password_reset": [("get", None, EVERYONE), ("post", "reset_mail", EVERYONE)],
    "accounts:password_reset_done": [("get", None, EVERYONE)],
    "accounts:password_reset_confirm": [("get", "reset_link", EVERYONE)],
    "accounts:password_reset_complete": [("get", None, EVERYONE)],
    "two_factor:profile": [("get", None, ALL_ROLES)],
    "two_factor:setup": [("get", None, ALL_ROLES)],
    "two_factor:qr": [("get", None, ALL_ROLES)],
    "two_factor:setup_complete": [("get", None, ALL_ROLES)],
    "two_factor:backup_tokens": [("get", None, ALL_ROLES)],
    "two_factor:disable": [("get", None, {PO, CM})],
}
HOUSEHOLD_LEVEL: set[str] = set()


def builders(context: dict) -> dict:
    return {
        "reset_mail": ({}, {"email": "nobody@example.org"}),
        "reset_link": ({"uidb64": "MA", "token": "set-password"}, None),
    }
