"""Role × page matrix: the user administration (the administrator's only).

The accounts the administrator acts on are council members created here; which accounts an
administrator may not change (their own, a superuser's, another administrator's) is tested in
``tests/accounts``.
"""

from tests.access_matrix import AD

MATRIX: dict = {
    "accounts:users": [("get", None, {AD})],
    "accounts:user-new": [("get", None, {AD}), ("post", "account_new", {AD})],
    "accounts:user": [("get", "account", {AD}), ("post", "account_edit", {AD})],
    "accounts:user-password": [("get", "account", {AD}), ("post", "account", {AD})],
    "accounts:user-deactivate": [("get", "account", {AD}), ("post", "account", {AD})],
    "accounts:user-activate": [
        ("get", "account_inactive", {AD}),
        ("post", "account_inactive", {AD}),
    ],
}
# Accounts hold no household data, and a council member never reaches them.
HOUSEHOLD_LEVEL: set[str] = set()


def builders(context: dict) -> dict:

    from siex.accounts.roles import Role
    from siex.accounts.selectors import account_state
    from tests.factories import UserFactory

    account = UserFactory(username="matrix-raadslid", council_member=True)
    inactive = UserFactory(username="matrix-inactief", is_active=False)
    return {
        "account": ({"pk": account.pk}, None),
        "account_inactive": ({"pk": inactive.pk}, None),
        "account_new": (
            {},
            {"username": "matrix-nieuw", "roles": [Role.COUNCIL_MEMBER.value]},
        ),
        "account_edit": (
            {"pk": account.pk},
            {
                "first_name": "Matrix",
                "last_name": "Raadslid",
                "email": "raadslid@example.org",
                "roles": [Role.COUNCIL_MEMBER.value, Role.PROJECT_LEAD.value],
                "state": account_state(account),
            },
        ),
    }
