"""Role × page matrix: realised returns. The project lead reads everything; a policy officer the
realised returns (per household); a council member the aggregates of fixed versions."""

from tests.access_matrix import CM, PL, PO

MATRIX: dict = {
    "calculation:version-realised": [
        ("get", "realised_fixed", {PL, PO, CM}),
        ("get", "version", {PL, PO}),
    ],
    "scenario-version-realised": [
        ("get", "realised_fixed", {PL, PO, CM}),
        ("get", "version", {PL, PO}),
    ],
    "scenario-version-realisation": [
        ("get", "realised_fixed", {PL, CM}),
        ("get", "version", {PL}),
    ],
    "scenario-version-comparison-group": [("get", "realised_fixed", {PL})],
    "transition-detail": [("get", "instrument", {PL, CM})],
}
# The council's answers are aggregates; the household breakdown is left out for them.
HOUSEHOLD_LEVEL: set[str] = set()


def builders(context: dict) -> dict:
    from calculation.services import scenario_version_fix, scenario_version_new
    from tests.interventions.followup.conftest import instruments_seeded

    draft = scenario_version_new(version=context["version"])
    fixed = scenario_version_fix(version=draft, expected_version=draft.version)
    instruments_seeded()
    return {
        "realised_fixed": ({"pk": fixed.pk}, None),
        "instrument": ({"code": "zrm"}, None),
    }
