"""Role × page matrix: the revision and the closing of an exploitation. The project lead revises
and closes; plan versus actual of a fixed version is read by the project lead and the council."""

from django.utils import timezone

from tests.access_matrix import CM, PL

MATRIX: dict = {
    "calculation:version-revise": [
        ("get", "revisable_page", {PL}),
        ("post", "revisable_page", {PL}),
    ],
    "calculation:version-plan-actual": [("get", "revisable_page", {PL, CM})],
    "calculation:scenario-close": [("get", "closable_page", {PL}), ("post", "closable_page", {PL})],
    "scenario-version-revise": [("post", "revisable_api", {PL})],
    "scenario-version-close": [("post", "closable_api", {PL})],
    "scenario-version-plan-actual": [("get", "revisable_api", {PL, CM})],
}
# Aggregates per intervention type and year only.
HOUSEHOLD_LEVEL: set[str] = set()


def _fixed(code: str):
    from calculation.services import scenario_create, scenario_version_fix, scenario_version_update

    version = scenario_create(code=code, name=code)
    version = scenario_version_update(
        version=version,
        expected_version=version.version,
        start_year=timezone.localdate().year - 1,
        monte_carlo_draws=100,
    )
    return scenario_version_fix(version=version, expected_version=version.version)


def builders(context: dict) -> dict:
    revision_date = f"{timezone.localdate().year}-01-01"
    built = {}
    for name in ("revisable_page", "revisable_api", "closable_page", "closable_api"):
        version = _fixed(f"matrix-{name.replace('_', '-')}")
        built[name] = ({"pk": version.pk}, {"revision_date": revision_date})
    return built
