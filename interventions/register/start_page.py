"""The register's sections of the start page (``siex.core.start_page``): its counts for the roles
that see households, the policy officer's next tasks, and the participating households per wijk,
with small-cell suppression, for council members."""

from django.utils import timezone

from monitoring.suppression import DisclosureRules
from siex.accounts.rules import is_council_member, is_policy_officer, sees_households
from siex.core.cached import cached
from siex.core.start_page import StartSection

from . import selectors
from .generation import REGISTER
from .scopes import households_visible_to


def _register(request) -> dict:
    return {"register": selectors.register_summary(visible=households_visible_to(request.user))}


def _tasks(request) -> dict:
    return {
        "tasks": selectors.officer_tasks(visible=households_visible_to(request.user)),
        "follow_up_days": selectors.FOLLOW_UP_DAYS,
    }


def _districts(request) -> dict:
    # The same for every council member until the register changes (or the day does).
    rules = DisclosureRules.from_settings()
    key = f"start-districts:{timezone.localdate()}:{rules.threshold}:{rules.rounding}"
    return {
        "districts": cached(
            REGISTER, key, lambda: selectors.participating_per_district(rules=rules)
        )
    }


SECTIONS = (
    StartSection("register", 10, "interventions/start/register.html", sees_households, _register),
    StartSection("tasks", 20, "interventions/start/tasks.html", is_policy_officer, _tasks),
    StartSection(
        "districts", 30, "interventions/start/districts.html", is_council_member, _districts
    ),
)
