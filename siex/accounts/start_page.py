"""The accounts' sections of the start page (``siex.core.start_page``): a word to a user without a
role, and the administrator's overview of the users per role."""

from siex.core.start_page import StartSection

from . import selectors
from .rules import has_a_role, is_administrator


def _administration(request) -> dict:
    return {"users_per_role": selectors.users_per_role()}


SECTIONS = (
    StartSection("no-role", 0, "accounts/start/no_role.html", ~has_a_role),
    StartSection(
        "administration",
        100,
        "accounts/start/administration.html",
        is_administrator,
        _administration,
    ),
)
