"""The administrator creates an account in the browser, hands over its one-time password, and the
new user chooses their own at the first sign-in; every page on the way passes the accessibility
check."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from siex.accounts.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_account_from_creation_to_its_first_sign_in(
    page, sign_in, accessible, browser, live_server
):
    sign_in(Role.ADMINISTRATOR)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Gebruikers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gebruikers en rollen")
    accessible(page)

    page.get_by_role("link", name="Account aanmaken").first.click()
    form = page.locator("main form")
    form.get_by_label("Gebruikersnaam").fill("k.jansen")
    form.get_by_label("E-mailadres").fill("geen adres")
    form.get_by_label("Raadslid").check()
    form.get_by_role("button", name="Account aanmaken").click()
    expect(page.locator(".error-summary")).to_contain_text("E-mailadres")
    accessible(page)

    page.locator("main form").get_by_label("E-mailadres").fill("k.jansen@example.org")
    page.locator("main form").get_by_role("button", name="Account aanmaken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Account k.jansen is aangemaakt")
    accessible(page)
    password = page.locator("#one-time-password").inner_text()

    page.get_by_role("link", name="Naar account k.jansen").click()
    accessible(page)
    page.get_by_role("link", name="Account deactiveren").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("deactiveren")
    accessible(page)

    # The new user signs in with the one-time password and must choose their own.
    from django.conf import settings

    context = browser.new_context(base_url=live_server.url, locale="nl-NL")
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "nl", "url": live_server.url}]
    )
    user = context.new_page()
    user.goto(reverse("accounts:login"))
    user.get_by_label("Gebruikersnaam").fill("k.jansen")
    user.get_by_label("Wachtwoord").fill(password)
    user.locator("main").get_by_role("button", name="Inloggen").click()
    expect(user.get_by_role("heading", level=1)).to_have_text("Kies uw eigen wachtwoord")
    accessible(user)
    user.get_by_label("Oud wachtwoord").fill(password)
    user.get_by_label("Nieuw wachtwoord", exact=True).fill("mijn-eigen-wachtwoord-42")
    user.get_by_label("Nieuw wachtwoord bevestigen").fill("mijn-eigen-wachtwoord-42")
    user.locator("main form").get_by_role("button", name="Wachtwoord wijzigen").click()
    expect(user.get_by_role("heading", level=1)).to_have_text("Wachtwoord gewijzigd")
    user.goto("/")
    expect(user.get_by_role("heading", level=1)).to_contain_text("k.jansen")
    context.close()
