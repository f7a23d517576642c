"""Need to know: the households a user may see and change.

A policy officer belongs to teams (``Team``) that work in wijken; they see and change the
households of their teams' wijken, and no other: a household outside that scope does not exist
for them (its pages and API answer 404, searches and exports leave it out, an import that touches
it is refused whole). A member of a municipality-wide team sees every household. The project lead
reads every household (``interventions.view_all_households``). An officer in no team sees no
household until an administrator puts them in one (deny by default).

Every read and write of household-level data starts from ``households_visible_to(user)``; the
aggregates (the council's pages, dashboards, calculations) do not: they show no household.
"""

from __future__ import annotations

import rules
from django.db.models import Exists, OuterRef, QuerySet

from monitoring.models import Area
from siex.accounts.rules import is_administrator, is_policy_officer, is_project_lead

from .models import Household, Intervention, Team

VIEW_ALL = "interventions.view_all_households"
VIEW = "interventions.view_household_data"
MANAGE_TEAMS = "interventions.manage_teams"


@rules.predicate
def in_municipality_wide_team(user) -> bool:
    if not user.is_authenticated:
        return False
    # Asked on every household page: once per request (the user object lives as long).
    cached = getattr(user, "_siex_municipality_wide", None)
    if cached is None:
        cached = Team.objects.filter(members=user, municipality_wide=True).exists()
        user._siex_municipality_wide = cached
    return cached


# Reading every household of the municipality: the project lead, and the policy officers of a
# municipality-wide team.
rules.add_perm(VIEW_ALL, is_project_lead | (is_policy_officer & in_municipality_wide_team))
# The teams, their wijken and their members: the administrator's, who manages the accounts (and
# sees no household).
rules.add_perm(MANAGE_TEAMS, is_administrator)


def team_areas(user) -> QuerySet[Area]:
    """The wijken of the user's teams."""
    return Area.objects.filter(teams__members=user).distinct()


def households_visible_to(user) -> QuerySet[Household]:
    """The households ``user`` may see (and, with the permission to change household data,
    change): all of them for the project lead and a municipality-wide team, those of the user's
    teams' wijken for a policy officer, none for anyone else. A wijk is matched by its code in
    its division, so that a household registered in an earlier division year of the same wijk
    stays in the team's scope."""
    if not user.is_authenticated or not user.has_perm(VIEW):
        return Household.objects.none()
    if user.has_perm(VIEW_ALL):
        return Household.objects.all()
    in_team_area = Area.objects.filter(
        teams__members=user,
        code=OuterRef("area__code"),
        division=OuterRef("area__division"),
    )
    return Household.objects.filter(Exists(in_team_area))


def interventions_visible_to(user) -> QuerySet[Intervention]:
    """The interventions of the households ``user`` may see."""
    return Intervention.objects.filter(household__in=households_visible_to(user))


def of_visible_households(queryset: QuerySet, user) -> QuerySet:
    """``queryset`` (of records that belong to a household) restricted to the households
    ``user`` may see."""
    return queryset.filter(household__in=households_visible_to(user))


def areas_in_scope(user, areas: QuerySet[Area]) -> QuerySet[Area]:
    """Of ``areas``, those where ``user`` may register or move a household."""
    if user.has_perm(VIEW_ALL):
        return areas
    return areas.filter(
        Exists(
            Area.objects.filter(
                teams__members=user, code=OuterRef("code"), division=OuterRef("division")
            )
        )
    )
