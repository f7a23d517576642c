"""The intervention endpoints: filters, the model's rules as 400s per field, the type in use,
the household fixed, the rules asked about the household."""

from datetime import date
from decimal import Decimal

import pytest
import rules

from interventions.register.models import Household, Intervention
from siex.accounts.roles import Role
from tests.api.fixtures import World
from tests.factories import HouseholdFactory, InterventionFactory, InterventionTypeFactory

pytestmark = pytest.mark.django_db

INTERVENTIONS = "/api/v1/interventions/"


@pytest.fixture
def world(db) -> World:
    return World()


@pytest.fixture
def api(client_for):
    return client_for(Role.POLICY_OFFICER)


def post(api, data):
    return api.post(INTERVENTIONS, data, content_type="application/json")


def patch(api, intervention, data):
    return api.patch(f"{INTERVENTIONS}{intervention.pk}/", data, content_type="application/json")


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


# --- filters --------------------------------------------------------------------------------------


@pytest.fixture
def registrations(world):
    other_household = HouseholdFactory(area=world.district, participation_start=date(2022, 1, 1))
    debts = InterventionTypeFactory(code="schuldhulp")
    return {
        "early": InterventionFactory(
            household=world.household,
            intervention_type=world.intervention_type,
            start_date=date(2023, 2, 1),
            end_date=date(2023, 8, 1),
            status="completed",
        ),
        "late": InterventionFactory(
            household=world.household,
            intervention_type=debts,
            start_date=date(2024, 5, 1),
            status="planned",
        ),
        "other": InterventionFactory(
            household=other_household,
            intervention_type=debts,
            start_date=date(2023, 6, 1),
            end_date=date(2024, 6, 1),
            status="stopped",
            source="import",
        ),
    }


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"intervention_type": "schuldhulp"}, {"late", "other"}),
        ({"status": "completed"}, {"early"}),
        ({"source": "import"}, {"other"}),
        ({"start_date_from": "2023-06-01"}, {"late", "other"}),
        ({"start_date_until": "2023-06-01"}, {"early", "other"}),
        ({"start_date_from": "2023-03-01", "start_date_until": "2023-12-31"}, {"other"}),
        ({"end_date_from": "2024-01-01"}, {"other"}),
        ({"end_date_until": "2023-12-31"}, {"early"}),
        ({"intervention_type": "schuldhulp", "status": "planned"}, {"late"}),
    ],
)
def test_interventions_filter(api, registrations, params, expected):
    assert ids(api.get(INTERVENTIONS, params)) == {registrations[name].pk for name in expected}


def test_interventions_filter_by_household(api, registrations, world):
    found = ids(api.get(INTERVENTIONS, {"household": world.household.pk}))
    assert found == {registrations["early"].pk, registrations["late"].pk}


@pytest.mark.parametrize(
    "params, field",
    [
        ({"status": "busy"}, "status"),
        ({"household": "abc"}, "household"),
        ({"start_date_from": "gisteren"}, "start_date_from"),
        ({"ordering": "notes"}, "ordering"),
    ],
)
def test_an_invalid_intervention_filter_is_400(api, world, params, field):
    response = api.get(INTERVENTIONS, params)
    assert response.status_code == 400
    assert field in response.json()


# --- validation -----------------------------------------------------------------------------------


def test_registering_an_intervention(api, world):
    response = post(api, world.new_intervention(actual_cost="2600", notes="Gestart"))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["household"] == world.household.pk
    assert body["intervention_type"] == "budgetcoaching"
    assert body["created_by"] == body["updated_by"] == "test-beleidsmedewerker"
    assert body["status"] == "active"
    assert body["version"] == 1


@pytest.mark.parametrize(
    "overrides, field, fragment",
    [
        (
            {"start_date": "2024-05-01", "end_date": "2024-04-01"},
            "end_date",
            "lies before the start",
        ),
        ({"start_date": "2022-12-01"}, "start_date", "before the household's participation"),
        ({"actual_cost": "5000"}, "cost_deviation_reason", "differs more than 25%"),
        ({"actual_cost": "1000"}, "cost_deviation_reason", "unit cost in the catalogue"),
        ({"actual_cost": "-10"}, "actual_cost", ""),
        ({"status": "completed"}, "end_date", "needs an end date"),
        ({"status": "paused"}, "status", "not a valid choice"),
        ({"intervention_type": "onbekend"}, "intervention_type", "no intervention “onbekend”"),
        ({"household": 987654}, "household", "no household with id 987654"),
        ({"start_date": "1 mei"}, "start_date", "format"),
        ({"start_date": None}, "start_date", ""),
    ],
)
def test_bad_intervention_input_is_400_with_a_message_for_the_field(
    api, world, overrides, field, fragment
):
    response = post(api, world.new_intervention(**overrides))
    assert response.status_code == 400
    errors = response.json()
    assert field in errors, errors
    assert fragment in " ".join(errors[field])
    assert not Intervention.objects.exists()


def test_a_cost_within_25_percent_or_with_a_reason_is_accepted(api, world):
    assert post(api, world.new_intervention(actual_cost="3125")).status_code == 201
    with_reason = world.new_intervention(
        actual_cost="600",
        cost_deviation_reason="Na 3 maanden gestopt",
        confirm_duplicate=True,  # the first one of this type still runs
    )
    assert post(api, with_reason).status_code == 201


