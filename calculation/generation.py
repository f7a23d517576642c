"""The calculation's generation (``siex.core.cached``): figures cached from the programme's
calculation (which run of which version counts, and its results) are computed again after a run
or a version is saved or deleted (a run that finishes, a version that is fixed)."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from siex.core.cached import bump

from .models import CalculationRun, Scenario, ScenarioVersion

CALCULATION = "calculation"


def calculation_changed(**_kwargs) -> None:
    bump(CALCULATION)


def connect_signals() -> None:
    for model in (Scenario, ScenarioVersion, CalculationRun):
        post_save.connect(
            calculation_changed, sender=model, dispatch_uid=f"calculation-gen-s-{model}"
        )
        post_delete.connect(
            calculation_changed, sender=model, dispatch_uid=f"calculation-gen-d-{model}"
        )
