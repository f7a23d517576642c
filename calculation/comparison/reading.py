"""What a comparison reads: the versions a reader may compare, and the results of the chosen ones
as that reader may see them (``results.disclosure``)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Exists, OuterRef

from .. import selectors
from ..models import CalculationRun, RunStatus, ScenarioVersion, VersionStatus
from ..results.disclosure import results_for
from .differences import Compared, Comparison, compare

#: Who reads drafts too (the project lead); anyone else compares fixed versions only.
SEE_DRAFTS = "calculation.view_scenarios"


def comparable_versions(user):
    """The versions ``user`` may compare: those with a finished run; for a reader who does not
    see drafts (a council member) only the fixed ones. Oldest first within a scenario."""
    finished = CalculationRun.objects.filter(
        scenario_version=OuterRef("pk"), status=RunStatus.SUCCEEDED
    )
    versions = ScenarioVersion.objects.filter(Exists(finished))
    if not user.has_perm(SEE_DRAFTS):
        versions = versions.filter(status=VersionStatus.FIXED)
    return (
        versions.select_related("scenario")
        .only("pk", "number", "status", "created_at", "scenario__name", "scenario__code")
        .order_by("scenario__name", "number", "pk")
    )


def compared_runs(versions: Sequence[ScenarioVersion]) -> list[CalculationRun]:
    """The newest finished run of each version."""
    runs = []
    for version in versions:
        run = selectors.latest_result(version)
        if run is None:
            raise ValueError(f"Scenario version {version.pk} has no finished run to compare.")
        run.scenario_version = version
        runs.append(run)
    return runs


def comparison_for(runs: Sequence[CalculationRun], baseline: ScenarioVersion, user) -> Comparison:
    """The comparison of ``runs`` against ``baseline``, each run's results as ``user`` may see
    them."""
    return compare(
        [
            Compared(
                key=str(run.scenario_version.pk),
                label=str(run.scenario_version),
                results=results_for(selectors.run_results(run), user),
            )
            for run in runs
        ],
        str(baseline.pk),
    )
