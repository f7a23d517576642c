"""The council member's start page is the dashboard: a section of the start page
(``siex.core.start_page``) with the newest fixed version of each scenario."""

from siex.accounts.rules import is_council_member
from siex.core.start_page import StartSection

from . import presentation


def _dashboard(request) -> dict:
    return {**presentation.dashboard(request.user), "page_has_charts": True}


SECTIONS = (
    StartSection("dashboard", 5, "calculation/dashboard/start.html", is_council_member, _dashboard),
)
