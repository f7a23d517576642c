"""The policy officer's register pages: list, household page, forms, conflicts."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from calculation.models import CalculationRun, RunStatus
from calculation.services import scenario_create
from interventions.register.models import Household, Intervention, InterventionStatus
from interventions.register.pseudonyms import pseudonymise
from interventions.register.selectors import REGISTER_COUNT_CAP
from siex.accounts.roles import Role
from siex.audit.masks import SEARCH_REFUSED
from siex.audit.models import AccessLogEntry
from tests.factories import HouseholdFactory, InterventionFactory, InterventionTypeFactory

pytestmark = pytest.mark.django_db

LIST = reverse("register:households")


@pytest.fixture
def officer(client_for):
    return client_for(Role.POLICY_OFFICER)


@pytest.fixture
def districts(groningen_areas):
    return {area.code: area for area in groningen_areas}


def household_form(household: Household, **changes) -> dict:
    data = {
        "area": household.area_id,
        "adults": household.adults,
        "children": household.children,
        "income_pct_social_minimum": "100",
        "income_source": household.income_source,
        "debt_situation": household.debt_situation,
        "participation_start": household.participation_start.isoformat(),
        "participation_end": "",
        "legal_basis": household.legal_basis,
        "version": household.version,
    }
    data.update(changes)
    return data


def shown(response) -> str:
    return response.content.decode()


# --- The list ---------------------------------------------------------------------------------


def test_search_by_own_reference_goes_by_post_and_the_address_carries_the_pseudonym(
    officer, districts
):
    wanted = HouseholdFactory(pseudonym=pseudonymise("WIJ-2024-00123"), area=districts["WK001401"])
    other = HouseholdFactory(area=districts["WK001401"])
    response = officer.post(LIST, {"q": "wij-2024-00123", "area": districts["WK001401"].pk})
    assert response.status_code == 302
    location = response["Location"]
    assert "2024" not in location.lower()
    assert location == f"{LIST}?q={wanted.pseudonym}&area={districts['WK001401'].pk}"
    page = shown(officer.get(location))
    assert wanted.short_pseudonym in page and other.short_pseudonym not in page
    assert "WIJ-2024-00123" not in str(Household.objects.values_list().get(pk=wanted.pk))
    assert "2024-00123" not in str(list(AccessLogEntry.objects.values()))


def test_an_address_with_a_reference_finds_nothing(officer, districts):
    """A reference in an address (an old bookmark, a hand-made link) is not looked up."""
    HouseholdFactory(pseudonym=pseudonymise("WIJ-2024-00123"), area=districts["WK001401"])
    assert "No household matches this search." in shown(officer.get(LIST, {"q": "WIJ-2024-00123"}))


def test_htmx_search_answers_the_results_and_pushes_the_safe_address(officer, districts):
    wanted = HouseholdFactory(pseudonym=pseudonymise("WIJ-2024-00123"), area=districts["WK001401"])
    response = officer.post(
        LIST,
        {"q": "WIJ-2024-00123", "ordering": "pseudonym"},
        headers={"HX-Request": "true", "HX-Target": "register-results"},
    )
    assert response.status_code == 200
    assert wanted.short_pseudonym in shown(response) and "<form" not in shown(response)
    assert response["HX-Push-Url"] == f"{LIST}?q={wanted.pseudonym}&ordering=pseudonym"


def test_a_reference_without_a_household_is_answered_without_a_new_address(officer, districts):
    HouseholdFactory(area=districts["WK001401"])
    response = officer.post(LIST, {"q": "2024001234"})
    assert response.status_code == 200
    assert "No household matches this search." in shown(response)
    assert (
        "2024001234" not in response.get("HX-Push-Url", "") and response["HX-Push-Url"] == "false"
    )
    assert "2024001234" not in str(list(AccessLogEntry.objects.values()))
    assert AccessLogEntry.objects.get().query["text"] == "***"


def test_a_wijk_name_or_pseudonym_start_stays_in_the_address_and_paging_keeps_it(
    officer, districts
):
    households = [HouseholdFactory(area=districts["WK001402"]) for _ in range(55)]
    name = districts["WK001402"].name
    response = officer.post(LIST, {"q": name[:5], "ordering": "pseudonym"})
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?q={name[:5]}&ordering=pseudonym"
    first = officer.get(response["Location"])
    assert f"?q={name[:5]}&amp;ordering=pseudonym&amp;page=2" in shown(first)
    prefix = households[0].pseudonym[:6]
    response = officer.post(LIST, {"q": prefix.upper()})
    assert response["Location"] == f"{LIST}?q={prefix}"


def test_the_search_form_is_posted_with_a_csrf_token(officer, districts):
    page = shown(officer.get(LIST))
    form = page[
        page.index('role="search"') - 200 : page.index("</form>", page.index('role="search"'))
    ]
    assert 'method="post"' in form and 'hx-post="' in form and "csrfmiddlewaretoken" in form


@pytest.mark.parametrize("bsn", ["123456782", "1234.56.782", " 111 222 333 "])
@pytest.mark.parametrize("method", ["post", "get"])
def test_a_bsn_is_refused_searches_nothing_and_is_not_logged(officer, districts, bsn, method):
    household = HouseholdFactory(area=districts["WK001401"], pseudonym="123456782" + "a" * 55)
    response = getattr(officer, method)(LIST, {"q": bsn})
    assert response.status_code == 200
    page = shown(response)
    assert "Search: This looks like a citizen service number (BSN)" in page
    assert "Nothing was searched." in page
    assert household.short_pseudonym not in page
    assert 'aria-invalid="true"' in page
    assert 'name="q" id="id_q" value=""' in page  # not echoed back into the search box
    if method == "post":
        assert bsn.strip() not in page
    (entry,) = AccessLogEntry.objects.values()
    assert entry["action"] == "search" and entry["result_count"] == 0
    assert entry["query"] == {"text": SEARCH_REFUSED}
    digits = re.sub(r"\D", "", bsn)
    assert not re.search(r"\d{9}", str(entry)), entry
    assert digits not in str(entry)


def test_filters_combine(officer, districts):
    debt_help = InterventionTypeFactory(code="schuldhulp-test")
    match = HouseholdFactory(
        area=districts["WK001401"], income_source="work", debt_situation="problematic"
    )
    InterventionFactory(household=match, intervention_type=debt_help)
    wrong_area = HouseholdFactory(
        area=districts["WK001402"], income_source="work", debt_situation="problematic"
    )
    InterventionFactory(household=wrong_area, intervention_type=debt_help)
    no_intervention = HouseholdFactory(
        area=districts["WK001401"], income_source="work", debt_situation="problematic"
    )
    ended = HouseholdFactory(
        area=districts["WK001401"],
        income_source="work",
        debt_situation="problematic",
        participation_end=date(2023, 6, 30),
    )
    InterventionFactory(household=ended, intervention_type=debt_help)
    response = officer.get(
        LIST,
        {
            "area": districts["WK001401"].pk,
            "income_source": "work",
            "debt_situation": "problematic",
            "participation": "participating",
            "intervention_type": debt_help.pk,
        },
    )
    page = shown(response)
    assert match.short_pseudonym in page
    for excluded in (wrong_area, no_intervention, ended):
        assert excluded.short_pseudonym not in page
    assert "Households 1 to 1" in page


def test_pages_do_not_overlap_and_sorting_is_stable(officer, districts):
    households = [
        HouseholdFactory(area=districts["WK001401"], participation_start=date(2023, 1, 1))
        for _ in range(60)
    ]
    first = shown(officer.get(LIST, {"ordering": "participation_start"}))
    second = shown(officer.get(LIST, {"ordering": "participation_start", "page": 2}))
    on_first = {h.short_pseudonym for h in households if h.short_pseudonym in first}
    on_second = {h.short_pseudonym for h in households if h.short_pseudonym in second}
    assert len(on_first) == 50 and len(on_second) == 10
    assert not on_first & on_second
    assert 'rel="next"' in first and 'rel="prev"' in second


def test_the_list_never_counts_the_whole_register(officer, districts):
    HouseholdFactory.create_batch(3, area=districts["WK001401"])
    with CaptureQueriesContext(connection) as queries:
        assert officer.get(LIST).status_code == 200
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    household_counts = [sql for sql in counts if "interventions_household" in sql]
    assert household_counts, "the list shows how many households match"
    assert all(f"LIMIT {REGISTER_COUNT_CAP + 1}" in sql for sql in household_counts)


def test_more_than_the_cap_is_said_as_such(officer, districts, monkeypatch):
    monkeypatch.setattr("interventions.register.selectors.REGISTER_COUNT_CAP", 2)
    HouseholdFactory.create_batch(3, area=districts["WK001401"])
    assert "of more than 2" in shown(officer.get(LIST))


def test_htmx_gets_only_the_results(officer, districts):
    household = HouseholdFactory(area=districts["WK001401"])
    response = officer.get(LIST, headers={"HX-Request": "true", "HX-Target": "register-results"})
    body = shown(response)
    assert household.short_pseudonym in body
    assert "<html" not in body and 'id="register-results"' not in body


def test_a_project_lead_reads_but_gets_no_buttons_to_change(client_for, districts):
    household = HouseholdFactory(area=districts["WK001401"])
    client = client_for(Role.PROJECT_LEAD)
    assert "Register a household" not in shown(client.get(LIST))
    page = shown(client.get(reverse("register:household", kwargs={"pk": household.pk})))
    assert household.pseudonym in page
    assert "Add an intervention" not in page


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


def test_participation_cannot_start_after_an_intervention(officer, districts):
    household = HouseholdFactory(area=districts["WK001401"], participation_start=date(2023, 1, 1))
    InterventionFactory(household=household, start_date=date(2023, 3, 1))
    response = officer.post(
        reverse("register:household-edit", kwargs={"pk": household.pk}),
        household_form(household, participation_start="2023-06-01"),
    )
    assert "starts on 01-03-2023" in str(response.context["form"].errors)
    assert Household.objects.get(pk=household.pk).participation_start == date(2023, 1, 1)


# --- Interventions ----------------------------------------------------------------------------


@pytest.fixture
def household(districts):
    return HouseholdFactory(area=districts["WK001401"], participation_start=date(2024, 1, 1))


@pytest.fixture
def coaching():
    return InterventionTypeFactory(code="coaching-test", unit_cost=Decimal("2000.00"))


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


def add(officer, household, **data):
    return officer.post(reverse("register:intervention-new", kwargs={"pk": household.pk}), data)


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
