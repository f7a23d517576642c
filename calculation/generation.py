"""The calculation's generation (``siex.core.cached``): figures cached from the programme's
calculation (which run of which version counts, and its results) are computed again after a run
finishes or is deleted, or a version is saved or deleted (fixed, for example)."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from siex.core.cached import bump

from .models import CalculationRun, RunStatus, Scenario, ScenarioVersion

CALCULATION = "calculation"


def calculation_changed(**_kwargs) -> None:
    bump(CALCULATION)


def run_saved(*, instance: CalculationRun, **_kwargs) -> None:
    """Only a run that finished brings figures; queued, running and failed runs change none."""
    if instance.status == RunStatus.SUCCEEDED:
        bump(CALCULATION)


def connect_signals() -> None:
    post_save.connect(run_saved, sender=CalculationRun, dispatch_uid="calculation-gen-run")
    for saved in (Scenario, ScenarioVersion):
        post_save.connect(
            calculation_changed, sender=saved, dispatch_uid=f"calculation-gen-s-{saved}"
        )
    for deleted in (Scenario, ScenarioVersion, CalculationRun):
        post_delete.connect(
            calculation_changed, sender=deleted, dispatch_uid=f"calculation-gen-d-{deleted}"
        )
