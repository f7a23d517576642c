"""Registering and changing a household on its pages, and the household page: cost so far,
expected return, who changed what."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from calculation.models import CalculationRun, RunStatus
from calculation.services import scenario_create
from interventions.register.models import Household
from interventions.register.pseudonyms import pseudonymise
from siex.accounts.roles import Role
from tests.factories import HouseholdFactory, InterventionFactory, InterventionTypeFactory
from tests.interventions.register_pages import household_form, shown

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client_for):
    return client_for(Role.POLICY_OFFICER)


@pytest.fixture
def districts(groningen_areas):
    return {area.code: area for area in groningen_areas}


@pytest.fixture
def household(districts):
    return HouseholdFactory(area=districts["WK001401"], participation_start=date(2024, 1, 1))


@pytest.fixture
def coaching():
    return InterventionTypeFactory(code="coaching-test", unit_cost=Decimal("2000.00"))


# --- Households -------------------------------------------------------------------------------


def new_household(districts, **changes) -> dict:
    data = {
        "external_reference": "WIJ-2025-00042",
        "area": districts["WK001403"].pk,
        "adults": 2,
        "children": 3,
        "income_pct_social_minimum": "95",
        "income_source": "bijstand",
        "debt_situation": "gkb_arrangement",
        "participation_start": "2025-02-01",
        "legal_basis": "consent",
    }
    data.update(changes)
    return data


def test_an_officer_registers_a_household(officer, districts, user_for):
    response = officer.post(reverse("register:household-new"), new_household(districts))
    household = Household.objects.get(pseudonym=pseudonymise("WIJ-2025-00042"))
    assert response.status_code == 302
    assert response["Location"] == reverse("register:household", kwargs={"pk": household.pk})
    assert household.children == 3 and household.created_by.username.startswith("test-")


def test_the_new_household_form_chooses_no_district_in_advance(officer, districts):
    form = officer.get(reverse("register:household-new")).context["form"]
    area = form["area"]
    assert area.value() in (None, "")
    assert list(area.field.choices)[0] == ("", "— choose a district —")
    page = shown(officer.get(reverse("register:household-new")))
    assert "selected>Centrum" not in page and '<option value="" selected>' in page
    # Forgotten, it is asked for by name; nothing is registered.
    response = officer.post(reverse("register:household-new"), new_household(districts, area=""))
    assert response.status_code == 200
    assert response.context["form"].errors["area"] == ["This field is required."]
    assert not Household.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"external_reference": "111222333"}, "external_reference", "citizen service number"),
        ({"external_reference": ""}, "external_reference", "required"),
        (
            {"participation_end": "2025-01-01"},
            "participation_end",
            "lies before its start",
        ),
        ({"adults": "0"}, "adults", "greater than or equal to 1"),
        ({"income_pct_social_minimum": "900"}, "income_pct_social_minimum", "0-500"),
    ],
)
def test_bad_household_input_is_refused_with_a_message_and_nothing_saved(
    officer, districts, changes, field, message
):
    response = officer.post(reverse("register:household-new"), new_household(districts, **changes))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert 'class="error-summary"' in shown(response)
    assert not Household.objects.exists()


def test_a_second_registration_of_the_same_reference_is_refused(officer, districts):
    officer.post(reverse("register:household-new"), new_household(districts))
    response = officer.post(
        reverse("register:household-new"),
        new_household(districts, external_reference=" wij-2025-00042 "),
    )
    assert "already registered" in str(response.context["form"].errors["external_reference"])
    assert Household.objects.count() == 1


def test_two_officers_changing_a_household_neither_change_is_lost(client_for, districts):
    household = HouseholdFactory(area=districts["WK001401"], children=0)
    url = reverse("register:household-edit", kwargs={"pk": household.pk})
    first = client_for(Role.POLICY_OFFICER)
    second = client_for(Role.POLICY_OFFICER)
    # Both read version 1; the first saves two children.
    assert first.post(url, household_form(household, children=2)).status_code == 302
    # The second, still on version 1, enters debt situation "none": refused, shown, not saved.
    response = second.post(url, household_form(household, debt_situation="none"))
    page = shown(response)
    assert response.status_code == 200
    assert "Someone else changed this record" in page
    stored = Household.objects.get(pk=household.pk)
    assert stored.children == 2 and stored.debt_situation == "problematic"
    differences = {d["label"]: d for d in response.context["differences"]}
    assert str(differences["Children"]["stored"]) == "2"
    assert response.context["form"]["version"].value() == 2
    # Saving again with the version now shown puts the second change on top of the first.
    again = second.post(url, household_form(stored, children=2, debt_situation="none"))
    assert again.status_code == 302
    stored.refresh_from_db()
    assert (stored.children, stored.debt_situation, stored.version) == (2, "none", 3)


def test_the_income_is_a_percentage_with_or_without_its_sign(officer, districts):
    response = officer.post(
        reverse("register:household-new"),
        new_household(
            districts, income_pct_social_minimum="105,5%", participation_start="01-01-2025"
        ),
    )
    assert response.status_code == 302
    household = Household.objects.get()
    assert household.income_pct_social_minimum == Decimal("105.5")
    assert household.participation_start == date(2025, 1, 1)


def test_participation_cannot_start_after_an_intervention(officer, districts):
    household = HouseholdFactory(area=districts["WK001401"], participation_start=date(2023, 1, 1))
    InterventionFactory(household=household, start_date=date(2023, 3, 1))
    response = officer.post(
        reverse("register:household-edit", kwargs={"pk": household.pk}),
        household_form(household, participation_start="2023-06-01"),
    )
    assert "starts on 01-03-2023" in str(response.context["form"].errors)
    assert Household.objects.get(pk=household.pk).participation_start == date(2023, 1, 1)


# --- The household page -----------------------------------------------------------------------


def test_the_household_page_shows_cost_so_far_and_the_expected_return(officer, household):
    coaching = InterventionTypeFactory(code="coaching-a", unit_cost=Decimal("1000"))
    job = InterventionTypeFactory(code="werk-a", unit_cost=Decimal("3000"))
    InterventionFactory(
        household=household,
        intervention_type=coaching,
        start_date=date(2024, 2, 1),
        end_date=date(2024, 8, 1),
        status="completed",
        actual_cost=Decimal("1100"),
    )
    InterventionFactory(household=household, intervention_type=job, start_date=date(2024, 5, 1))
    version = scenario_create(code="plan", name="Plan")
    CalculationRun.objects.create(
        scenario_version=version,
        status=RunStatus.SUCCEEDED,
        finished_at=timezone.now(),
        results={
            "unit_returns": [
                {
                    "intervention_type": "coaching-a",
                    "year": 2024,
                    "benefits": 1500.0,
                    "benefits_pv": 1400.0,
                },
                {
                    "intervention_type": "werk-a",
                    "year": 2024,
                    "benefits": 9000.0,
                    "benefits_pv": 8000.0,
                },
            ]
        },
    )
    version.start_year = 2024
    version.save(update_fields=["start_year"])
    response = officer.get(reverse("register:household", kwargs={"pk": household.pk}))
    overview = response.context["overview"]
    assert overview.cost_registered == Decimal("1100")
    assert overview.cost_estimated == Decimal("3000")
    assert overview.expected.benefits == 10500.0
    page = shown(response)
    assert "EUR\u00a04.100" in page and "EUR\u00a010.500" in page
    assert "Plan" in page
    assert response.context["timeline"].bars[0].intervention.intervention_type == coaching


def test_without_a_calculation_the_page_says_so(officer, household):
    InterventionFactory(household=household, start_date=date(2024, 5, 1))
    page = shown(officer.get(reverse("register:household", kwargs={"pk": household.pk})))
    assert "No finished calculation of the programme yet." in page


def test_the_household_page_shows_who_changed_what(officer, household, coaching):
    intervention = InterventionFactory(
        household=household, intervention_type=coaching, start_date=date(2024, 3, 1)
    )
    officer.post(
        reverse("register:intervention-edit", kwargs={"pk": intervention.pk}),
        {
            "intervention_type": coaching.pk,
            "start_date": "2024-03-01",
            "status": "active",
            "notes": "Nieuwe afspraak",
            "version": 1,
        },
        # A header any client can send does not change the address in the change history.
        REMOTE_ADDR="10.0.0.5",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    from auditlog.models import LogEntry

    assert (
        LogEntry.objects.get_for_object(intervention).latest("timestamp").remote_addr == "10.0.0.5"
    )
    history = officer.get(reverse("register:household", kwargs={"pk": household.pk})).context[
        "history"
    ]
    change = next(entry for entry in history if entry["changes"])
    assert change["actor"] == "test-beleidsmedewerker"
    assert any(c["field"] == "notes" and c["new"] == "Nieuwe afspraak" for c in change["changes"])


def test_an_unsettled_cost_so_far_follows_the_catalogues_phasing(officer, household):
    phased = InterventionTypeFactory(
        code="gefaseerd",
        unit_cost=Decimal("1000"),
        cost_share_year_1=Decimal("0.6"),
        cost_share_year_2=Decimal("0.4"),
    )
    this_year = timezone.localdate().year
    InterventionFactory(
        household=household, intervention_type=phased, start_date=date(this_year, 1, 2)
    )
    InterventionFactory(
        household=household, intervention_type=phased, start_date=date(this_year - 1, 1, 2)
    )
    InterventionFactory(
        household=household, intervention_type=phased, start_date=date(this_year + 1, 1, 2)
    )
    overview = officer.get(reverse("register:household", kwargs={"pk": household.pk})).context[
        "overview"
    ]
    assert [i.cost_so_far for i in overview.interventions] == [
        Decimal("1000.00"),
        Decimal("600.00"),
        Decimal("0"),
    ]
    assert overview.cost_estimated == Decimal("1600.00")
