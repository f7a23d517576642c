"""The catalogue's section of the start page (``siex.core.start_page``): the intervention types in
use and the outcomes per confidence grade, for the project lead and council members."""

from siex.accounts.rules import is_council_member, is_project_lead
from siex.core.start_page import StartSection

from . import selectors


def _catalogue(request) -> dict:
    return {"catalogue": selectors.catalogue_summary()}


SECTIONS = (
    StartSection(
        "catalogue",
        40,
        "interventions/catalogue/start.html",
        is_project_lead | is_council_member,
        _catalogue,
    ),
)
