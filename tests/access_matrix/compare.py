"""Role × page matrix: the comparison of scenario versions. The project lead compares any versions
with a finished run, a council member fixed versions only (a draft in the choice is refused on
the page as an unknown version is: tests/calculation/test_compare_pages.py)."""

from tests.access_matrix import CM, PL

MATRIX: dict = {
    "calculation:compare": [
        ("get", None, {PL, CM}),
        ("get", "compare_fixed", {PL, CM}),
        ("get", "compare_drafts", {PL, CM}),
    ],
    # A council member's download of a choice with a draft is not found, as one of an unknown
    # version is (tests/calculation/test_compare_pages.py); the project lead's is served.
    "calculation:compare-chart": [("get", "compare_fixed_chart", {PL, CM})],
}
# Aggregates of the versions' results only.
HOUSEHOLD_LEVEL: set[str] = set()


def builders(context: dict) -> dict:
    from calculation.services import (
        run_execute,
        run_start,
        scenario_version_fix,
        scenario_version_new,
    )

    fixed = []
    for _ in range(2):
        version = scenario_version_new(version=context["version"])
        version = scenario_version_fix(version=version, expected_version=version.version)
        run_execute(run_id=run_start(version=version).pk)
        fixed.append(version)
    drafts = [context["version"], fixed[0]]
    chart = {"key": "years", "file_format": "csv"}
    fixed_query = {"versions": [v.pk for v in fixed]}
    drafts_query = {"versions": [v.pk for v in drafts]}
    return {
        "compare_fixed": ({}, fixed_query),
        # The council's page says that the draft cannot be compared (a message, not a refusal).
        "compare_drafts": ({}, drafts_query),
        "compare_fixed_chart": (chart, fixed_query),
    }