def test_a_second_running_intervention_of_a_type_needs_confirm_duplicate(api, world):
    world.intervention_type.name_nl = "Energiecoach aan huis"
    world.intervention_type.save()
    running = world.intervention  # active since 01-03-2023
    refused = post(api, world.new_intervention(start_date="2024-02-01"))
    assert refused.status_code == 400
    (message,) = refused.json()["confirm_duplicate"]
    assert "running intervention Energiecoach aan huis since 01-03-2023" in message
    assert Intervention.objects.count() == 1
    confirmed = post(api, world.new_intervention(start_date="2024-02-01", confirm_duplicate=True))
    assert confirmed.status_code == 201, confirmed.json()
    assert "confirm_duplicate" not in confirmed.json()
    # Ended, the first no longer counts: the second one is what runs now.
    running.status, running.end_date = "completed", date(2023, 12, 31)
    running.save()
    third = post(api, world.new_intervention(start_date="2024-03-01"))
    assert "since 01-02-2024" in third.json()["confirm_duplicate"][0]
    # Changing a registration asks nothing.
    second = Intervention.objects.get(pk=confirmed.json()["id"])
    assert patch(api, second, {"version": second.version, "notes": "Ok"}).status_code == 200


def test_an_intervention_type_out_of_use_cannot_be_registered_anew(api, world):
    existing = world.intervention
    InterventionType = type(world.intervention_type)
    InterventionType.objects.filter(pk=world.intervention_type.pk).update(is_active=False)
    refused = post(api, world.new_intervention())
    assert refused.status_code == 400
    assert "no longer in use" in refused.json()["intervention_type"][0]
    # The existing registration keeps its type and can still be changed, also with PUT.
    assert patch(api, existing, {"version": 1, "notes": "Loopt nog"}).status_code == 200
    response = api.put(
        f"{INTERVENTIONS}{existing.pk}/", world.intervention_put(), content_type="application/json"
    )
    assert response.status_code == 200, response.json()
    # But another registration cannot switch to it.
    other = InterventionFactory(household=world.household)
    switched = patch(api, other, {"version": 1, "intervention_type": "budgetcoaching"})
    assert switched.status_code == 400
    assert "intervention_type" in switched.json()


def test_an_intervention_cannot_move_to_another_household(api, world):
    other = HouseholdFactory(area=world.district)
    intervention = world.intervention
    moved = patch(api, intervention, {"version": 1, "household": other.pk})
    assert moved.status_code == 400
    assert "another household" in moved.json()["household"][0]
    put = {**world.intervention_put(), "household": other.pk}
    response = api.put(f"{INTERVENTIONS}{intervention.pk}/", put, content_type="application/json")
    assert response.status_code == 400
    assert world.fresh(intervention).household_id == world.household.pk


def test_a_change_is_validated_like_a_registration(api, world):
    intervention = world.intervention
    response = patch(api, intervention, {"version": 1, "end_date": "2023-01-15"})
    assert response.status_code == 400
    assert "end_date" in response.json()
    response = patch(api, intervention, {"version": 1, "actual_cost": "9000"})
    assert "cost_deviation_reason" in response.json()
    assert world.fresh(intervention).version == 1


def test_a_change_needs_the_version_read(api, world):
    put = world.intervention_put()
    del put["version"]
    url = f"{INTERVENTIONS}{world.intervention.pk}/"
    for response in (
        api.put(url, put, content_type="application/json"),
        patch(api, world.intervention, {"notes": "zonder versie"}),
    ):
        assert response.status_code == 400
        assert "version" in response.json()


def test_a_stale_put_is_409(api, world):
    intervention = world.intervention
    assert patch(api, intervention, {"version": 1, "actual_cost": "2500"}).status_code == 200
    stale = {**world.intervention_put(), "version": 1}
    response = api.put(f"{INTERVENTIONS}{intervention.pk}/", stale, content_type="application/json")
    assert response.status_code == 409
    assert response.json()["current_version"] == 2
    assert world.fresh(intervention).actual_cost == Decimal("2500")


# --- object-level checks --------------------------------------------------------------------------


@pytest.fixture
def one_household_closed(world):
    """Rules that refuse changes to one household (object-level) and admit the rest."""
    from siex.accounts.rules import is_policy_officer

    closed = HouseholdFactory(area=world.district)
    seen = []

    @rules.predicate
    def not_closed(user, obj):
        seen.append(obj)
        if obj is None:
            return True
        household_id = obj.pk if isinstance(obj, Household) else obj.household_id
        return household_id != closed.pk

    name = "interventions.change_household_data"
    saved = rules.permissions.permissions[name]
    rules.set_perm(name, is_policy_officer & not_closed)
    yield closed, seen
    rules.set_perm(name, saved)


def test_registering_asks_the_rules_about_the_target_household(api, world, one_household_closed):
    closed, seen = one_household_closed
    refused = post(api, world.new_intervention(household=closed.pk))
    assert refused.status_code == 403
    assert not Intervention.objects.filter(household=closed).exists()
    assert closed in seen
    assert post(api, world.new_intervention()).status_code == 201


def test_changing_asks_the_rules_about_the_intervention(api, world, one_household_closed):
    closed, _ = one_household_closed
    closed_one = InterventionFactory(household=closed, start_date=date(2023, 3, 1))
    assert patch(api, closed_one, {"version": 1, "notes": "x"}).status_code == 403
    assert patch(api, world.intervention, {"version": 1, "notes": "x"}).status_code == 200
