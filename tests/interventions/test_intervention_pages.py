"""Adding, changing and ending an intervention on the pages: the unit cost filled in, Dutch amounts
and dates, a second running intervention confirmed, conflicts shown side by side."""

from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from interventions.register.models import Intervention, InterventionStatus
from siex.accounts.roles import Role
from tests.factories import HouseholdFactory, InterventionFactory, InterventionTypeFactory
from tests.interventions.register_pages import LIST, add, shown

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


# --- Interventions ----------------------------------------------------------------------------


def test_choosing_an_intervention_fills_in_its_unit_cost(officer, household, coaching):
    partial = officer.get(reverse("register:unit-cost"), {"intervention_type": coaching.pk})
    body = shown(partial)
    assert 'id="id_actual_cost"' in body and 'value="2.000,00"' in body
    assert 'hx-swap-oob="true"' in body and 'type="text"' in body
    # Without JavaScript the page takes the type from the address.
    url = reverse("register:intervention-new", kwargs={"pk": household.pk})
    form = officer.get(url, {"intervention_type": coaching.pk}).context["form"]
    assert form.initial["actual_cost"] == Decimal("2000.00")


def test_an_inactive_type_is_not_offered(officer, household, coaching):
    InterventionTypeFactory(code="oud-type", name_nl="Oude regeling", is_active=False)
    page = shown(officer.get(reverse("register:intervention-new", kwargs={"pk": household.pk})))
    assert coaching.name_nl in page
    assert "Oude regeling" not in page


def test_an_officer_adds_an_intervention_and_sees_it_on_the_household_page_and_list(
    officer, household, coaching
):
    response = add(
        officer,
        household,
        intervention_type=coaching.pk,
        start_date="2024-03-01",
        status="active",
        actual_cost="2000.00",
        notes="Drie gesprekken gepland.",
    )
    assert response.status_code == 302
    intervention = Intervention.objects.get(household=household)
    assert intervention.created_by is not None
    page = shown(officer.get(response["Location"]))
    assert coaching.name_nl in page and "Drie gesprekken gepland." in page
    listing = officer.get(LIST, {"q": household.pseudonym[:8]})
    assert listing.context["page"].households[0].intervention_count == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"start_date": "2023-12-31"}, "start_date", "before the household's participation"),
        ({"end_date": "2024-02-01"}, "end_date", "lies before the start date"),
        ({"actual_cost": "4000"}, "cost_deviation_reason", "Give the reason"),
        ({"notes": "Bellen op 06-12345678"}, "notes", "telephone number"),
        ({"notes": "Contact: a.jansen@example.nl"}, "notes", "e-mail address"),
        ({"status": "completed"}, "end_date", "needs an end date"),
        ({"actual_cost": "-1"}, "actual_cost", "cannot be negative"),
    ],
)
def test_impossible_interventions_are_refused_with_a_message(
    officer, household, coaching, data, field, message
):
    response = add(
        officer,
        household,
        **{
            "intervention_type": coaching.pk,
            "start_date": "2024-03-01",
            "status": "active",
            **data,
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in " ".join(errors.get(field, [])), errors
    assert not Intervention.objects.exists()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("12,50", Decimal("12.50")),
        ("1.200,50", Decimal("1200.50")),
        ("1.200", Decimal("1200")),
        ("1200.50", Decimal("1200.50")),
        ("€ 2.000,00", Decimal("2000")),
        ("EUR 2.500", Decimal("2500")),
        ("12,-", Decimal("12")),
    ],
)
def test_amounts_are_read_the_dutch_way(officer, household, coaching, typed, stored):
    response = add(
        officer,
        household,
        intervention_type=coaching.pk,
        start_date="01-03-2024",
        status="active",
        actual_cost=typed,
        cost_deviation_reason="Afwijkend traject",
    )
    assert response.status_code == 302, response.context["form"].errors
    assert Intervention.objects.get().actual_cost == stored


