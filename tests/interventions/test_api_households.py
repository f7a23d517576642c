"""The household endpoints: filters, the same validation as the forms, versions, object checks."""

import re
from datetime import date, timedelta

import pytest
import rules
from django.utils import timezone

from interventions.register.models import Household
from interventions.register.pseudonyms import pseudonymise
from siex.accounts.roles import Role
from siex.audit.masks import SEARCH_REFUSED
from siex.audit.models import AccessLogEntry
from tests.api.fixtures import World
from tests.factories import (
    DistrictFactory,
    HouseholdFactory,
    InterventionFactory,
    InterventionTypeFactory,
)

pytestmark = pytest.mark.django_db

HOUSEHOLDS = "/api/v1/households/"


@pytest.fixture
def world(db) -> World:
    return World()


@pytest.fixture
def api(client_for):
    return client_for(Role.POLICY_OFFICER)


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def post(api, data):
    return api.post(HOUSEHOLDS, data, content_type="application/json")


def patch(api, household, data):
    return api.patch(f"{HOUSEHOLDS}{household.pk}/", data, content_type="application/json")


# --- filters --------------------------------------------------------------------------------------


@pytest.fixture
def register(world):
    """Six households that differ in one respect each from the first."""
    today = timezone.localdate()
    other = DistrictFactory(code="WK001410", name="Lewenborg")
    budget = InterventionTypeFactory(code="budgetcoaching")
    base = {"area": world.district, "participation_start": date(2023, 1, 1)}
    made = {
        "plain": HouseholdFactory(**base),
        "other_wijk": HouseholdFactory(**{**base, "area": other}),
        "work_no_debts": HouseholdFactory(**base, income_source="work", debt_situation="none"),
        "consent_gkb": HouseholdFactory(
            **base, legal_basis="consent", debt_situation="gkb_arrangement"
        ),
        "ended": HouseholdFactory(
            **{**base, "participation_start": date(2022, 1, 1)},
            participation_end=today - timedelta(days=1),
        ),
        "not_started": HouseholdFactory(
            **{**base, "participation_start": today + timedelta(days=10)}
        ),
    }
    # Two registrations of the same type: the household is still listed once.
    InterventionFactory.create_batch(2, household=made["plain"], intervention_type=budget)
    InterventionFactory(household=made["other_wijk"])
    return made


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"area": "WK001410"}, {"other_wijk"}),
        ({"income_source": "work"}, {"work_no_debts"}),
        ({"debt_situation": "gkb_arrangement"}, {"consent_gkb"}),
        ({"debt_situation": "none"}, {"work_no_debts"}),
        ({"legal_basis": "consent"}, {"consent_gkb"}),
        ({"participation": "ended"}, {"ended"}),
        ({"participation": "not_started"}, {"not_started"}),
        (
            {"participation": "participating"},
            {"plain", "other_wijk", "work_no_debts", "consent_gkb"},
        ),
        ({"intervention_type": "budgetcoaching"}, {"plain"}),
        ({"intervention_type": "onbekend"}, set()),
        ({"participation_start_until": "2022-12-31"}, {"ended"}),
        (
            {"participation_start_from": "2023-01-01", "participation_start_until": "2023-01-01"},
            {"plain", "other_wijk", "work_no_debts", "consent_gkb"},
        ),
        ({"area": "WK001404", "income_source": "work"}, {"work_no_debts"}),
    ],
)
def test_households_filter(api, register, params, expected):
    assert ids(api.get(HOUSEHOLDS, params)) == {register[name].pk for name in expected}


def test_a_pseudonym_prefix_finds_the_household(api, register):
    household = register["plain"]
    found = api.get(HOUSEHOLDS, {"pseudonym": household.pseudonym[:6].upper()})
    assert household.pk in ids(found)
    assert ids(api.get(HOUSEHOLDS, {"pseudonym": household.pseudonym})) == {household.pk}


@pytest.mark.parametrize("prefix", ["abc", "wxyz-", "12 34"])
def test_a_pseudonym_prefix_needs_4_hex_characters(api, register, prefix):
    response = api.get(HOUSEHOLDS, {"pseudonym": prefix})
    assert response.status_code == 400
    assert "at least 4 characters" in response.json()["pseudonym"][0]


SEARCH = "/api/v1/households/search/"


def search(client, reference):
    return client.post(SEARCH, {"reference": reference}, content_type="application/json")


