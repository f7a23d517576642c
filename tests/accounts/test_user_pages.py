"""The administrator's user administration: the list, a new account with a one-time password,
name, e-mail and roles (two administrators at once lose nothing), a new one-time password,
(de)activation — in Dutch, with errors that name the field."""

import re
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import translation

from siex.accounts import services
from siex.accounts.models import OneTimePassword
from siex.accounts.roles import Role
from siex.accounts.selectors import account_state, user_roles

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

User = get_user_model()
USERS = reverse("accounts:users")
NEW = reverse("accounts:user-new")


def text(response) -> str:
    html = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", unescape(html))


def one_time_password_on(response) -> str:
    match = re.search(r'id="one-time-password">([^<]+)<', response.content.decode())
    assert match, response.content.decode()[:2000]
    return match.group(1)


@pytest.fixture
def dutch(settings):
    settings.LANGUAGE_CODE = "nl"
    translation.activate("nl")
    yield
    translation.activate("en")


def test_the_list_shows_every_account_with_roles_status_and_last_sign_in(
    admin_client, account_with, superuser
):
    from datetime import datetime

    from django.utils import timezone

    anna = account_with(Role.POLICY_OFFICER, Role.PROJECT_LEAD, first_name="Anna", last_name="Bos")
    anna.last_login = timezone.make_aware(datetime(2026, 3, 31, 9, 15))
    anna.save()
    account_with(username="oud", is_active=False)
    page = text(admin_client.get(USERS))
    assert "anna Anna Bos Policy officer, Project lead active 31-03-2026 09:15" in page
    assert "oud — no role deactivated never" in page
    assert "root" in page and "superuser" in page
    assert "test-beheerder (you)" in page


