"""Who may do what: predicates on the role groups (django-rules).

Every application page and API endpoint names one of these permissions; anything that names none
is refused (see ``middleware.DenyByDefaultMiddleware`` and ``permissions.HasRulePermission``).
A council member reaches aggregates only: no permission that opens household data admits them.
The administrator manages accounts and configuration, never household data.
"""

from __future__ import annotations

import rules

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
    "interventions.household": sees_households,
    "interventions.intervention": sees_households,
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
