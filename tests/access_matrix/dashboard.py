"""Role × page matrix: the dashboard and the council brief. The council and the project lead read
both (the council fixed versions only); a draft has no brief, for anyone (tests/calculation)."""

from tests.access_matrix import CM, PL

MATRIX: dict = {
    "calculation:dashboard": [("get", None, {PL, CM}), ("get", "dashboard_pick", {PL, CM})],
    "calculation:version-brief": [("get", "brief_fixed", {PL, CM})],
}
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
    run_execute(run_id=run_start(version=fixed).pk)
    return {
        "brief_fixed": ({"pk": fixed.pk}, None),
        # The project lead picks a draft; the council's choice is ignored.
        "dashboard_pick": ({}, {"versie": context["version"].pk}),
    }