def test_an_account_is_created_with_roles_and_a_one_time_password_shown_once(admin_client):
    response = admin_client.post(
        NEW,
        {
            "username": "jan.devries",
            "first_name": "Jan",
            "last_name": "de Vries",
            "email": "j.devries@example.org",
            "roles": [Role.POLICY_OFFICER.value, Role.COUNCIL_MEMBER.value],
        },
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    password = one_time_password_on(response)
    assert re.fullmatch(r"[a-z2-9]{4}(-[a-z2-9]{4}){3}", password)
    user = User.objects.get(username="jan.devries")
    assert user.get_full_name() == "Jan de Vries"
    assert user.email == "j.devries@example.org"
    assert user_roles(user) == [Role.POLICY_OFFICER, Role.COUNCIL_MEMBER]
    assert user.check_password(password)
    assert not user.is_staff and not user.is_superuser
    assert OneTimePassword.objects.get(user=user).issued_by.username == "test-beheerder"
    # Shown once: neither the account page nor the list shows it again, nor the session.
    account_page = admin_client.get(reverse("accounts:user", args=[user.pk]))
    assert password not in account_page.content.decode()
    assert password not in admin_client.get(USERS).content.decode()
    assert password not in str(dict(admin_client.session))


def test_bad_input_is_a_dutch_error_naming_the_field_and_nothing_is_lost(
    admin_client, account_with, dutch
):
    account_with(username="Anna")
    response = admin_client.post(
        NEW,
        {
            "username": "anna",
            "first_name": "Jan",
            "email": "geen-adres",
            "roles": [Role.POLICY_OFFICER.value],
        },
    )
    assert response.status_code == 200
    page = text(response)
    assert "E-mailadres: Voer een geldig e-mailadres in." in page
    response = admin_client.post(
        NEW, {"username": "anna", "first_name": "Jan", "roles": [Role.POLICY_OFFICER.value]}
    )
    page = text(response)
    assert "Gebruikersnaam: Er bestaat al een account met deze gebruikersnaam." in page
    assert 'value="Jan"' in response.content.decode()  # the input stays
    assert re.search(r'value="beleidsmedewerker"[^>]*checked', response.content.decode())
    response = admin_client.post(NEW, {"username": "jan de vries\x07", "roles": []})
    page = text(response)
    assert "Gebruikersnaam:" in page
    assert User.objects.filter(username__iexact="anna").count() == 1
    assert not User.objects.filter(first_name="Jan").exists()


def test_the_administrator_changes_name_e_mail_and_roles(admin_client, council_member):
    url = reverse("accounts:user", args=[council_member.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    state = page.context["form"].initial["state"]
    response = admin_client.post(
        url,
        {
            "first_name": "Anna",
            "last_name": "Bos",
            "email": "anna@example.org",
            "roles": [Role.PROJECT_LEAD.value],
            "state": state,
        },
    )
    assert response.status_code == 302
    council_member.refresh_from_db()
    assert council_member.get_full_name() == "Anna Bos"
    assert user_roles(council_member) == [Role.PROJECT_LEAD]
    assert "The account raadslid-anna is saved." in text(admin_client.get(url))


def test_two_administrators_editing_one_account_lose_nothing(
    admin_client, council_member, superuser_client
):
    """The second to save sees what the first stored beside their own input; nothing is
    overwritten without them seeing it."""
    url = reverse("accounts:user", args=[council_member.pk])
    state = admin_client.get(url).context["form"].initial["state"]
    # Someone else gives the account a role in the meantime.
    first = superuser_client.post(
        url,
        {
            "roles": [Role.COUNCIL_MEMBER.value, Role.POLICY_OFFICER.value],
            "state": superuser_client.get(url).context["form"].initial["state"],
        },
    )
    assert first.status_code == 302
    second = admin_client.post(
        url, {"first_name": "Anna", "roles": [Role.PROJECT_LEAD.value], "state": state}
    )
    assert second.status_code == 200
    page = text(second)
    assert "Someone else changed this account while you were editing it" in page
    assert "Roles Policy officer, Council member Project lead" in page
    assert "First name – Anna" in page
    assert user_roles(council_member) == [Role.POLICY_OFFICER, Role.COUNCIL_MEMBER]
    council_member.refresh_from_db()
    assert council_member.first_name == ""
    # Their input is kept; saving again, having seen the other change, is accepted.
    form = second.context["form"]
    assert form["first_name"].value() == "Anna"
    again = admin_client.post(
        url,
        {"first_name": "Anna", "roles": [Role.PROJECT_LEAD.value], "state": form["state"].value()},
    )
    assert again.status_code == 302
    assert user_roles(council_member) == [Role.PROJECT_LEAD]


def test_deactivating_closes_the_account_and_activating_opens_it_again(
    admin_client, council_member
):
    signed_in = Client()
    signed_in.force_login(council_member)
    assert signed_in.get(reverse("home")).status_code == 200
    confirm = admin_client.get(reverse("accounts:user-deactivate", args=[council_member.pk]))
    assert "can no longer sign in" in text(confirm)
    response = admin_client.post(reverse("accounts:user-deactivate", args=[council_member.pk]))
    assert response.status_code == 302
    council_member.refresh_from_db()
    assert not council_member.is_active
    assert User.objects.filter(pk=council_member.pk).exists()  # never deleted
    # Its session ends at the next request; signing in again is refused.
    assert signed_in.get(reverse("home"))["Location"].startswith(reverse("accounts:login"))
    assert not Client().login(username=council_member.username, password=PASSWORD)
    admin_client.post(reverse("accounts:user-activate", args=[council_member.pk]))
    council_member.refresh_from_db()
    assert council_member.is_active
    assert Client().login(username=council_member.username, password=PASSWORD)


def test_a_new_one_time_password_replaces_the_old_one(admin_client, council_member):
    url = reverse("accounts:user-password", args=[council_member.pk])
    assert "stops working at once" in text(admin_client.get(url))
    response = admin_client.post(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    password = one_time_password_on(response)
    council_member.refresh_from_db()
    assert council_member.check_password(password)
    assert not council_member.check_password(PASSWORD)
    assert OneTimePassword.objects.filter(user=council_member).exists()


def test_a_new_one_time_password_lifts_a_sign_in_lock(admin_client, council_member, settings):
    from axes.models import AccessAttempt

    AccessAttempt.objects.create(
        username=council_member.username, ip_address="192.0.2.1", failures_since_start=9
    )
    admin_client.post(reverse("accounts:user-password", args=[council_member.pk]))
    assert not AccessAttempt.objects.filter(username=council_member.username).exists()


def test_the_pages_are_dutch(admin_client, council_member, dutch):
    assert "Gebruikers en rollen" in text(admin_client.get(USERS))
    assert "Account aanmaken" in text(admin_client.get(NEW))
    page = text(admin_client.get(reverse("accounts:user", args=[council_member.pk])))
    assert "Naam, e-mail en rollen" in page
    assert "Raadslid" in page


def test_the_start_page_and_the_navigation_lead_the_administrator_to_the_user_pages(
    admin_client,
):
    page = admin_client.get(reverse("home")).content.decode()
    assert f'href="{USERS}"' in page
    assert f'href="{NEW}"' in page
    assert 'href="/admin/' not in page


# --- The one-time password at the first sign-in ---------------------------------------------------


def sign_in(username: str, password: str) -> tuple[Client, object]:
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": username, "password": password})
    return client, response


def test_the_first_sign_in_with_a_one_time_password_asks_for_an_own_password(
    administrator, council_member
):
    password = services.user_password_reset(actor=administrator, user=council_member)
    client, response = sign_in(council_member.username, password)
    assert response.status_code == 302
    # Every page leads to choosing an own password first; the API refuses.
    change = reverse("accounts:password_change")
    assert client.get(reverse("home"))["Location"] == change
    assert client.get(reverse("catalogue:register"))["Location"] == change
    assert client.get("/api/v1/areas/").status_code == 403
    page = client.get(change)
    assert "Choose your own password" in text(page)
    # The one-time password itself is not accepted as the new one.
    refused = client.post(
        change,
        {"old_password": password, "new_password1": password, "new_password2": password},
    )
    assert "Choose a password that differs from your current one." in text(refused)
    done = client.post(
        change,
        {
            "old_password": password,
            "new_password1": "mijn-eigen-wachtwoord-42",
            "new_password2": "mijn-eigen-wachtwoord-42",
        },
    )
    assert done.status_code == 302
    assert not OneTimePassword.objects.filter(user=council_member).exists()
    assert client.get(reverse("home")).status_code == 200  # still signed in, free to go
    council_member.refresh_from_db()
    assert council_member.check_password("mijn-eigen-wachtwoord-42")


def test_a_one_time_password_not_used_in_time_no_longer_signs_in(administrator, council_member):
    from datetime import timedelta

    from django.utils import timezone
    from freezegun import freeze_time

    password = services.user_password_reset(actor=administrator, user=council_member)
    with freeze_time(timezone.now() + services.ONE_TIME_PASSWORD_VALIDITY + timedelta(hours=1)):
        client, response = sign_in(council_member.username, password)
    assert response.status_code == 200
    assert "The one-time password for this account has expired" in text(response)
    assert "_auth_user_id" not in client.session


def test_an_own_password_change_needs_no_administrator(user_for):
    user = user_for(Role.POLICY_OFFICER)
    client, _response = sign_in(user.username, PASSWORD)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "een-nieuw-wachtwoord-7",
            "new_password2": "een-nieuw-wachtwoord-7",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("een-nieuw-wachtwoord-7")
    assert account_state(user)  # the account itself is unchanged otherwise
