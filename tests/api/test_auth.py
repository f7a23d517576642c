"""Signing in to the API: a session (with CSRF on writes) or a token a superuser issues."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from interventions.register.models import Household
from siex.accounts.roles import Role
from tests.access_matrix import AD, CM, NO_ROLE, PL, PO
from tests.two_factor import force_login_verified

pytestmark = pytest.mark.django_db

HOUSEHOLDS = "/api/v1/households/"


def token_client(user) -> Client:
    token, _ = Token.objects.get_or_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}", enforce_csrf_checks=True)


def test_a_superuser_issues_a_token_in_the_admin(user_for):
    from django.contrib.auth import get_user_model

    officer = user_for(PO)
    admin = Client()
    force_login_verified(
        admin, get_user_model().objects.create_superuser("root", password="x" * 16)
    )
    assert admin.get(reverse("admin:authtoken_tokenproxy_add")).status_code == 200
    response = admin.post(reverse("admin:authtoken_tokenproxy_add"), {"user": officer.pk})
    assert response.status_code == 302, response.content[:500]
    token = Token.objects.get(user=officer)
    assert token_client(officer).get(HOUSEHOLDS).status_code == 200
    assert len(token.key) == 40


def test_the_administrator_cannot_issue_a_token_that_acts_as_someone_else(client_for, user_for):
    """A token acts as its user: issuing one for a policy officer would let the administrator
    read households. Tokens are the superuser's to issue."""
    officer = user_for(PO)
    admin = client_for(AD)
    response = admin.post(reverse("admin:authtoken_tokenproxy_add"), {"user": officer.pk})
    assert response.status_code == 403
    assert not Token.objects.filter(user=officer).exists()


def test_a_policy_officers_token_reads_and_writes_without_a_session(user_for, world):
    client = token_client(user_for(PO))
    assert client.get(HOUSEHOLDS).status_code == 200
    # A token request needs no CSRF token (there is no cookie a foreign site could ride on).
    response = client.post(HOUSEHOLDS, world.new_household(), content_type="application/json")
    assert response.status_code == 201, response.json()
    assert Household.objects.filter(pk=response.json()["id"]).exists()


@pytest.mark.parametrize(
    "header", ["Token 0000000000000000000000000000000000000000", "Token", "Token a b"]
)
def test_a_bad_token_is_401_and_says_how_to_authenticate(header):
    response = Client(HTTP_AUTHORIZATION=header).get(HOUSEHOLDS)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_no_credentials_is_401():
    response = Client().get(HOUSEHOLDS)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_the_token_of_a_deactivated_user_is_401(user_for):
    officer = user_for(PO)
    client = token_client(officer)
    officer.is_active = False
    officer.save()
    assert client.get(HOUSEHOLDS).status_code == 401


@pytest.mark.parametrize(
    "role, households, catalogue",
    [(PO, 200, 200), (PL, 200, 200), (CM, 403, 200), (AD, 403, 200), (NO_ROLE, 403, 403)],
    ids=str,
)
def test_the_role_of_the_tokens_user_decides(role, households, catalogue, user_for, world):
    world.household  # noqa: B018
    client = token_client(user_for(None if role == NO_ROLE else role))
    response = client.get(HOUSEHOLDS)
    assert response.status_code == households
    if households != 200:
        assert b"pseudonym" not in response.content
    assert client.get("/api/v1/intervention-types/").status_code == catalogue


def test_a_council_members_token_is_refused_every_household_endpoint(user_for, world):
    client = token_client(user_for(Role.COUNCIL_MEMBER))
    for url in (
        HOUSEHOLDS,
        f"{HOUSEHOLDS}{world.household.pk}/",
        "/api/v1/interventions/",
        f"/api/v1/interventions/{world.intervention.pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert b"pseudonym" not in response.content
    response = client.post(HOUSEHOLDS, world.new_household(), content_type="application/json")
    assert response.status_code == 403
    assert not Household.objects.filter(area=world.district).exclude(pk=world.household.pk).exists()


def test_a_session_write_needs_the_csrf_token(user_for, world):
    client = Client(enforce_csrf_checks=True)
    force_login_verified(client, user_for(PO))
    refused = client.post(HOUSEHOLDS, world.new_household(), content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    # The CSRF cookie comes with any page; the API takes the token from the X-CSRFToken header.
    client.get(reverse("home"))
    csrf = client.cookies["csrftoken"].value
    allowed = client.post(
        HOUSEHOLDS,
        world.new_household(),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=csrf,
    )
    assert allowed.status_code == 201, allowed.json()
