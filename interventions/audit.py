"""Change history (django-auditlog) of the register and the catalogue: who changed what, when."""

from auditlog.registry import auditlog

from interventions.catalogue.models import (
    InterventionOutcome,
    InterventionType,
    Outcome,
    OutcomeValue,
)
from interventions.followup.models import Assessment, OutcomeEvent, SurveyResponse
from interventions.register.models import Household, Intervention
from siex.audit.selectors import amount_fields_register

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

# The change history shows these as amounts in euros (EUR 1.234,56).
amount_fields_register(InterventionType, "unit_cost")
amount_fields_register(Intervention, "actual_cost")
amount_fields_register(OutcomeValue, "annual_amount")
