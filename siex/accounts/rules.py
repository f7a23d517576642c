"""Who may do what: predicates on the role groups (django-rules).

Every application page and API endpoint names one of these permissions; anything that names none
is refused (see ``middleware.DenyByDefaultMiddleware`` and ``permissions.HasRulePermission``).
A council member reaches aggregates only: no permission that opens household data admits them.
"""

import rules

from .roles import Role

is_policy_officer = rules.is_group_member(Role.POLICY_OFFICER)
is_council_member = rules.is_group_member(Role.COUNCIL_MEMBER)
is_project_lead = rules.is_group_member(Role.PROJECT_LEAD)
is_administrator = rules.is_group_member(Role.ADMINISTRATOR)

has_a_role = is_policy_officer | is_council_member | is_project_lead | is_administrator

# Start page and the areas every dashboard is built on.
rules.add_perm("siex.view_start", has_a_role)
rules.add_perm("monitoring.view_areas", has_a_role)
# Aggregates with small-cell suppression (the council's view of the programme).
rules.add_perm("monitoring.view_aggregates", has_a_role)

# Household-level data: pseudonymised registrations of poor households.
rules.add_perm("interventions.view_household_data", is_policy_officer | is_project_lead)
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
rules.add_perm("siex.view_audit_log", is_administrator)

HOUSEHOLD_PERMISSIONS = frozenset(
    {"interventions.view_household_data", "interventions.change_household_data"}
)
