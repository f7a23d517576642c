"""Role × page matrix: the return per household of a version (aggregates). The project lead reads
every version; a council member the fixed ones, disclosure-controlled."""

from tests.access_matrix import CM, PL

MATRIX: dict = {
    "calculation:version-participants": [
        ("get", "version", {PL}),
        ("get", "participants_fixed", {PL, CM}),
    ],
    "calculation:version-participants-chart": [
        ("get", "participants_chart", {PL}),
        ("get", "participants_fixed_chart", {PL, CM}),
    ],
}
# Distributions and statistics of groups only, never a household.
HOUSEHOLD_LEVEL: set[str] = set()


def builders(context: dict) -> dict:
    from calculation.services import (
        run_execute,
        run_start,
        scenario_version_fix,
        scenario_version_new,
    )

    draft = scenario_version_new(version=context["version"])
    fixed = scenario_version_fix(version=draft, expected_version=draft.version)
    # Calculated for real: the council's start page (the dashboard) shows the newest fixed one.
    run_execute(run_id=run_start(version=fixed).pk)
    chart = {"key": "classes", "file_format": "csv"}
    return {
        "participants_fixed": ({"pk": fixed.pk}, None),
        "participants_chart": ({"pk": context["version"].pk, **chart}, None),
        "participants_fixed_chart": ({"pk": fixed.pk, **chart}, None),
    }
