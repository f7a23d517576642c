"""Role × operation matrix of the OpenAPI schema (``tests/test_access_schema.py``).

``OPERATIONS`` names every operation of the schema by its operationId: the URL name its path
resolves to, its method, and how it touches a household. Who may use it, with what answer, is
read from the router's matrix (``tests/api/test_endpoints.py`` ROUTES): one case per object the
matrix checks it on (a draft and a fixed version, say). An operation of the schema without a
row here, or a row without a case there, fails the test.

``household``: ``PATH`` — the address names one household's record: an officer outside the
household's team gets 404, whatever the method; ``BODY`` — the request names the household (or
its wijk) in its body: that officer is refused (400, 403 or 404); ``LIST`` — a list or search
of household records: served to that officer, without the household.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.api.test_endpoints import ROUTES, Method, Route

PATH, BODY, LIST = "path", "body", "list"


@dataclass(frozen=True)
class Operation:
    name: str
    method: str
    household: str | None = None

    def cases(self) -> list[tuple[Route, Method]]:
        """(route, method spec) of the router's matrix for this operation, one per object."""
        return [
            (route, route.methods[self.method])
            for route in ROUTES
            if route.name == self.name and self.method in route.methods
        ]


def _household_records(prefix: str, name: str, *, delete: bool = True) -> dict:
    """The operations of a register endpoint of household records."""
    rows = {
        f"{prefix}_list": Operation(f"{name}-list", "GET", LIST),
        f"{prefix}_create": Operation(f"{name}-list", "POST", BODY),
        f"{prefix}_retrieve": Operation(f"{name}-detail", "GET", PATH),
        f"{prefix}_update": Operation(f"{name}-detail", "PUT", PATH),
        f"{prefix}_partial_update": Operation(f"{name}-detail", "PATCH", PATH),
    }
    if delete:
        rows[f"{prefix}_destroy"] = Operation(f"{name}-detail", "DELETE", PATH)
    return rows


OPERATIONS: dict[str, Operation] = {
    # The catalogue and the areas: every role reads them.
    "actors_list": Operation("actor-list", "GET"),
    "actors_retrieve": Operation("actor-detail", "GET"),
    "areas_list": Operation("area-list", "GET"),
    "areas_retrieve": Operation("area-detail", "GET"),
    "context_notes_list": Operation("context-note-list", "GET"),
    "context_notes_retrieve": Operation("context-note-detail", "GET"),
    "indicator_values_list": Operation("indicator-value-list", "GET"),
    "indicator_values_retrieve": Operation("indicator-value-detail", "GET"),
    "indicators_list": Operation("indicator-list", "GET"),
    "indicators_retrieve": Operation("indicator-detail", "GET"),
    "intervention_types_list": Operation("intervention-type-list", "GET"),
    "intervention_types_retrieve": Operation("intervention-type-detail", "GET"),
    "life_domains_list": Operation("life-domain-list", "GET"),
    "life_domains_retrieve": Operation("life-domain-detail", "GET"),
    "outcomes_list": Operation("outcome-list", "GET"),
    "outcomes_retrieve": Operation("outcome-detail", "GET"),
    # The register: households and their records (need to know).
    **_household_records("households", "household", delete=False),
    "households_search_create": Operation("household-search", "POST", LIST),
    **_household_records("interventions", "intervention", delete=False),
    **_household_records("assessments", "assessment"),
    **_household_records("surveys", "survey"),
    **_household_records("outcome_events", "outcome-event"),
    # Photos of a wijk and transitions between assessment levels: aggregates.
    "area_photos_retrieve": Operation("area-photo-detail", "GET"),
    "photos_list": Operation("photo-list", "GET"),
    "photos_create": Operation("photo-list", "POST"),
    "photos_retrieve": Operation("photo-detail", "GET"),
    "photos_destroy": Operation("photo-detail", "DELETE"),
    "photos_compare_list": Operation("photo-compare", "GET"),
    "transitions_retrieve": Operation("transition-detail", "GET"),
    # Scenarios, their versions and calculations.
    "scenarios_list": Operation("scenario-list", "GET"),
    "scenarios_create": Operation("scenario-list", "POST"),
    "scenarios_retrieve": Operation("scenario-detail", "GET"),
    "scenario_versions_list": Operation("scenario-version-list", "GET"),
    "scenario_versions_retrieve": Operation("scenario-version-detail", "GET"),
    "scenario_versions_partial_update": Operation("scenario-version-detail", "PATCH"),
    "scenario_versions_close_create": Operation("scenario-version-close", "POST"),
    "scenario_versions_comparison_group_retrieve": Operation(
        "scenario-version-comparison-group", "GET"
    ),
    "scenario_versions_document_retrieve": Operation("scenario-version-document", "GET"),
    "scenario_versions_fix_create": Operation("scenario-version-fix", "POST"),
    "scenario_versions_new_version_create": Operation("scenario-version-new-version", "POST"),
    "scenario_versions_plan_actual_retrieve": Operation("scenario-version-plan-actual", "GET"),
    "scenario_versions_realisation_retrieve": Operation("scenario-version-realisation", "GET"),
    "scenario_versions_realised_retrieve": Operation("scenario-version-realised", "GET"),
    "scenario_versions_revise_create": Operation("scenario-version-revise", "POST"),
    "scenario_versions_runs_create": Operation("scenario-version-runs", "POST"),
    "scenario_versions_import_create": Operation("scenario-version-import", "POST"),
    "calculation_runs_list": Operation("calculation-run-list", "GET"),
    "calculation_runs_retrieve": Operation("calculation-run-detail", "GET"),
    "calculation_runs_results_retrieve": Operation("calculation-run-results", "GET"),
    "calculation_runs_tables_retrieve": Operation("calculation-run-tables", "GET"),
}
