"""Sign-in hardening: the second step (required for project lead and administrator), recovery
codes, lockout per username across addresses, expiring and revoked API tokens, the idle session
timeout, no-store on every answer, and the admin's configurable path."""

import time

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from rest_framework.authtoken.models import Token

from siex.accounts.middleware import LAST_SEEN_SESSION_KEY
from siex.accounts.roles import Role
from siex.accounts.services import two_factor_demo_device
from tests.accounts.conftest import PASSWORD
from tests.two_factor import authenticator, code_now

pytestmark = pytest.mark.django_db


def password_sign_in(user, address="10.0.0.1") -> tuple[Client, object]:
    user.set_password(PASSWORD)
    user.save()
    client = Client(REMOTE_ADDR=address)
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
    )
    return client, response


@pytest.mark.parametrize("role", [Role.PROJECT_LEAD, Role.ADMINISTRATOR])
def test_a_project_lead_or_administrator_without_an_app_reaches_no_page(role, user_for):
    client, _ = password_sign_in(user_for(role))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor:setup"))
    assert client.get("/api/v1/areas/").status_code == 403
    assert client.get(reverse("two_factor:setup")).status_code == 200


def test_a_policy_officer_without_an_app_signs_in_with_the_password(user_for):
    client, _ = password_sign_in(user_for(Role.POLICY_OFFICER))
    assert client.get(reverse("home")).status_code == 200


def test_the_code_from_the_app_completes_the_sign_in(user_for):
    lead = user_for(Role.PROJECT_LEAD)
    device = authenticator(lead)
    client, response = password_sign_in(lead)
    assert client.get(reverse("home"))["Location"].startswith(reverse("accounts:two-factor"))
    wrong = client.post(reverse("accounts:two-factor"), {"code": "000000"})
    assert wrong.status_code == 200 and b"not valid" in wrong.content
    device.refresh_from_db()
    right = client.post(reverse("accounts:two-factor"), {"code": code_now(device)})
    assert right.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_a_recovery_code_signs_in_once(user_for):
    lead = user_for(Role.PROJECT_LEAD)
    _device, codes = two_factor_demo_device(lead, recovery_codes=2)
    first, _ = password_sign_in(lead)
    assert first.post(reverse("accounts:two-factor"), {"code": codes[0]}).status_code == 302
    assert first.get(reverse("home")).status_code == 200
    second, _ = password_sign_in(lead)
    again = second.post(reverse("accounts:two-factor"), {"code": codes[0]})
    assert again.status_code == 200
    assert second.get(reverse("home")).status_code == 302
    assert StaticDevice.objects.get(user=lead).token_set.count() == 1


def test_the_second_step_cannot_be_switched_off_by_a_project_lead(client_for):
    assert client_for(Role.PROJECT_LEAD).get(reverse("two_factor:disable")).status_code == 403


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5)
def test_five_failures_from_one_address_lock_the_account_from_another(user_for):
    officer = user_for(Role.POLICY_OFFICER)
    officer.set_password(PASSWORD)
    officer.save()
    attacker = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(5):
        attacker.post(reverse("accounts:login"), {"username": officer.username, "password": "x"})
    elsewhere = Client(REMOTE_ADDR="203.0.113.9")
    response = elsewhere.post(
        reverse("accounts:login"), {"username": officer.username, "password": PASSWORD}
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in elsewhere.session


def token_client(token) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


def test_an_expired_api_token_answers_401(user_for, settings):
    settings.SIEX_API_TOKEN_HOURS = 8
    token = Token.objects.create(user=user_for(Role.POLICY_OFFICER))
    assert token_client(token).get("/api/v1/areas/").status_code == 200
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - timezone.timedelta(hours=9))
    response = token_client(token).get("/api/v1/areas/")
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_a_password_change_revokes_the_users_api_tokens(user_for):
    officer = user_for(Role.POLICY_OFFICER)
    token = Token.objects.create(user=officer)
    other = Token.objects.create(user=user_for(Role.COUNCIL_MEMBER))
    officer.set_password("a-new-password-for-the-officer")
    officer.save()
    assert token_client(token).get("/api/v1/areas/").status_code == 401
    assert Token.objects.filter(pk=other.pk).exists()


def test_a_session_unused_for_half_an_hour_ends(client_for, settings):
    assert settings.SIEX_SESSION_IDLE_MINUTES == 30
    client = client_for(Role.POLICY_OFFICER)
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session[LAST_SEEN_SESSION_KEY] = time.time() - 29 * 60
    session.save()
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session[LAST_SEEN_SESSION_KEY] = time.time() - 31 * 60
    session.save()
    response = client.get(reverse("home"))
    assert response["Location"].startswith(reverse("accounts:login"))
    assert b"You were signed out" in client.get(reverse("accounts:login")).content


@pytest.mark.parametrize(
    "url", ["/huishoudens/", "/api/v1/households/", "/import-export/", "/api/v1/areas/"]
)
def test_household_pages_api_answers_and_exports_are_never_stored(url, client_for):
    response = client_for(Role.POLICY_OFFICER).get(url)
    assert response.status_code == 200, url
    assert "no-store" in response["Cache-Control"]


def test_the_password_reset_mails_a_link_that_sets_a_new_password(user_for):
    officer = user_for(Role.POLICY_OFFICER)
    officer.email = "officer@example.org"
    officer.save()
    Client().post(reverse("accounts:password_reset"), {"email": officer.email})
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "://" in line)
    client = Client()
    form = client.get(link.split("testserver", 1)[1], follow=True)
    new = "a-brand-new-password-42"
    response = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert response["Location"] == reverse("accounts:password_reset_complete")
    assert Client().login(username=officer.username, password=new)


def test_the_admin_answers_under_its_configured_path(settings):
    import importlib

    from django.urls import clear_url_caches

    import siex.urls

    settings.SIEX_ADMIN_PATH = "geheim-beheer/"
    try:
        importlib.reload(siex.urls)
        clear_url_caches()
        assert Client().get("/geheim-beheer/").status_code == 302
        assert Client().get("/admin/").status_code == 404
        assert reverse("admin:index") == "/geheim-beheer/"
    finally:
        settings.SIEX_ADMIN_PATH = "admin/"
        importlib.reload(siex.urls)
        clear_url_caches()


def test_a_role_that_now_requires_the_second_step_holds_the_session_back_within_minutes(
    client_for, user_for
):
    from django.contrib.auth.models import Group

    from siex.accounts.middleware import TWO_FACTOR_EXEMPT_SESSION_KEY

    client = client_for(Role.POLICY_OFFICER)
    assert client.get(reverse("home")).status_code == 200
    user_for(Role.POLICY_OFFICER).groups.add(Group.objects.get(name=Role.PROJECT_LEAD.value))
    session = client.session
    session[TWO_FACTOR_EXEMPT_SESSION_KEY] = time.time() - 301
    session.save()
    assert client.get(reverse("home"))["Location"].startswith(reverse("two_factor:setup"))
