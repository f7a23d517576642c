"""A second running intervention of a type: the officer is warned and confirms, in a browser."""

from datetime import date

import pytest
from playwright.sync_api import expect

from interventions.register.models import Intervention
from siex.accounts.roles import Role
from tests.factories import HouseholdFactory, InterventionFactory, InterventionTypeFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_officer_is_warned_and_confirms_a_second_one(
    page, sign_in, accessible, groningen_areas
):
    household = HouseholdFactory(area=groningen_areas[0], participation_start=date(2026, 1, 5))
    coach = InterventionTypeFactory(code="energiecoach", name_nl="Energiecoach aan huis")
    InterventionFactory(
        household=household, intervention_type=coach, start_date=date(2026, 3, 1), status="active"
    )
    sign_in(Role.POLICY_OFFICER)
    page.goto(f"/huishoudens/{household.pk}/interventies/nieuw/")
    page.get_by_label("Interventie", exact=True).select_option(label="Energiecoach aan huis")
    page.get_by_label("Startdatum").fill("2026-04-01")
    page.get_by_role("button", name="Interventie toevoegen").click()

    summary = page.locator(".error-summary")
    expect(summary).to_contain_text(
        "Dit huishouden heeft al een lopende interventie Energiecoach aan huis sinds 01-03-2026."
    )
    accessible(page)
    assert Intervention.objects.count() == 1
    summary.get_by_role("link").first.click()
    checkbox = page.get_by_label("Toch toevoegen")
    expect(checkbox).to_be_focused()
    checkbox.check()
    page.get_by_role("button", name="Interventie toevoegen").click()
    expect(page.get_by_role("status")).to_contain_text("Energiecoach aan huis is toegevoegd")
    assert Intervention.objects.count() == 2
