"""Change history (django-auditlog) of the register and the catalogue: who changed what, when."""

from auditlog.registry import auditlog

from interventions.catalogue.models import (
    InterventionOutcome,
    InterventionType,
    Outcome,
    OutcomeValue,
)
from interventions.followup.models import Assessment, OutcomeEvent, SurveyResponse
from interventions.register.models import Household, Intervention, Team
from interventions.register.scopes import VIEW_ALL, households_visible_to
from siex.audit.selectors import amount_fields_register, change_history_scope_add

# The pseudonym never changes after creation and is the record's identity in the log already.
auditlog.register(Household, exclude_fields=["updated_at", "version"])
auditlog.register(Intervention, exclude_fields=["updated_at", "version"])
auditlog.register(InterventionType, exclude_fields=["updated_at", "version"])
auditlog.register(Outcome, exclude_fields=["updated_at", "version"])
auditlog.register(OutcomeValue)
auditlog.register(Assessment, exclude_fields=["updated_at", "version"])
auditlog.register(SurveyResponse, exclude_fields=["updated_at", "version"])
auditlog.register(OutcomeEvent, exclude_fields=["updated_at", "version"])
auditlog.register(InterventionOutcome)
# Who is in which team and which wijken it works in decide who sees which household.
auditlog.register(Team, m2m_fields={"areas", "members"})

# The change history shows these as amounts in euros (EUR 1.234,56).
amount_fields_register(InterventionType, "unit_cost")
amount_fields_register(Intervention, "actual_cost")
amount_fields_register(OutcomeValue, "annual_amount")


# Need to know: a policy officer reads the history of the households in their scope only, and of
# their interventions and follow-up.
def _household_ids(user):
    return None if user.has_perm(VIEW_ALL) else households_visible_to(user).values("pk")


def _ids_of_records_of(model):
    def ids(user):
        if user.has_perm(VIEW_ALL):
            return None
        return model.objects.filter(household__in=households_visible_to(user)).values("pk")

    return ids


change_history_scope_add("interventions.household", _household_ids)
for _model in (Intervention, Assessment, SurveyResponse, OutcomeEvent):
    change_history_scope_add(_model._meta.label_lower, _ids_of_records_of(_model))
