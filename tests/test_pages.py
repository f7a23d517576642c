"""Sign-in, sign-out, start pages per role, language, and what a council member is shown."""

from datetime import date

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from siex.accounts.roles import Role
from tests.factories import HouseholdFactory, UserFactory
from tests.two_factor import force_login_verified

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password-123"


def test_sign_in_leads_to_the_start_page_and_sign_out_ends_the_session(user_for):
    user = user_for(Role.POLICY_OFFICER)
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert b"Households registered" in response.content
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_a_wrong_password_says_so_without_revealing_which_part_was_wrong(user_for):
    user = user_for(Role.POLICY_OFFICER)
    response = Client().post(
        reverse("accounts:login"), {"username": user.username, "password": "nope"}
    )
    assert response.status_code == 200
    assert b"error-summary" in response.content


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_repeated_failed_sign_ins_are_throttled(user_for):
    user = user_for(Role.PROJECT_LEAD)
    client = Client()
    for _ in range(3):
        client.post(reverse("accounts:login"), {"username": user.username, "password": "wrong"})
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 429
    assert b"Too many failed sign-in attempts" in response.content
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "role, shown, hidden",
    [
        (
            Role.POLICY_OFFICER,
            [b"Households registered"],
            [b"Active users per role", b"Participating households per district"],
        ),
        (
            Role.PROJECT_LEAD,
            [b"Households registered", b"Catalogue of interventions"],
            [b"Active users per role"],
        ),
        (
            Role.COUNCIL_MEMBER,
            [b"Participating households per district", b"Catalogue of interventions"],
            [b"Households registered"],
        ),
        (
            Role.ADMINISTRATOR,
            [b"Active users per role", b"System status"],
            [b"Households registered"],
        ),
    ],
)
def test_each_role_sees_its_own_start_page(client_for, groningen_areas, role, shown, hidden):
    content = client_for(role).get(reverse("home")).content
    for text in shown:
        assert text in content, text
    for text in hidden:
        assert text not in content, text


def test_the_council_sees_small_counts_suppressed_also_where_a_total_would_reveal_them(
    client_for, groningen_areas
):
    centrum, oud_zuid, oud_west = groningen_areas[0], groningen_areas[1], groningen_areas[2]
    start = date(2023, 1, 1)
    HouseholdFactory.create_batch(40, area=centrum, participation_start=start)
    HouseholdFactory.create_batch(3, area=oud_zuid, participation_start=start)  # primary
    HouseholdFactory.create_batch(25, area=oud_west, participation_start=start)
    response = client_for(Role.COUNCIL_MEMBER).get(reverse("home"))
    rows = response.context["districts"]["rows"]
    shown = {row["area"].code: row["participating"] for row in rows}
    assert shown[centrum.code] == 40
    assert shown[oud_zuid.code] is None
    # Every other wijk has 0 households: hidden as well, so the 3 cannot be derived from the total.
    assert sum(1 for value in shown.values() if value is None) >= 2
    # The total is the true total (68) rounded to a multiple of 5.
    assert response.context["districts"]["total"] == 70
    html = response.content.decode()
    assert "&lt;10" in html
    assert ">3<" not in html
    assert "rounded to a multiple of 5" in html or "veelvoud van 5" in html


def test_dutch_is_the_default_language_and_english_is_available(client_for, settings):
    settings.LANGUAGE_CODE = "nl"
    client = client_for(Role.POLICY_OFFICER)
    # An English browser still gets Dutch until the user chooses English.
    dutch = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="nl">' in dutch
    assert "Huishoudens geregistreerd" in dutch
    assert "Naar de hoofdinhoud" in dutch
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(reverse("home")).content.decode()
    assert '<html lang="en">' in english
    assert "Households registered" in english


def test_the_login_page_is_dutch_and_accessible_by_default(settings):
    settings.LANGUAGE_CODE = "nl"
    html = Client().get(reverse("accounts:login")).content.decode()
    assert "Inloggen" in html
    assert 'class="skip-link" href="#main"' in html
    assert '<label for="id_username">' in html
    assert 'autocomplete="current-password"' in html


def test_pages_send_a_content_security_policy_without_inline_scripts(client_for):
    response = client_for(Role.POLICY_OFFICER).get(reverse("home"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    directives = dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";") if part.strip()
    )
    # Inline only for style attributes (plotly.js sets them on the charts it draws): never a
    # script, never a <style> element.
    inline = {name for name, sources in directives.items() if "unsafe-inline" in sources}
    assert inline == {"style-src-attr"}, directives
    assert "unsafe-eval" not in policy
    assert "<script>" not in response.content.decode()
    assert response["X-Frame-Options"] == "DENY"


def test_a_user_without_a_role_is_told_to_ask_for_one(roles):
    user = UserFactory(username="nobody")
    client = Client()
    force_login_verified(client, user)
    response = client.get(reverse("home"))
    assert response.status_code == 403
    assert b"Your account has no role yet" in response.content