@pytest.mark.parametrize("role", [Role.POLICY_OFFICER, Role.PROJECT_LEAD])
def test_the_own_reference_finds_the_household_by_post(client_for, world, role):
    household = HouseholdFactory(area=world.district, pseudonym=pseudonymise("WIJ-2024-00042"))
    HouseholdFactory(area=world.district)
    reader = client_for(role)
    found = search(reader, " wij-2024-00042 ")
    assert found.status_code == 200, found.content
    assert [row["id"] for row in found.json()["results"]] == [household.pk]
    assert found.json()["results"][0]["pseudonym"] == household.pseudonym
    assert search(reader, "WIJ-2024-99999").json() == {"results": []}
    entries = list(AccessLogEntry.objects.order_by("id").values("action", "query", "object_ids"))
    assert entries == [
        {"action": "search", "query": {"reference": "***"}, "object_ids": [household.pk]},
        {"action": "search", "query": {"reference": "***"}, "object_ids": []},
    ]


def test_a_council_member_cannot_search(client_for, world):
    assert search(client_for(Role.COUNCIL_MEMBER), "WIJ-2024-00042").status_code == 403


def test_a_reference_in_the_address_is_refused_and_says_where_to_go(api, world):
    HouseholdFactory(area=world.district, pseudonym=pseudonymise("WIJ-2024-00042"))
    response = api.get(HOUSEHOLDS, {"reference": "WIJ-2024-00042"})
    assert response.status_code == 400
    message = response.json()["reference"][0]
    assert "POST /api/v1/households/search/" in message
    assert "WIJ-2024-00042" not in response.content.decode()
    assert not AccessLogEntry.objects.exists()


@pytest.mark.parametrize("reference", ["", "WIJ 2024 (1)", None])
def test_an_invalid_search_is_400_with_the_field_named(api, world, reference):
    response = search(api, reference)
    assert response.status_code == 400
    assert list(response.json()) == ["reference"]


def test_a_bsn_as_reference_is_refused_not_searched(api, world):
    response = search(api, "111222333")
    assert response.status_code == 400
    assert "BSN" in response.json()["reference"][0]
    assert "111222333" not in response.content.decode()
    (entry,) = AccessLogEntry.objects.values()
    assert entry["query"] == {"reference": SEARCH_REFUSED} and entry["result_count"] == 0
    assert not re.search(r"\d{9}", str(entry))


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        (HOUSEHOLDS, "pseudonym"),
        (HOUSEHOLDS, "reference"),
        (HOUSEHOLDS, "area"),
        ("/api/v1/interventions/", "household"),
        ("/api/v1/interventions/", "intervention_type"),
    ],
)
def test_a_bsn_in_any_filter_is_refused_and_the_log_has_no_number(api, world, url, parameter):
    HouseholdFactory(area=world.district, pseudonym="123456782" + "0" * 55)
    response = api.get(url, {parameter: "123456782"})
    assert response.status_code == 400
    assert "BSN" in response.json()[parameter][0]
    (entry,) = AccessLogEntry.objects.values()
    assert entry["action"] == "search" and entry["query"] == {parameter: SEARCH_REFUSED}
    assert entry["object_ids"] == [] and entry["result_count"] == 0
    assert not re.search(r"\d{9}", str(entry)), entry


@pytest.mark.parametrize(
    "params, field",
    [
        ({"income_source": "lottery"}, "income_source"),
        ({"participation": "soon"}, "participation"),
        ({"participation_start_from": "1 maart"}, "participation_start_from"),
        ({"ordering": "pseudonym"}, "ordering"),
    ],
)
def test_an_invalid_filter_is_400_naming_it(api, world, params, field):
    response = api.get(HOUSEHOLDS, params)
    assert response.status_code == 400
    assert field in response.json()


# --- validation (the services' full_clean, as in the forms) ---------------------------------------


def test_registering_answers_the_household_without_its_reference(api, world):
    response = post(api, world.new_household(external_reference="WIJ-2024-1", pseudonym="0" * 64))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["pseudonym"] == pseudonymise("WIJ-2024-1")
    assert body["version"] == 1
    assert body["source"] == "manual"
    assert "external_reference" not in body
    assert "WIJ-2024-1" not in response.content.decode()


