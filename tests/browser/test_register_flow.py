"""A policy officer's day in a real browser, and a council member kept out of household data."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from interventions.register.models import Intervention
from interventions.register.pseudonyms import pseudonymise
from siex.accounts.roles import Role
from tests.factories import HouseholdFactory, InterventionFactory, InterventionTypeFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def register(groningen_areas):
    """Twelve households in two wijken, one with a reference the officer knows."""
    centrum, oost = groningen_areas[0], groningen_areas[1]
    wanted = HouseholdFactory(
        pseudonym=pseudonymise("WIJ-2025-00077"), area=centrum, participation_start=date(2025, 1, 6)
    )
    others = [HouseholdFactory(area=oost) for _ in range(11)]
    coaching = InterventionTypeFactory(
        code="schuldhulpmaatje", name_nl="Schuldhulpmaatje", unit_cost=Decimal("1750.00")
    )
    return {"wanted": wanted, "others": others, "coaching": coaching}


def test_an_officer_finds_a_household_adds_an_intervention_and_sees_it(
    page, sign_in, accessible, register
):
    wanted = register["wanted"]
    sign_in(Role.POLICY_OFFICER)
    accessible(page)

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Huishoudens").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Huishoudens")
    accessible(page)

    # Searching by the municipality's own reference: htmx refreshes the results as one types.
    page.get_by_role("searchbox", name="Zoeken").fill("wij-2025-00077")
    results = page.locator("#register-results")
    expect(results).to_contain_text("Huishoudens 1 tot 1 van 1")
    expect(results).to_contain_text(wanted.short_pseudonym)
    expect(results).not_to_contain_text(register["others"][0].short_pseudonym)
    # The reference went by POST: the address (and so the history and the web server's log)
    # carries the household's pseudonym, which Back and a bookmark find again.
    expect(page).to_have_url(re.compile(f"q={wanted.pseudonym}"))
    assert "00077" not in page.url

    results.get_by_role("link", name=wanted.short_pseudonym).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Huishouden {wanted.short_pseudonym}"
    )
    expect(page.get_by_text("Nog geen interventies geregistreerd.")).to_be_visible()
    accessible(page)

    page.get_by_role("link", name="Interventie toevoegen").click()
    page.wait_for_load_state()  # htmx is ready once the page has loaded
    page.get_by_label("Interventie", exact=True).select_option(label="Schuldhulpmaatje")
    # Choosing the intervention fills in its unit cost from the catalogue.
    expect(page.locator("#id_actual_cost")).to_have_value("1.750,00")
    expect(page.locator("#unit-cost-hint")).to_contain_text("1.750,00")
    page.get_by_label("Startdatum").fill("03-03-2025")
    page.get_by_label("Aantekeningen").fill("Bellen op 06-12345678")
    page.get_by_role("button", name="Interventie toevoegen").click()

    # A telephone number in the notes is refused; the summary says so and links to the field.
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()  # read first by a screen reader, the start for the keyboard
    expect(summary).to_contain_text("telefoonnummer")
    accessible(page)
    assert not Intervention.objects.exists()

    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Aantekeningen")).to_be_focused()
    page.get_by_label("Aantekeningen").fill("Eerste gesprek gehad; vervolg over twee weken.")
    page.get_by_role("button", name="Interventie toevoegen").click()

    expect(page.get_by_role("status")).to_contain_text("Schuldhulpmaatje is toegevoegd")
    table = page.get_by_role("table", name="Interventies van dit huishouden")
    expect(table).to_contain_text("Schuldhulpmaatje")
    expect(table).to_contain_text("03-03-2025")
    expect(table).to_contain_text("Eerste gesprek gehad")
    accessible(page)
    stored = Intervention.objects.get()
    assert stored.household == wanted and stored.actual_cost == Decimal("1750.00")

    # Back in the list, the household now counts one intervention.
    page.get_by_role("link", name="Alle huishoudens").click()
    page.get_by_label("Heeft ontvangen").select_option(label="Schuldhulpmaatje")
    row = page.locator("#register-results tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("td").last).to_have_text("1")
    expect(row).to_contain_text(wanted.short_pseudonym)


def test_the_keyboard_reaches_the_content_first(page, sign_in, register):
    sign_in(Role.POLICY_OFFICER)
    page.goto(reverse("register:households"))
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Naar de hoofdinhoud")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_a_council_member_is_refused_every_household_page(page, sign_in, accessible, register):
    household = register["wanted"]
    intervention = InterventionFactory(
        household=household,
        intervention_type=register["coaching"],
        start_date=date(2025, 2, 3),
    )
    sign_in(Role.COUNCIL_MEMBER)
    navigation = page.get_by_role("navigation", name="Hoofdmenu")
    expect(navigation).not_to_contain_text("Huishoudens")

    household_pages = [
        reverse("register:households"),
        reverse("register:households") + "?q=WIJ-2025-00077",
        reverse("register:household-new"),
        reverse("register:household", kwargs={"pk": household.pk}),
        reverse("register:household-edit", kwargs={"pk": household.pk}),
        reverse("register:intervention-new", kwargs={"pk": household.pk}),
        reverse("register:intervention-edit", kwargs={"pk": intervention.pk}),
        reverse("register:intervention-end", kwargs={"pk": intervention.pk}),
        reverse("register:unit-cost"),
        reverse("household-list"),
        reverse("household-detail", kwargs={"pk": household.pk}),
        reverse("intervention-list"),
    ]
    for url in household_pages:
        response = page.goto(url)
        assert response.status == 403, url
        assert household.pseudonym[:10] not in page.content(), url
    page.goto(reverse("register:household", kwargs={"pk": household.pk}))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    accessible(page)