@pytest.mark.parametrize("typed", ["abc", "1e3", "12,5,0", "1,200.50", "12,505"])
def test_what_is_not_an_amount_is_an_error_on_the_field_never_dropped(
    officer, household, coaching, typed
):
    response = add(
        officer,
        household,
        intervention_type=coaching.pk,
        start_date="01-03-2024",
        status="active",
        actual_cost=typed,
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["actual_cost"], errors
    assert "for example 1.200,50" in errors["actual_cost"][0]
    # What was typed stays in the field, to be corrected.
    assert f'value="{typed}"' in shown(response)
    assert not Intervention.objects.exists()


def test_amounts_and_dates_are_text_boxes_whatever_the_browser_language(
    officer, household, coaching
):
    """A type="number" box sends nothing for "abc" (the cost was saved empty) and reads 12,50
    by the browser's language; a type="date" box shows mm/dd/yyyy in an English browser."""
    page = shown(officer.get(reverse("register:intervention-new", kwargs={"pk": household.pk})))
    for name in ("actual_cost", "start_date", "end_date"):
        box = page[page.index(f'name="{name}"') - 200 : page.index(f'name="{name}"')]
        assert 'type="text"' in box[box.rindex("<input") :], name
    assert 'type="number"' not in page and 'type="date"' not in page
    assert "For example 31-03-2026" in page and "For example 1.200,50" in page


def test_dates_are_read_and_shown_the_dutch_way(officer, household, coaching):
    for typed in ("31-03-2024", "31-3-2024", "2024-03-31"):
        Intervention.objects.all().delete()
        response = add(
            officer,
            household,
            intervention_type=coaching.pk,
            start_date=typed,
            status="active",
            actual_cost="2.000,00",
        )
        assert response.status_code == 302, (typed, response.context["form"].errors)
        assert Intervention.objects.get().start_date == date(2024, 3, 31)
    refused = add(
        officer,
        household,
        intervention_type=coaching.pk,
        start_date="03/31/2024",
        status="active",
    )
    assert refused.context["form"].errors["start_date"] == [
        "Enter a date as day-month-year, for example 31-03-2026."
    ]


def test_what_the_edit_form_shows_it_reads_back_unchanged(officer, household, coaching):
    intervention = InterventionFactory(
        household=household,
        intervention_type=coaching,
        start_date=date(2024, 3, 31),
        actual_cost=Decimal("2100.50"),
    )
    url = reverse("register:intervention-edit", kwargs={"pk": intervention.pk})
    form = officer.get(url).context["form"]
    page = form.as_p()
    assert 'value="2.100,50"' in page and 'value="31-03-2024"' in page
    data = {name: form[name].value() for name in form.fields}
    data = {name: "" if value is None else value for name, value in data.items()}
    data["actual_cost"] = form["actual_cost"].as_widget().split('value="')[1].split('"')[0]
    data["start_date"] = "31-03-2024"
    assert officer.post(url, data).status_code == 302
    intervention.refresh_from_db()
    assert intervention.actual_cost == Decimal("2100.50")
    assert intervention.start_date == date(2024, 3, 31)


def test_messages_show_dates_and_amounts_as_the_page_does(officer, household, coaching):
    response = add(
        officer,
        household,
        intervention_type=coaching.pk,
        start_date="01-03-2024",
        end_date="01-02-2024",
        status="active",
        actual_cost="4.000",
    )
    errors = response.context["form"].errors
    assert errors["end_date"] == [
        "The end date (01-02-2024) lies before the start date (01-03-2024)."
    ]
    assert "actual cost (EUR\u00a04.000,00)" in errors["cost_deviation_reason"][0]
    assert "(EUR\u00a02.000,00)" in errors["cost_deviation_reason"][0]
    early = add(
        officer, household, intervention_type=coaching.pk, start_date="31-12-2023", status="active"
    )
    assert (
        "(31-12-2023) before the household's participation started (01-01-2024)"
        in (early.context["form"].errors["start_date"][0])
    )


def test_a_negative_cost_gives_one_message(officer, household, coaching):
    response = add(
        officer,
        household,
        intervention_type=coaching.pk,
        start_date="01-03-2024",
        status="active",
        actual_cost="−5",
    )
    errors = response.context["form"].errors
    assert errors == {"actual_cost": ["A cost cannot be negative."]}


def test_choosing_a_type_keeps_a_cost_the_officer_typed(officer, household, coaching):
    url = reverse("register:unit-cost")
    typed = shown(
        officer.get(
            url,
            {"intervention_type": coaching.pk, "actual_cost": "1.500", "unit_cost_filled": ""},
        )
    )
    assert "hx-swap-oob" not in typed and "The cost you entered is kept" in typed
    # A cost that is still the unit cost filled in before follows the new type.
    other = InterventionTypeFactory(code="other-test", unit_cost=Decimal("900"))
    filled = shown(
        officer.get(
            url,
            {
                "intervention_type": other.pk,
                "actual_cost": "2.000,00",
                "unit_cost_filled": "2.000,00",
            },
        )
    )
    assert 'hx-swap-oob="true"' in filled and 'value="900,00"' in filled
    assert 'id="unit-cost-filled" value="900,00"' in filled


def test_a_different_cost_with_a_reason_is_accepted(officer, household, coaching):
    response = add(
        officer,
        household,
        intervention_type=coaching.pk,
        start_date="2024-03-01",
        status="active",
        actual_cost="4000",
        cost_deviation_reason="Twee gezinsleden begeleid",
    )
    assert response.status_code == 302
    assert Intervention.objects.get().actual_cost == Decimal("4000")


def test_a_second_running_intervention_of_a_type_needs_a_confirmation(officer, household):
    coach = InterventionTypeFactory(code="energiecoach", name_nl="Energiecoach aan huis")
    InterventionFactory(
        household=household,
        intervention_type=coach,
        start_date=date(2026, 3, 1),
        status=InterventionStatus.ACTIVE,
    )
    data = {
        "intervention_type": coach.pk,
        "start_date": "2026-04-01",
        "status": "active",
        "actual_cost": str(coach.unit_cost),
    }
    officer.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    response = add(officer, household, **data)
    assert response.status_code == 200
    assert household.interventions.count() == 1
    page = shown(response)
    message = (
        "Dit huishouden heeft al een lopende interventie Energiecoach aan huis sinds 01-03-2026."
    )
    assert message in page
    assert 'href="#id_confirm_duplicate"' in page  # the error summary leads to the checkbox
    assert 'type="checkbox" name="confirm_duplicate"' in page
    assert "Toch toevoegen" in page
    # Confirmed, it is added.
    response = add(officer, household, **data, confirm_duplicate="on")
    assert response.status_code == 302
    assert household.interventions.count() == 2


def test_no_confirmation_is_asked_when_nothing_of_the_type_runs(officer, household):
    coach = InterventionTypeFactory(code="energiecoach", name_nl="Energiecoach aan huis")
    InterventionFactory(
        household=household,
        intervention_type=coach,
        start_date=date(2024, 3, 1),
        end_date=date(2024, 9, 1),
        status=InterventionStatus.COMPLETED,
    )
    page = shown(officer.get(reverse("register:intervention-new", kwargs={"pk": household.pk})))
    assert "confirm_duplicate" not in page
    data = {"intervention_type": coach.pk, "start_date": "2026-04-01", "status": "active"}
    data["actual_cost"] = str(coach.unit_cost)
    assert add(officer, household, **data).status_code == 302


def test_ending_an_intervention(officer, household, coaching):
    intervention = InterventionFactory(
        household=household, intervention_type=coaching, start_date=date(2024, 3, 1)
    )
    url = reverse("register:intervention-end", kwargs={"pk": intervention.pk})
    assert officer.get(url).context["form"].initial["actual_cost"] == Decimal("2000.00")
    refused = officer.post(
        url,
        {"end_date": "2024-02-01", "status": "completed", "actual_cost": "2000", "version": 1},
    )
    assert "lies before the start date" in str(refused.context["form"].errors)
    response = officer.post(
        url,
        {"end_date": "2024-09-30", "status": "stopped", "actual_cost": "800", "version": 1},
    )
    assert "Give the reason" in str(response.context["form"].errors)
    response = officer.post(
        url,
        {
            "end_date": "2024-09-30",
            "status": "stopped",
            "actual_cost": "800",
            "cost_deviation_reason": "Gestopt na drie maanden",
            "version": 1,
        },
    )
    assert response.status_code == 302
    intervention.refresh_from_db()
    assert intervention.status == InterventionStatus.STOPPED
    assert intervention.end_date == date(2024, 9, 30)


def test_two_officers_changing_an_intervention_get_a_conflict(client_for, household, coaching):
    intervention = InterventionFactory(
        household=household, intervention_type=coaching, start_date=date(2024, 3, 1)
    )
    url = reverse("register:intervention-edit", kwargs={"pk": intervention.pk})
    base = {
        "intervention_type": coaching.pk,
        "start_date": "2024-03-01",
        "status": "active",
        "version": 1,
    }
    first, second = client_for(Role.POLICY_OFFICER), client_for(Role.POLICY_OFFICER)
    assert first.post(url, {**base, "notes": "Eerste gesprek"}).status_code == 302
    response = second.post(url, {**base, "notes": "Ander verslag"})
    assert "Someone else changed this record" in shown(response)
    intervention.refresh_from_db()
    assert intervention.notes == "Eerste gesprek"
    assert response.context["form"]["notes"].value() == "Ander verslag"


def test_a_conflict_shows_dates_and_amounts_as_the_pages_do(client_for, household, coaching):
    intervention = InterventionFactory(
        household=household,
        intervention_type=coaching,
        start_date=date(2024, 3, 1),
        actual_cost=Decimal("2000.00"),
    )
    url = reverse("register:intervention-edit", kwargs={"pk": intervention.pk})
    base = {"intervention_type": coaching.pk, "status": "active", "version": 1}
    first, second = client_for(Role.POLICY_OFFICER), client_for(Role.POLICY_OFFICER)
    saved = first.post(
        url, {**base, "start_date": "01-03-2024", "actual_cost": "2.100,50", "notes": "Eerste"}
    )
    assert saved.status_code == 302
    response = second.post(url, {**base, "start_date": "15-03-2024", "actual_cost": "1.900"})
    differences = {d["label"]: d for d in response.context["differences"]}
    assert (differences["Start date"]["stored"], differences["Start date"]["entered"]) == (
        "01-03-2024",
        "15-03-2024",
    )
    cost = differences["Actual cost (EUR)"]
    assert (cost["stored"], cost["entered"]) == ("2.100,5", "1.900")