@pytest.mark.parametrize(
    "overrides, field, fragment",
    [
        ({"participation_end": "2024-02-01"}, "participation_end", "lies before its start"),
        ({"external_reference": "111222333"}, "external_reference", "BSN"),
        ({"external_reference": "WIJ 2024 (1)"}, "external_reference", "1 to 64 letters"),
        ({"external_reference": None}, "external_reference", ""),
        ({"area": "WK999999"}, "area", "no district with code “WK999999”"),
        ({"area": "GM0014"}, "area", "no district"),
        ({"income_source": "lottery"}, "income_source", "not a valid choice"),
        ({"debt_situation": "some"}, "debt_situation", "not a valid choice"),
        ({"legal_basis": "because"}, "legal_basis", "not a valid choice"),
        ({"adults": 0}, "adults", ""),
        ({"children": 16}, "children", ""),
        ({"income_pct_social_minimum": "501"}, "income_pct_social_minimum", ""),
        ({"participation_start": "31-12-2024"}, "participation_start", "format"),
    ],
)
def test_bad_household_input_is_400_with_a_message_for_the_field(
    api, world, overrides, field, fragment
):
    data = world.new_household(**overrides)
    if overrides.get("external_reference", "") is None:
        del data["external_reference"]
    response = post(api, data)
    assert response.status_code == 400
    errors = response.json()
    assert field in errors, errors
    assert fragment in " ".join(errors[field])
    assert not Household.objects.exists()


def test_a_reference_can_be_registered_once(api, world):
    assert post(api, world.new_household(external_reference="WIJ-1")).status_code == 201
    again = post(api, world.new_household(external_reference="wij-1"))
    assert again.status_code == 400
    assert "already registered" in again.json()["external_reference"][0]


def test_a_change_needs_the_version_and_cannot_touch_the_reference(api, world):
    household = world.household
    assert "version" in patch(api, household, {"children": 3}).json()
    response = patch(api, household, {"version": 1, "external_reference": "WIJ-9"})
    assert response.status_code == 400
    assert "cannot change" in response.json()["external_reference"][0]
    put = world.household_put()
    del put["version"]
    response = api.put(f"{HOUSEHOLDS}{household.pk}/", put, content_type="application/json")
    assert response.status_code == 400
    assert "version" in response.json()


def test_a_put_replaces_the_household_and_raises_its_version(api, world):
    response = api.put(
        f"{HOUSEHOLDS}{world.household.pk}/", world.household_put(), content_type="application/json"
    )
    assert response.status_code == 200, response.json()
    household = world.fresh(world.household)
    assert (household.adults, household.income_source, household.version) == (2, "work", 2)


def test_the_start_of_participation_cannot_move_past_an_intervention(api, world):
    world.intervention  # noqa: B018 - starts 2023-03-01
    response = patch(api, world.household, {"version": 1, "participation_start": "2023-06-01"})
    assert response.status_code == 400
    assert "01-03-2023" in response.json()["participation_start"][0]  # as the pages write it


def test_a_stale_version_is_409_with_the_current_one(api, world):
    household = world.household
    assert patch(api, household, {"version": 1, "children": 1}).status_code == 200
    put = {**world.household_put(), "version": 1}
    response = api.put(f"{HOUSEHOLDS}{household.pk}/", put, content_type="application/json")
    assert response.status_code == 409
    assert response.json()["current_version"] == 2
    assert "changed by someone else" in response.json()["detail"]
    assert world.fresh(household).children == 1


# --- object-level checks --------------------------------------------------------------------------


@pytest.fixture
def one_household_closed(world):
    """Rules that refuse one household (object-level) and admit the rest: shows that the API hands
    the object to the rules."""
    from siex.accounts.rules import is_policy_officer, is_project_lead

    closed = HouseholdFactory(area=world.district)

    @rules.predicate
    def not_closed(user, obj):
        if obj is None:
            return True
        household_id = obj.pk if isinstance(obj, Household) else obj.household_id
        return household_id != closed.pk

    names = ["interventions.view_household_data", "interventions.change_household_data"]
    saved = {name: rules.permissions.permissions[name] for name in names}
    rules.set_perm(names[0], (is_policy_officer | is_project_lead) & not_closed)
    rules.set_perm(names[1], is_policy_officer & not_closed)
    yield closed
    for name, predicate in saved.items():
        rules.set_perm(name, predicate)


def test_the_rules_see_the_household_on_detail_and_change(api, world, one_household_closed):
    closed = one_household_closed
    assert api.get(f"{HOUSEHOLDS}{closed.pk}/").status_code == 403
    assert patch(api, closed, {"version": 1, "children": 2}).status_code == 403
    assert world.fresh(closed).children == 0
    assert api.get(f"{HOUSEHOLDS}{world.household.pk}/").status_code == 200
    assert patch(api, world.household, {"version": 1, "children": 2}).status_code == 200
