"""The models of the app ``interventions``, gathered from its packages so that Django registers
them under the app label ``interventions`` (and the migrations stay as they are).

Import a model from the package it lives in (``interventions.catalogue.models``,
``interventions.register.models``, ``interventions.exchange.models``,
``interventions.followup.models``, ``interventions.retention.models``), not from here.
"""

from interventions.catalogue.models import (
    Actor,
    ActorGroup,
    BudgetLine,
    InterventionOutcome,
    InterventionType,
    LifeDomain,
    LifeDomainMapping,
    Outcome,
    OutcomeValue,
)
from interventions.exchange.models import ImportBatch
from interventions.followup.models import (
    Assessment,
    Instrument,
    InstrumentDomain,
    InstrumentLevel,
    OutcomeEvent,
    SurveyResponse,
)
from interventions.register.models import Household, Intervention, Team
from interventions.retention.models import AnonymisedHousehold, RetentionRun

__all__ = [
    "Actor",
    "ActorGroup",
    "AnonymisedHousehold",
    "Assessment",
    "BudgetLine",
    "Household",
    "ImportBatch",
    "Instrument",
    "InstrumentDomain",
    "InstrumentLevel",
    "Intervention",
    "InterventionOutcome",
    "InterventionType",
    "LifeDomain",
    "LifeDomainMapping",
    "Outcome",
    "OutcomeEvent",
    "OutcomeValue",
    "RetentionRun",
    "SurveyResponse",
    "Team",
]
