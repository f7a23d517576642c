"""Every API read of household data is in the access log; the own reference never is."""

import pytest
from django.apps import apps

from siex.accounts.roles import Role
from tests.factories import HouseholdFactory, InterventionFactory

pytestmark = pytest.mark.django_db

HOUSEHOLDS = "/api/v1/households/"
INTERVENTIONS = "/api/v1/interventions/"
SEARCH = "/api/v1/households/search/"
REFERENCE = "WIJ-2024-77777"


@pytest.fixture
def logged(monkeypatch):
    """The calls the API makes to log_access, as dicts of their keyword arguments."""
    calls = []

    def record(request, **kwargs):
        calls.append({**kwargs, "user": request.user.get_username()})

    monkeypatch.setattr("siex.audit.api.log_access", record)
    return calls


@pytest.fixture
def api(client_for):
    return client_for(Role.POLICY_OFFICER)


def test_a_list_logs_the_ids_on_the_page(api, logged, world):
    households = HouseholdFactory.create_batch(3, area=world.district)
    response = api.get(HOUSEHOLDS, {"page_size": 2, "ordering": "id"})
    assert response.status_code == 200
    (entry,) = logged
    assert entry == {
        "action": "list",
        "model": "interventions.household",
        "object_ids": [households[0].pk, households[1].pk],
        "query": {"ordering": "id"},
        "result_count": None,  # a cursor page is not counted
        "user": "test-beleidsmedewerker",
    }
    api.get(response.json()["next"])
    assert logged[1]["object_ids"] == [households[2].pk]
    assert logged[1]["action"] == "list"  # paging on is no search


def test_a_filtered_list_is_a_search_with_its_filters(api, logged, world):
    household = HouseholdFactory(area=world.district, debt_situation="none")
    api.get(HOUSEHOLDS, {"area": world.district.code, "debt_situation": "none", "page_size": 5})
    (entry,) = logged
    assert entry["action"] == "search"
    assert entry["query"] == {"area": world.district.code, "debt_situation": "none"}
    assert entry["object_ids"] == [household.pk]


def test_a_search_by_own_reference_logs_it_masked(api, logged, world):
    created = api.post(
        HOUSEHOLDS,
        world.new_household(external_reference=REFERENCE),
        content_type="application/json",
    ).json()
    assert logged == []  # a registration is a change (change history), not a read
    found = api.post(
        SEARCH, {"reference": REFERENCE.lower()}, content_type="application/json"
    ).json()["results"]
    assert [row["id"] for row in found] == [created["id"]]
    (entry,) = logged
    assert entry["action"] == "search"
    assert entry["query"] == {"reference": "***"}
    assert entry["object_ids"] == [created["id"]]
    assert REFERENCE.lower() not in repr(logged).lower()


def test_a_detail_is_logged_as_viewed(api, logged, world):
    api.get(f"{HOUSEHOLDS}{world.household.pk}/")
    api.get(f"{INTERVENTIONS}{world.intervention.pk}/")
    assert [(e["action"], e["model"], e["object_ids"]) for e in logged] == [
        ("view", "interventions.household", [world.household.pk]),
        ("view", "interventions.intervention", [world.intervention.pk]),
    ]
    assert all(e["query"] is None for e in logged)


def test_the_intervention_list_and_search_are_logged(api, logged, world):
    interventions = InterventionFactory.create_batch(2, household=world.household)
    api.get(INTERVENTIONS)
    api.get(INTERVENTIONS, {"household": world.household.pk, "status": "active"})
    assert [e["action"] for e in logged] == ["list", "search"]
    assert sorted(logged[0]["object_ids"]) == sorted(i.pk for i in interventions)
    assert logged[1]["query"] == {"household": str(world.household.pk), "status": "active"}
    assert all(e["model"] == "interventions.intervention" for e in logged)


def test_refused_or_invalid_reads_and_the_catalogue_are_not_logged(client_for, logged, world):
    assert client_for(Role.COUNCIL_MEMBER).get(HOUSEHOLDS).status_code == 403
    officer = client_for(Role.POLICY_OFFICER)
    assert officer.get(HOUSEHOLDS, {"participation_start_from": "gisteren"}).status_code == 400
    assert officer.get(f"{HOUSEHOLDS}987654/").status_code == 404
    assert officer.get("/api/v1/intervention-types/").status_code == 200
    assert logged == []


def test_the_access_log_never_holds_the_raw_reference(api, world):
    """End to end with the audit app: whatever it stores, the reference is not in it."""
    api.post(
        HOUSEHOLDS,
        world.new_household(external_reference=REFERENCE),
        content_type="application/json",
    )
    api.post(SEARCH, {"reference": REFERENCE}, content_type="application/json")
    api.post(SEARCH, {"reference": "111222333"}, content_type="application/json")
    api.get(f"{HOUSEHOLDS}?reference={REFERENCE}&page_size=5")  # refused: not in an address
    entries = list(apps.get_model("audit", "AccessLogEntry").objects.values())
    assert len(entries) == 2
    assert REFERENCE.lower() not in repr(entries).lower()
    assert "111222333" not in repr(entries)


def test_the_reference_does_not_reach_the_application_logs(api, world, caplog):
    caplog.set_level("DEBUG")
    api.post(SEARCH, {"reference": REFERENCE}, content_type="application/json")
    api.post(SEARCH, {"reference": "111222333"}, content_type="application/json")  # refused
    api.get(HOUSEHOLDS, {"reference": REFERENCE})  # refused: a reference in an address
    assert caplog.records
    assert REFERENCE not in caplog.text
    assert "111222333" not in caplog.text
