"""The register's sections of the start page (``siex.core.start_page``): its counts for the roles
that see households, the policy officer's next tasks, and the participating households per wijk,
with small-cell suppression, for council members."""

from monitoring.suppression import DisclosureRules
from siex.accounts.rules import is_council_member, is_policy_officer, sees_households
from siex.core.start_page import StartSection

from . import selectors
from .scopes import households_visible_to


def _register(request) -> dict:
    return {"register": selectors.register_summary(visible=households_visible_to(request.user))}


def _tasks(request) -> dict:
    return {
        "tasks": selectors.officer_tasks(visible=households_visible_to(request.user)),
        "follow_up_days": selectors.FOLLOW_UP_DAYS,
    }


def _districts(request) -> dict:
    return {
        "districts": selectors.participating_per_district(rules=DisclosureRules.from_settings())
    }


SECTIONS = (
    StartSection("register", 10, "interventions/start/register.html", sees_households, _register),
    StartSection("tasks", 20, "interventions/start/tasks.html", is_policy_officer, _tasks),
    StartSection(
        "districts", 30, "interventions/start/districts.html", is_council_member, _districts
    ),
)
