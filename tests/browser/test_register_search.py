"""The register search in a real browser, without JavaScript: a typed reference goes by POST and
never reaches the address bar or the history; a BSN is refused."""

import re
from datetime import date

import pytest
from django.conf import settings
from playwright.sync_api import expect

from interventions.register.pseudonyms import pseudonymise
from siex.accounts.roles import Role
from siex.audit.models import AccessLogEntry
from tests.browser.conftest import PASSWORD
from tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def page_without_javascript(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="nl-NL", java_script_enabled=False
    )
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "nl", "url": live_server.url}]
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def test_searching_without_javascript_keeps_the_reference_out_of_the_address(
    page_without_javascript, user_for, groningen_areas
):
    page = page_without_javascript
    wanted = HouseholdFactory(
        pseudonym=pseudonymise("WIJ-2025-00077"),
        area=groningen_areas[0],
        participation_start=date(2025, 1, 6),
    )
    others = [HouseholdFactory(area=groningen_areas[1]) for _ in range(3)]
    officer = user_for(Role.POLICY_OFFICER)
    officer.set_password(PASSWORD)
    officer.save()
    page.goto("/account/inloggen/")
    page.get_by_label("Gebruikersnaam").fill(officer.get_username())
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Inloggen").click()
    page.wait_for_url(lambda url: "/inloggen/" not in url)

    page.goto("/huishoudens/")
    page.get_by_role("searchbox", name="Zoeken").fill("wij-2025-00077")
    page.get_by_role("button", name="Zoeken").click()
    expect(page).to_have_url(re.compile(f"q={wanted.pseudonym}"))
    results = page.locator("#register-results")
    expect(results).to_contain_text(wanted.short_pseudonym)
    expect(results).not_to_contain_text(others[0].short_pseudonym)
    assert "00077" not in page.url

    # A wijk filter on top of the search: the address carries the filter and the pseudonym.
    page.get_by_label("Wijk").select_option(label=groningen_areas[0].name)
    page.get_by_role("button", name="Zoeken").click()
    expect(page).to_have_url(re.compile(f"area={groningen_areas[0].pk}"))
    assert "00077" not in page.url

    # A BSN is refused: nothing is searched, the message names the field.
    page.get_by_role("searchbox", name="Zoeken").fill("1234.56.782")
    page.get_by_role("button", name="Zoeken").click()
    expect(results).to_contain_text("Zoeken: Dit lijkt op een burgerservicenummer (BSN)")
    expect(results).to_contain_text("Er is niet gezocht.")
    expect(results).not_to_contain_text(wanted.short_pseudonym)
    assert "782" not in page.url
    logged = str(list(AccessLogEntry.objects.values()))
    assert "00077" not in logged and not re.search(r"\d{9}", logged.replace(wanted.pseudonym, ""))
