"""The scenario API: only the project lead reads and writes; bad input is a 400 that names the
field (the services' own checks), a stale version a 409, and results exist only for a run that
finished."""

import json

import pytest
from django.test import Client

from calculation import selectors, services
from calculation.models import CalculationRun, RunStatus, Scenario, ScenarioVersion
from siex.accounts.roles import Role

pytestmark = pytest.mark.django_db

SCENARIOS = "/api/v1/scenarios/"
VERSIONS = "/api/v1/scenario-versions/"
RUNS = "/api/v1/calculation-runs/"


@pytest.fixture
def api(client_for) -> Client:
    return client_for(Role.PROJECT_LEAD)


def post(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def patch(client, url, data):
    return client.patch(url, json.dumps(data), content_type="application/json")


def calculate(version) -> CalculationRun:
    run = services.run_start(version=version)
    services.run_execute(run_id=run.pk)
    run.refresh_from_db()
    return run


# --- who may do what ------------------------------------------------------------------------------


def endpoints(version, fixable, run):
    """(method, url, body) for every endpoint of the scenario API."""
    document = {**selectors.scenario_document(version), "code": "via-import"}
    return [
        ("get", SCENARIOS, None),
        ("post", SCENARIOS, {"code": "nieuw", "name": "Nieuw"}),
        ("get", f"{SCENARIOS}{version.scenario_id}/", None),
        ("get", VERSIONS, None),
        ("get", f"{VERSIONS}{version.pk}/", None),
        ("get", f"{VERSIONS}{version.pk}/document/", None),
        ("post", f"{VERSIONS}import/", document),
        ("post", f"{VERSIONS}{fixable.pk}/fix/", {"version": fixable.version}),
        ("post", f"{VERSIONS}{version.pk}/new-version/", {"note": "herziening"}),
        ("post", f"{VERSIONS}{version.pk}/runs/", None),
        ("patch", f"{VERSIONS}{version.pk}/", {"version": version.version, "note": "x"}),
        ("get", RUNS, None),
        ("get", f"{RUNS}{run.pk}/", None),
        ("get", f"{RUNS}{run.pk}/results/", None),
        ("get", f"{RUNS}{run.pk}/tables/", None),
    ]


@pytest.mark.parametrize(
    "role",
    [None, Role.POLICY_OFFICER, Role.COUNCIL_MEMBER, Role.ADMINISTRATOR, Role.PROJECT_LEAD],
    ids=lambda role: role.value if role else "no role",
)
def test_only_the_project_lead_reaches_the_scenario_api(client_for, scenario_version, role):
    """... for drafts: a council member's lists hold the fixed versions only (none here)."""
    run = calculate(scenario_version)
    fixable = services.scenario_version_new(version=scenario_version)
    client = client_for(role)
    for method, url, body in endpoints(scenario_version, fixable, run):
        if method == "get":
            response = client.get(url)
        elif method == "post":
            response = post(client, url, body)
        else:
            response = patch(client, url, body)
        if role == Role.PROJECT_LEAD:
            assert response.status_code in (200, 201, 202), (method, url, response.content)
        elif role == Role.COUNCIL_MEMBER and method == "get" and url in (SCENARIOS, VERSIONS, RUNS):
            assert response.status_code == 200, url
            assert response.json()["results"] == [], url
        else:
            assert response.status_code == 403, (method, url)
            assert b"Basisscenario" not in response.content


def test_anonymous_requests_are_refused(scenario_version):
    client = Client()
    assert client.get(SCENARIOS).status_code in (401, 403)
    assert client.get(f"{VERSIONS}{scenario_version.pk}/document/").status_code in (401, 403)
    assert post(client, f"{VERSIONS}{scenario_version.pk}/runs/").status_code in (401, 403)
    assert not CalculationRun.objects.exists()


def test_put_is_not_offered(api, scenario_version):
    response = api.put(
        f"{VERSIONS}{scenario_version.pk}/",
        json.dumps({"version": scenario_version.version}),
        content_type="application/json",
    )
    assert response.status_code in (403, 405)
    assert ScenarioVersion.objects.get(pk=scenario_version.pk).version == scenario_version.version


# --- scenarios ------------------------------------------------------------------------------------


def test_a_scenario_is_created_with_a_draft_version(api, groningen_catalogue):
    response = post(api, SCENARIOS, {"code": "via-api", "name": "Via de API"})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["code"] == "via-api"
    assert body["created_by"] == "test-projectleider"
    assert [(v["number"], v["status"]) for v in body["versions"]] == [(1, "draft")]
    listed = api.get(SCENARIOS).json()
    assert [row["code"] for row in listed["results"]] == ["via-api"]
    detail = api.get(f"{SCENARIOS}{body['id']}/").json()
    assert detail["versions"][0]["id"] == body["versions"][0]["id"]


@pytest.mark.parametrize(
    "data, fragment",
    [
        ({"code": "Met Spaties", "name": "X"}, "lower-case letters"),
        ({"code": "basis", "name": "X"}, "already exists"),
        ({"name": "X"}, "required"),
    ],
)
def test_a_bad_scenario_is_a_400_naming_the_code(api, scenario_version, data, fragment):
    response = post(api, SCENARIOS, data)
    assert response.status_code == 400
    assert fragment in " ".join(response.json()["code"])
    assert Scenario.objects.count() == 1


# --- versions -------------------------------------------------------------------------------------


def test_a_version_reads_without_its_catalogue_and_filters_by_scenario(api, scenario_version):
    other = services.scenario_copy(version=scenario_version, code="ander", name="Ander")
    body = api.get(f"{VERSIONS}{scenario_version.pk}/").json()
    assert body["scenario_code"] == "basis"
    assert body["intake"] == scenario_version.intake
    assert body["monte_carlo_draws"] == 100
    assert body["version"] == scenario_version.version
    assert "catalogue" not in body
    listed = api.get(VERSIONS, {"scenario_code": "ander"}).json()["results"]
    assert [row["id"] for row in listed] == [other.pk]
    listed = api.get(VERSIONS, {"status": "fixed"}).json()["results"]
    assert listed == []


def test_a_draft_changes_with_the_version_read(api, scenario_version):
    response = patch(
        api,
        f"{VERSIONS}{scenario_version.pk}/",
        {
            "version": scenario_version.version,
            "horizon_years": 12,
            "budget": [{"year": 2026, "amount": 50000}],
            "assumptions": ["Eén aanname"],
        },
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["horizon_years"] == 12
    assert body["version"] == scenario_version.version + 1
    assert body["updated_by"] == "test-projectleider"
    saved = ScenarioVersion.objects.get(pk=scenario_version.pk)
    assert saved.budget == [{"year": 2026, "amount": 50000}]
    assert saved.assumptions == ["Eén aanname"]


@pytest.mark.parametrize(
    "change, field, fragment",
    [
        ({}, "version", "Send the version you read"),
        ({"horizon_years": 40}, "horizon_years", "Must lie between 1 and 30."),
        ({"horizon_years": "tien"}, "horizon_years", "valid integer"),
        ({"price_basis": "gevoelsmatig"}, "price_basis", "not a valid choice"),
        ({"optimism_bias_pct": [0, 5]}, "optimism_bias_pct", "six percentages"),
        (
            {"intake": [{"intervention_type": "bestaat-niet", "year": 2026, "households": 1}]},
            "intake",
            "intake[0].intervention_type: Unknown intervention type “bestaat-niet”.",
        ),
        ({"intake": "veel"}, "intake", "Expected a list."),
        (
            {"uncertainty": [{"parameter": "gevoel", "low": 0, "high": 1}]},
            "uncertainty",
            "uncertainty[0].parameter: Choose one of",
        ),
        (
            {"overrides": [{"parameter": "unit_cost", "value": 10}]},
            "overrides",
            "overrides[0].intervention_type",
        ),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_nothing_changes(
    api, scenario_version, change, field, fragment
):
    data = {"version": scenario_version.version, **change} if change else {"note": "x"}
    response = patch(api, f"{VERSIONS}{scenario_version.pk}/", data)
    assert response.status_code == 400
    errors = response.json()
    assert field in errors, errors
    assert fragment in " ".join(errors[field]), errors
    saved = ScenarioVersion.objects.get(pk=scenario_version.pk)
    assert saved.version == scenario_version.version
    assert saved.note == ""


def test_a_stale_version_is_a_409(api, scenario_version):
    stale = scenario_version.version
    services.scenario_version_update(version=scenario_version, expected_version=stale, note="eerst")
    response = patch(api, f"{VERSIONS}{scenario_version.pk}/", {"version": stale, "note": "daarna"})
    assert response.status_code == 409
    assert response.json()["current_version"] == stale + 1
    assert ScenarioVersion.objects.get(pk=scenario_version.pk).note == "eerst"


def test_fixing_freezes_a_version(api, scenario_version):
    url = f"{VERSIONS}{scenario_version.pk}/"
    assert post(api, f"{url}fix/", {}).status_code == 400
    stale = post(api, f"{url}fix/", {"version": scenario_version.version - 1})
    assert stale.status_code == 409
    response = post(api, f"{url}fix/", {"version": scenario_version.version})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "fixed"
    assert body["fixed_by"] == "test-projectleider"
    again = post(api, f"{url}fix/", {"version": body["version"]})
    assert again.status_code == 400
    assert "already fixed" in json.dumps(again.json())
    change = patch(api, url, {"version": body["version"], "horizon_years": 5})
    assert change.status_code == 400
    assert "is fixed (vastgesteld)" in json.dumps(change.json())
    assert ScenarioVersion.objects.get(pk=scenario_version.pk).horizon_years == 10


def test_a_new_version_copies_the_one_it_comes_from(api, scenario_version):
    response = post(api, f"{VERSIONS}{scenario_version.pk}/new-version/", {"note": "Herziening"})
    assert response.status_code == 201
    body = response.json()
    assert body["number"] == 2
    assert body["status"] == "draft"
    assert body["note"] == "Herziening"
    assert body["copied_from"] == scenario_version.pk
    assert body["intake"] == scenario_version.intake


def test_the_document_is_the_scenario_file(api, scenario_version):
    response = api.get(f"{VERSIONS}{scenario_version.pk}/document/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == ('attachment; filename="siex-scenario-basis-v1.json"')
    document = response.json()
    assert document["format"] == "siex-scenario"
    assert document["catalogue"]["format"] == "siex-catalogue"
    assert document["intake"] == scenario_version.intake


def test_a_scenario_file_is_imported_all_or_nothing(api, scenario_version):
    document = api.get(f"{VERSIONS}{scenario_version.pk}/document/").json()
    response = post(api, f"{VERSIONS}import/", {**document, "code": "geimporteerd"})
    assert response.status_code == 201, response.json()
    assert response.json()["scenario_code"] == "geimporteerd"

    again = post(api, f"{VERSIONS}import/", document)
    assert again.status_code == 201
    assert again.json()["number"] == 2

    document["parameters"]["horizon_years"] = 0
    bad = post(api, f"{VERSIONS}import/", {**document, "code": "kapot"})
    assert bad.status_code == 400
    assert bad.json() == {"horizon_years": ["Must lie between 1 and 30."]}
    not_a_scenario = post(api, f"{VERSIONS}import/", {"format": "iets-anders"})
    assert not_a_scenario.status_code == 400
    assert "not a SIEX scenario file" in not_a_scenario.json()["non_field_errors"][0]
    assert not Scenario.objects.filter(code="kapot").exists()
    assert ScenarioVersion.objects.count() == 3


# --- runs -----------------------------------------------------------------------------------------


def test_a_recalculation_is_accepted_and_followed_to_its_results(
    api, scenario_version, django_capture_on_commit_callbacks
):
    url = f"{VERSIONS}{scenario_version.pk}/runs/"
    queued = post(api, url)
    assert queued.status_code == 202
    run = queued.json()
    assert run["status"] == "queued"
    assert run["started_by"] == "test-projectleider"
    assert post(api, url).json()["id"] == run["id"]  # one active run per version

    results = api.get(f"{RUNS}{run['id']}/results/")
    assert results.status_code == 409
    assert results.json()["status"] == "queued"
    assert api.get(f"{RUNS}{run['id']}/tables/").status_code == 409

    services.run_execute(run_id=run["id"])
    detail = api.get(f"{RUNS}{run['id']}/").json()
    assert detail["status"] == "succeeded"
    assert detail["progress"] == 100
    assert len(detail["inputs_hash"]) == 64
    assert detail["model_version"].startswith("siex-engine")
    assert detail["duration"] is not None
    results = api.get(f"{RUNS}{run['id']}/results/")
    assert results.status_code == 200
    assert set(results.json()) >= {"meta", "kpis", "year_table", "monte_carlo"}
    tables = api.get(f"{RUNS}{run['id']}/tables/")
    assert tables.status_code == 200
    assert tables.json()["tables"][0]["key"] == "key_figures"

    with django_capture_on_commit_callbacks(execute=True):
        second = post(api, url)
    assert second.status_code == 202
    assert second.json()["id"] != run["id"]
    # The job is sent once the request's transaction commits.
    assert api.get(f"{RUNS}{second.json()['id']}/").json()["status"] == "succeeded"


def test_runs_filter_by_version_and_status_and_a_failed_run_has_no_results(api, scenario_version):
    good = calculate(scenario_version)
    broken = services.scenario_version_new(version=scenario_version)
    ScenarioVersion.objects.filter(pk=broken.pk).update(
        intake=[{"intervention_type": "bestaat-niet", "year": 2026, "households": 5}]
    )
    failed = calculate(broken)
    assert failed.status == RunStatus.FAILED

    rows = api.get(RUNS, {"scenario_version": broken.pk}).json()["results"]
    assert [row["id"] for row in rows] == [failed.pk]
    assert "Unknown intervention type" in rows[0]["error"]
    rows = api.get(RUNS, {"status": "succeeded"}).json()["results"]
    assert [row["id"] for row in rows] == [good.pk]
    assert "results" not in rows[0]

    for answer in ("results", "tables"):
        response = api.get(f"{RUNS}{failed.pk}/{answer}/")
        assert response.status_code == 409
        assert response.json()["status"] == "failed"


def test_the_schema_documents_the_scenario_endpoints(api):
    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/json").content.decode()
    for path in (
        "/api/v1/scenarios/",
        "/api/v1/scenario-versions/{id}/",
        "/api/v1/scenario-versions/{id}/document/",
        "/api/v1/scenario-versions/import/",
        "/api/v1/scenario-versions/{id}/fix/",
        "/api/v1/scenario-versions/{id}/new-version/",
        "/api/v1/scenario-versions/{id}/runs/",
        "/api/v1/calculation-runs/{id}/results/",
        "/api/v1/calculation-runs/{id}/tables/",
    ):
        assert path in schema, path
