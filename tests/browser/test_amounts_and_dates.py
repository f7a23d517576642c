"""Amounts and dates in a real browser whose own language is English: the register reads and shows
them the Dutch way (EUR 1.200,50; 31-03-2026), whatever the browser's or the page's language, and
what is not an amount is an error on the field, never dropped."""

from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from interventions.register.models import Intervention
from siex.accounts.roles import Role
from tests.factories import HouseholdFactory, InterventionTypeFactory

from .conftest import save_screenshot

pytestmark = pytest.mark.django_db(transaction=True)


#: (the browser's language, the language chosen in SIEX, the words the page uses)
SETUPS = {
    "english-browser": (
        "en-US",
        "nl",
        {
            "type": "Interventie",
            "cost": "Werkelijke kosten (EUR)",
            "start": "Startdatum",
            "reason": "Reden voor afwijkende kosten",
            "add": "Interventie toevoegen",
            "amount_error": "Vul een bedrag in, bijvoorbeeld 1.200,50.",
            "date_hint": "Bijvoorbeeld 31-03-2026",
        },
    ),
    "english-browser-and-page": (
        "en-US",
        "en",
        {
            "type": "Intervention",
            "cost": "Actual cost (EUR)",
            "start": "Start date",
            "reason": "Reason for a different cost",
            "add": "Add the intervention",
            "amount_error": "Enter an amount, for example 1.200,50.",
            "date_hint": "For example 31-03-2026",
        },
    ),
}


@pytest.fixture(params=list(SETUPS))
def setup(request):
    return SETUPS[request.param]


@pytest.fixture
def page(browser, live_server, setup):
    """A tab of a browser whose own language is English (its date boxes would say mm/dd/yyyy),
    with the Dutch interface to sign in (``choose_language`` switches after that)."""
    browser_language, _language, _words = setup
    context = browser.new_context(base_url=live_server.url, locale=browser_language)
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "nl", "url": live_server.url}]
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def signed_in(page, sign_in, live_server, setup):
    """An officer signed in, with the interface in the language of ``setup``."""
    sign_in(Role.POLICY_OFFICER)
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": setup[1], "url": live_server.url}]
    )
    return page


def shot(page, name):
    """A screenshot among the CI artefacts (``tests/browser/conftest.py``)."""
    save_screenshot(page, "test_amounts_and_dates", name)


