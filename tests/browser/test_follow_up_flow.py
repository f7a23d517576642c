"""The follow-up in a real browser: a policy officer enters an assessment (after a refusal shown
in the error summary) and an outcome event on the household page."""

from datetime import date

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from interventions.followup.models import Assessment, OutcomeEvent
from siex.accounts.roles import Role
from tests.factories import HouseholdFactory, InterventionFactory, OutcomeFactory
from tests.interventions.followup.conftest import instruments_seeded

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def household():
    instruments_seeded()  # a transactional test empties the tables the migration filled
    household = HouseholdFactory(participation_start=date(2024, 1, 1))
    InterventionFactory(
        household=household,
        intervention_type__name_nl="Budgetcoaching",
        start_date=date(2024, 3, 1),
    )
    OutcomeFactory(name_nl="Uit de bijstand naar werk")
    return household


def test_an_officer_enters_an_assessment_and_an_outcome_on_the_household_page(
    page, sign_in, accessible, household
):
    sign_in(Role.POLICY_OFFICER)
    page.goto(reverse("register:household", kwargs={"pk": household.pk}))
    follow_up = page.locator("section.follow-up")
    expect(follow_up.get_by_role("heading", level=2)).to_have_text("Volgen")
    expect(follow_up.get_by_text("Nog geen metingen.")).to_be_visible()
    accessible(page)

    follow_up.get_by_role("link", name="Meting toevoegen: Zelfredzaamheid-Matrix").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Meting toevoegen: Zelfredzaamheid-Matrix"
    )
    accessible(page)
    # Nothing scored: refused, with the reason in the error summary.
    page.get_by_label("Datum van de meting").fill("01-02-2024")
    page.get_by_role("button", name="Toevoegen").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Geef ten minste één domein een score.")
    accessible(page)
    page.get_by_label("Financiën").select_option(label="2 – Niet zelfredzaam")
    page.get_by_label("Huisvesting").select_option(label="4 – Voldoende zelfredzaam")
    page.get_by_role("button", name="Toevoegen").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Huishouden {household.short_pseudonym}"
    )
    table = page.locator('table[data-instrument="zrm"]')
    expect(table.get_by_role("row", name="Financiën")).to_contain_text("2")
    expect(table.get_by_role("row", name="Huisvesting")).to_contain_text("4")
    assert Assessment.objects.get().scores == {"financien": 2, "huisvesting": 4}

    page.locator("section.follow-up").get_by_role(
        "link", name="Gerealiseerd effect toevoegen"
    ).click()
    page.get_by_label("Effect", exact=True).select_option(label="Uit de bijstand naar werk")
    page.get_by_label("Toegeschreven aan").select_option(label="Budgetcoaching (01-03-2024)")
    page.get_by_label("Datum van het effect").fill("01-09-2024")
    page.get_by_label("document").check()
    accessible(page)
    page.get_by_role("button", name="Toevoegen").click()

    events = page.locator("section.follow-up table").filter(has_text="Uit de bijstand naar werk")
    expect(events).to_contain_text("01-09-2024")
    expect(events).to_contain_text("Budgetcoaching")
    accessible(page)
    event = OutcomeEvent.objects.get()
    assert event.intervention.start_date == date(2024, 3, 1)
    assert event.created_by.username == "test-beleidsmedewerker"
