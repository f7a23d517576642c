"""Households and interventions page with a cursor: every record once, in order, and no COUNT of
the register; the small tables keep numbered pages."""

from datetime import date, timedelta

import factory
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from interventions.register.models import Household, Intervention
from siex.core.api import KeysetPagination
from tests.factories import DistrictFactory, HouseholdFactory, InterventionFactory

pytestmark = pytest.mark.django_db

HOUSEHOLDS = "/api/v1/households/"
INTERVENTIONS = "/api/v1/interventions/"


@pytest.fixture
def api(policy_officer_client):
    return policy_officer_client


@pytest.fixture
def households(db):
    """120 households in 3 wijken with only 4 different start dates: many ties in every order."""
    districts = [DistrictFactory(code=f"WK00140{n}") for n in (1, 2, 3)]
    starts = [date(2023, 1, 1) + timedelta(days=30 * n) for n in range(4)]
    return HouseholdFactory.create_batch(
        120,
        area=factory.Iterator(districts),
        participation_start=factory.Iterator(starts),
    )


def walk(client, url, params=None, *, key="next"):
    """All rows, following the links; also the number of pages."""
    response = client.get(url, params or {})
    assert response.status_code == 200, response.content
    body = response.json()
    rows, pages = list(body["results"]), 1
    while body[key]:
        response = client.get(body[key])
        assert response.status_code == 200, response.content
        body = response.json()
        rows.extend(body["results"])
        pages += 1
    return rows, pages, body


def expected_order(ordering):
    return list(Household.objects.order_by(*ordering).values_list("id", flat=True))


@pytest.mark.parametrize(
    "ordering, db_ordering",
    [
        (None, ("-participation_start", "-id")),
        ("area", ("area__code", "id")),
        ("-area,participation_start", ("-area__code", "participation_start", "-id")),
        ("participation_start", ("participation_start", "id")),
        ("-updated_at", ("-updated_at", "-id")),
        ("id", ("id",)),
    ],
)
def test_the_cursor_walks_every_household_once_in_order(api, households, ordering, db_ordering):
    params = {"page_size": 25, **({"ordering": ordering} if ordering else {})}
    rows, pages, last = walk(api, HOUSEHOLDS, params)
    ids = [row["id"] for row in rows]
    assert len(ids) == 120
    assert len(set(ids)) == 120
    assert pages == 5
    assert ids == expected_order(db_ordering)
    assert "count" not in last
    # And back again from the last page.
    backwards, _, first = walk(api, last["previous"], key="previous")
    back_ids = [row["id"] for row in backwards]
    assert sorted(back_ids) == sorted(ids[:-20])
    assert len(set(back_ids)) == 100
    assert first["previous"] is None


def test_a_household_list_page_does_not_count_the_register(api, households):
    with CaptureQueriesContext(connection) as queries:
        response = api.get(HOUSEHOLDS, {"page_size": 50, "debt_situation": "problematic"})
        second = api.get(response.json()["next"])
    assert response.status_code == 200
    assert second.status_code == 200
    statements = [query["sql"] for query in queries.captured_queries]
    assert not [sql for sql in statements if "COUNT(" in sql.upper()], statements
    household_selects = [sql for sql in statements if 'FROM "interventions_household"' in sql]
    # One query per page: no per-row queries (the wijk comes along in a join).
    assert len(household_selects) == 2, household_selects


def test_the_number_of_queries_does_not_grow_with_the_page(
    api, households, django_assert_max_num_queries
):
    api.get(HOUSEHOLDS, {"page_size": 5})  # the session and the user are loaded once
    # 9: one of them asks once whether the officer's team works municipality-wide (need to know).
    with django_assert_max_num_queries(9):
        api.get(HOUSEHOLDS, {"page_size": 100})


def test_the_intervention_list_pages_with_a_cursor_without_counting(api, households):
    for household in households[:30]:
        InterventionFactory.create_batch(2, household=household, start_date=date(2023, 6, 1))
    with CaptureQueriesContext(connection) as queries:
        rows, pages, _ = walk(api, INTERVENTIONS, {"page_size": 16})
    assert len(rows) == 60
    assert len({row["id"] for row in rows}) == 60
    assert pages == 4
    assert [row["id"] for row in rows] == list(
        Intervention.objects.order_by("-id").values_list("id", flat=True)
    )
    assert not [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]


def test_page_size_has_a_maximum(api, households, monkeypatch):
    monkeypatch.setattr(KeysetPagination, "max_page_size", 30)
    body = api.get(HOUSEHOLDS, {"page_size": 1000}).json()
    assert len(body["results"]) == 30
    assert len(api.get(HOUSEHOLDS).json()["results"]) == 50  # the default page


@pytest.mark.parametrize("cursor", ["nonsense", "cD1bMV0=", "cD0xMjM="])
def test_an_invalid_cursor_is_404(api, households, cursor):
    # "cD1bMV0=" is p=[1]: a position with too few values; "cD0xMjM=" is p=123: not a list.
    response = api.get(HOUSEHOLDS, {"cursor": cursor})
    assert response.status_code == 404
    assert response.json()["detail"] == "Invalid cursor"


def test_a_cursor_made_for_another_ordering_is_404(api, households):
    next_link = api.get(HOUSEHOLDS, {"page_size": 10, "ordering": "area"}).json()["next"]
    cursor = next_link.split("cursor=")[1].split("&")[0]
    response = api.get(HOUSEHOLDS, {"cursor": cursor, "ordering": "id"})
    assert response.status_code == 404


def test_an_ordering_outside_the_whitelist_is_400(api, households):
    response = api.get(HOUSEHOLDS, {"ordering": "pseudonym"})
    assert response.status_code == 400
    assert "ordering" in response.json()


def test_the_catalogue_keeps_numbered_pages_with_a_page_size(client_for, groningen_catalogue):
    from siex.accounts.roles import Role

    for n in (1, 2, 3):
        DistrictFactory(code=f"WK00140{n}")
    client = client_for(Role.COUNCIL_MEMBER)
    body = client.get("/api/v1/intervention-types/", {"page_size": 5}).json()
    assert body["count"] > 5
    assert len(body["results"]) == 5
    assert "page=2" in body["next"]
    areas = client.get("/api/v1/areas/", {"page_size": 2, "page": 2}).json()
    assert areas["count"] == 4  # the gemeente and its 3 wijken
    assert [area["code"] for area in areas["results"]] == ["WK001402", "WK001403"]
