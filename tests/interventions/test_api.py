"""The API refuses bad input with a message per field, never a 500, and never loses an edit."""

from datetime import date

import pytest

from interventions.register.models import Household, Intervention
from interventions.register.pseudonyms import pseudonymise
from siex.accounts.roles import Role
from tests.factories import HouseholdFactory, InterventionFactory, InterventionTypeFactory

pytestmark = pytest.mark.django_db

HOUSEHOLDS = "/api/v1/households/"
INTERVENTIONS = "/api/v1/interventions/"


@pytest.fixture
def api(client_for, groningen_areas):
    return client_for(Role.POLICY_OFFICER)


def new_household(**overrides):
    data = {
        "external_reference": "WIJ-2024-00001",
        "area": "WK001404",
        "adults": 1,
        "children": 2,
        "income_pct_social_minimum": "101.5",
        "income_source": "bijstand",
        "debt_situation": "problematic",
        "participation_start": "2024-03-01",
        "legal_basis": "public_task",
    }
    data.update(overrides)
    return data


def test_a_policy_officer_registers_a_household_under_its_pseudonym(api):
    response = api.post(HOUSEHOLDS, new_household(), content_type="application/json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["pseudonym"] == pseudonymise("WIJ-2024-00001")
    assert "external_reference" not in body
    household = Household.objects.get()
    assert household.area.code == "WK001404"
    assert household.created_by.username == "test-beleidsmedewerker"
    found = api.post(
        f"{HOUSEHOLDS}search/", {"reference": "wij-2024-00001"}, content_type="application/json"
    ).json()
    assert [row["id"] for row in found["results"]] == [household.id]


@pytest.mark.parametrize(
    "overrides, field, fragment",
    [
        ({"area": "WK999999"}, "area", "no district with code"),
        ({"area": "GM0014"}, "area", "no district with code"),
        ({"external_reference": "111222333"}, "external_reference", "BSN"),
        ({"external_reference": ""}, "external_reference", ""),
        ({"income_pct_social_minimum": "-5"}, "income_pct_social_minimum", "0"),
        ({"participation_end": "2024-02-01"}, "participation_end", "before its start"),
        ({"income_source": "lottery"}, "income_source", "not a valid choice"),
        ({"adults": 0}, "adults", ""),
    ],
)
def test_bad_household_input_is_refused_with_a_message_for_the_field(
    api, overrides, field, fragment
):
    response = api.post(HOUSEHOLDS, new_household(**overrides), content_type="application/json")
    assert response.status_code == 400
    errors = response.json()
    assert field in errors, errors
    assert fragment in " ".join(errors[field])
    assert Household.objects.count() == 0


def test_bad_intervention_input_is_refused(api, groningen_areas):
    household = HouseholdFactory(area=groningen_areas[0], participation_start=date(2024, 1, 1))
    intervention_type = InterventionTypeFactory()
    base = {"household": household.pk, "intervention_type": intervention_type.code}
    cases = [
        ({"start_date": "2024-05-01", "end_date": "2024-04-01"}, "end_date"),
        ({"start_date": "2023-05-01"}, "start_date"),
        ({"start_date": "2024-05-01", "actual_cost": "-10"}, "actual_cost"),
        ({"start_date": "2024-05-01", "intervention_type": "onbekend"}, "intervention_type"),
        ({"start_date": "1 mei"}, "start_date"),
    ]
    for data, field in cases:
        response = api.post(INTERVENTIONS, {**base, **data}, content_type="application/json")
        assert response.status_code == 400, (data, response.content)
        assert field in response.json(), (data, response.json())
    assert Intervention.objects.count() == 0


def test_concurrent_edits_answer_409_and_keep_the_first_edit(api, groningen_areas):
    intervention = InterventionFactory(household__area=groningen_areas[0])
    url = f"{INTERVENTIONS}{intervention.pk}/"
    read_by_both = api.get(url).json()["version"]
    first = api.patch(
        url, {"version": read_by_both, "notes": "Eerste"}, content_type="application/json"
    )
    assert first.status_code == 200
    assert first.json()["version"] == read_by_both + 1
    second = api.patch(
        url, {"version": read_by_both, "notes": "Tweede"}, content_type="application/json"
    )
    assert second.status_code == 409
    assert second.json()["current_version"] == read_by_both + 1
    intervention.refresh_from_db()
    assert intervention.notes == "Eerste"


def test_an_update_without_version_is_refused(api, groningen_areas):
    household = HouseholdFactory(area=groningen_areas[0])
    response = api.patch(
        f"{HOUSEHOLDS}{household.pk}/", {"children": 3}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "version" in response.json()


def test_the_openapi_schema_describes_the_endpoints(client_for):
    response = client_for(Role.PROJECT_LEAD).get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json() if response["Content-Type"].startswith("application/json") else None
    text = response.content.decode()
    assert "/api/v1/households/" in text
    assert "/api/v1/intervention-types/{code}/" in text
    assert schema is None or schema["openapi"].startswith("3.")


def test_the_api_docs_page_loads_swagger_from_our_own_static_files(client_for):
    response = client_for(Role.PROJECT_LEAD).get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn" not in html.lower()
    assert "/static/drf-yasg" not in html
    assert "/static/drf_spectacular_sidecar/" in html