def test_amounts_and_dates_are_read_the_dutch_way_in_an_english_browser(
    signed_in, accessible, groningen_areas, setup, request
):
    _browser_language, language, words = setup
    household = HouseholdFactory(area=groningen_areas[0], participation_start=date(2025, 1, 6))
    InterventionTypeFactory(
        code="schuldhulpmaatje", name_nl="Schuldhulpmaatje", unit_cost=Decimal("1750.00")
    )
    # A second intervention of a type already running would ask for confirmation first.
    InterventionTypeFactory(code="budgetcoach", name_nl="Budgetcoach", unit_cost=Decimal("1500.00"))
    page = signed_in
    url = reverse("register:intervention-new", kwargs={"pk": household.pk})
    page.goto(url)

    start = page.get_by_label(words["start"])
    cost = page.get_by_label(words["cost"])
    # Text boxes, not the browser's own date and number boxes, and a hint that matches them.
    assert start.get_attribute("type") == "text" and cost.get_attribute("type") == "text"
    expect(page.locator("#id_start_date_helptext")).to_contain_text(words["date_hint"])

    page.get_by_label(words["type"], exact=True).select_option(label="Schuldhulpmaatje")
    expect(cost).to_have_value("1.750,00")  # the unit cost, written the Dutch way
    start.fill("31-03-2025")

    for typed in ("abc", "1e3", "12,5,0"):
        cost.fill(typed)
        page.get_by_role("button", name=words["add"]).click()
        summary = page.locator(".error-summary")
        expect(summary).to_be_focused()
        expect(summary).to_contain_text(words["amount_error"])
        # Nothing lost: what was typed is still there, to be corrected.
        expect(page.get_by_label(words["cost"])).to_have_value(typed)
        expect(page.get_by_label(words["start"])).to_have_value("31-03-2025")
        assert not Intervention.objects.exists()
    shot(page, f"amount-refused-{request.node.callspec.id}")
    accessible(page)

    page.get_by_label(words["cost"]).fill("12,50")
    page.get_by_label(words["reason"]).fill("Alleen het intakegesprek")
    page.get_by_role("button", name=words["add"]).click()
    page.wait_for_url(lambda address: address.rstrip("/").endswith(f"/{household.pk}"))
    stored = Intervention.objects.get()
    assert stored.actual_cost == Decimal("12.50") and stored.start_date == date(2025, 3, 31)
    table = page.locator("table", has_text="Schuldhulpmaatje").first  # its interventions
    expect(table).to_contain_text("31-03-2025")
    expect(table).to_contain_text("EUR\u00a013")  # the cost so far, in whole euros
    # The edit form shows the amount and the date as they were typed, ready to be sent back.
    page.goto(reverse("register:intervention-edit", kwargs={"pk": stored.pk}))
    expect(page.get_by_label(words["cost"])).to_have_value("12,50")
    expect(page.get_by_label(words["start"])).to_have_value("31-03-2025")

    page.goto(url)
    page.get_by_label(words["type"], exact=True).select_option(label="Budgetcoach")
    page.get_by_label(words["cost"]).fill("1.200,50")
    page.get_by_label(words["start"]).fill("1-4-2025")
    page.get_by_label(words["reason"]).fill("Korter traject")
    page.get_by_role("button", name=words["add"]).click()
    page.wait_for_url(lambda address: address.rstrip("/").endswith(f"/{household.pk}"))
    latest = Intervention.objects.latest("pk")
    assert latest.actual_cost == Decimal("1200.50") and latest.start_date == date(2025, 4, 1)
    expect(page.locator("table", has_text="Budgetcoach").first).to_contain_text("EUR\u00a01.201")
    page.goto(reverse("register:intervention-edit", kwargs={"pk": latest.pk}))
    expect(page.get_by_label(words["cost"])).to_have_value("1.200,50")
    shot(page, f"saved-{request.node.callspec.id}")


def test_a_cost_typed_by_hand_survives_choosing_another_type(signed_in, groningen_areas, setup):
    _browser_language, _language, words = setup
    household = HouseholdFactory(area=groningen_areas[0], participation_start=date(2025, 1, 6))
    InterventionTypeFactory(code="maatje", name_nl="Schuldhulpmaatje", unit_cost=Decimal("1750"))
    InterventionTypeFactory(code="coach", name_nl="Budgetcoach", unit_cost=Decimal("900"))
    page = signed_in
    page.goto(reverse("register:intervention-new", kwargs={"pk": household.pk}))
    choose = page.get_by_label(words["type"], exact=True)
    cost = page.get_by_label(words["cost"])
    choose.select_option(label="Schuldhulpmaatje")
    expect(cost).to_have_value("1.750,00")
    choose.select_option(label="Budgetcoach")
    expect(cost).to_have_value("900,00")  # still the filled-in unit cost: it follows the type
    cost.fill("1.234,56")
    choose.select_option(label="Schuldhulpmaatje")
    expect(page.locator("#unit-cost-hint")).to_contain_text("1.750,00")
    expect(page.get_by_label(words["cost"])).to_have_value("1.234,56")  # the officer's own cost


def test_the_error_summary_takes_the_focus_also_when_htmx_brings_the_form_back(
    signed_in, groningen_areas
):
    page = signed_in
    page.goto(reverse("register:household-new"))
    page.locator("form.form").get_by_role("button").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()

    # The same form sent by htmx and swapped into the page: the new summary takes the focus.
    page.goto(reverse("register:household-new"))
    page.locator("main h1").focus()
    page.evaluate(
        """() => htmx.ajax("POST", location.pathname, {
            source: "form.form", target: "main", select: "main > *", swap: "innerHTML"
        })"""
    )
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
