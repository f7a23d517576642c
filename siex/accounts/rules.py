"""Who may do what: predicates on the role groups (django-rules).

Every application page and API endpoint names one of these permissions; anything that names none
is refused (see ``middleware.DenyByDefaultMiddleware`` and ``permissions.HasRulePermission``).
A council member reaches aggregates only: no permission that opens household data admits them.
The administrator manages accounts and configuration, never household data.
"""

from __future__ import annotations

import rules
from django.utils.translation import gettext as _

from .roles import Role

is_policy_officer = rules.is_group_member(Role.POLICY_OFFICER)
is_council_member = rules.is_group_member(Role.COUNCIL_MEMBER)
is_project_lead = rules.is_group_member(Role.PROJECT_LEAD)
is_administrator = rules.is_group_member(Role.ADMINISTRATOR)

has_a_role = is_policy_officer | is_council_member | is_project_lead | is_administrator
sees_households = is_policy_officer | is_project_lead

# Start page and the areas every dashboard is built on.
rules.add_perm("siex.view_start", has_a_role)
rules.add_perm("monitoring.view_areas", has_a_role)
# Aggregates with small-cell suppression (the council's view of the programme).
rules.add_perm("monitoring.view_aggregates", has_a_role)
# The neighbourhood photo: indicators and their values are published aggregates (API, every role);
# its page is for the project lead and the policy officers.
rules.add_perm("monitoring.view_indicators", has_a_role)
rules.add_perm("monitoring.view_neighbourhood_photo", is_policy_officer | is_project_lead)
# Uploading indicator files (published aggregates, no household data): the project lead, and the
# policy officers who also import the register.
rules.add_perm("monitoring.import_indicator_values", is_policy_officer | is_project_lead)
# Kept neighbourhood photos: aggregates only, so council members read them too (with the
# programme's small counts suppressed, for everyone who does not see households); the policy
# officers and the project lead keep them; only the project lead deletes one.
rules.add_perm("monitoring.view_photos", is_policy_officer | is_project_lead | is_council_member)
rules.add_perm("monitoring.take_photos", is_policy_officer | is_project_lead)
rules.add_perm("monitoring.delete_photos", is_project_lead)
rules.add_perm("monitoring.view_small_counts", is_policy_officer | is_project_lead)

# Household-level data: pseudonymised registrations of poor households.
rules.add_perm("interventions.view_household_data", sees_households)
rules.add_perm("interventions.change_household_data", is_policy_officer)

# The catalogue of interventions and outcomes with their assumptions: readable as an assumptions
# register by every role, maintained by the project lead.
rules.add_perm("interventions.view_catalogue", has_a_role)
rules.add_perm("interventions.change_catalogue", is_project_lead)

# Scenarios and calculation runs.
rules.add_perm("calculation.view_scenarios", is_project_lead)
rules.add_perm("calculation.change_scenarios", is_project_lead)
# Scenario versions and their results: the council reads the fixed ones, what it decides on (the
# pages and the API refuse a council member a draft); the project lead reads drafts too.
rules.add_perm("calculation.view_results", is_project_lead | is_council_member)
# Plan versus actual of a fixed version: aggregates per intervention type and year, which the
# council reads too (the page and the API refuse a council member a draft).
rules.add_perm("calculation.view_plan_actual", is_project_lead | is_council_member)
# Realised returns: the project lead and the policy officers per household, the council the
# aggregates of fixed versions (small cells suppressed).
rules.add_perm("calculation.view_realised", is_project_lead | is_policy_officer | is_council_member)

# Operations.
rules.add_perm("siex.view_system_status", is_administrator)
# The access log (who read which household records): the administrator's.
rules.add_perm("siex.view_audit_log", is_administrator)

HOUSEHOLD_PERMISSIONS = frozenset(
    {"interventions.view_household_data", "interventions.change_household_data"}
)

# --- Change history -------------------------------------------------------------------------------

# The change history of a kind of record (a model label) is read by the roles that may read such
# records: household records by those who see households, accounts and roles by the
# administrator, the catalogue (every role's assumptions register) by all who use the change
# history. A kind that is not named here is in nobody's change history (deny by default);
# tests/accounts/test_rules.py fails when django-auditlog records a kind that is not named.
CHANGE_HISTORY_READERS = {
    "auth.user": is_administrator,
    "auth.group": is_administrator,
    # The teams of policy officers and their wijken (need to know): the administrator keeps them.
    "interventions.team": is_administrator,
    "interventions.household": sees_households,
    "interventions.intervention": sees_households,
    "interventions.assessment": sees_households,
    "interventions.surveyresponse": sees_households,
    "interventions.outcomeevent": sees_households,
    "interventions.interventiontype": sees_households | is_administrator,
    "interventions.interventionoutcome": sees_households | is_administrator,
    "interventions.outcome": sees_households | is_administrator,
    "interventions.outcomevalue": sees_households | is_administrator,
}


@rules.predicate
def reads_change_history_of(user, label) -> bool:
    predicate = CHANGE_HISTORY_READERS.get(str(label))
    return predicate is not None and predicate.test(user, label)


# The change history pages: for every role that reads the history of some kind of record.
rules.add_perm("siex.view_change_history", sees_households | is_administrator)
# ... and which kinds each reader finds there: ``has_perm("siex.view_change_history_of", label)``.
rules.add_perm("siex.view_change_history_of", reads_change_history_of)

# --- Accounts (separation of duties) --------------------------------------------------------------

# The user administration pages. Which accounts an administrator may change, and which roles they
# may give, is decided per account by ``account_refusal`` and ``grantable_roles``.
rules.add_perm("accounts.manage_users", is_administrator)


def grantable_roles(actor) -> list[Role]:
    """The roles ``actor`` may give and take away: a superuser every role; an administrator every
    role but administrator (only a superuser makes or unmakes an administrator); anyone else none.
    Staff and superuser status are never given on SIEX's pages."""
    if not actor.is_active:
        return []
    if actor.is_superuser:
        return list(Role)
    if is_administrator.test(actor):
        return [role for role in Role if role != Role.ADMINISTRATOR]
    return []


def holds_more_rights(account) -> bool:
    """An account above an administrator's reach: a superuser, staff (the Django admin), or an
    administrator (whose rights equal the actor's: only a superuser acts on them)."""
    return (
        account.is_superuser
        or account.is_staff
        # all(), not filter(): the user list has the groups prefetched.
        or any(group.name == Role.ADMINISTRATOR.value for group in account.groups.all())
    )


def account_refusal(actor, account) -> str | None:
    """Why ``actor`` may not change ``account`` (its name, roles, status or password), or None
    when they may.

    Nobody changes their own account here: their own roles or status would let them give
    themselves access (their own password they change on the password page). A superuser acts on
    every other account; an administrator on every account without more rights than their own.
    Unlike ``has_perm`` (which admits a superuser to everything) this also holds a superuser to
    the first rule.
    """
    if not actor.is_active or not (actor.is_superuser or is_administrator.test(actor)):
        return _("Only an administrator manages accounts.")
    if account.pk == actor.pk:
        return _(
            "Nobody changes their own roles, status or password here: ask another administrator. "
            "You change your own password under “Change password”."
        )
    if actor.is_superuser:
        return None
    if account.is_superuser:
        return _("This is a superuser's account: only a superuser can change it.")
    if holds_more_rights(account):
        return _("This account has administrator rights: only a superuser can change it.")
    return None
