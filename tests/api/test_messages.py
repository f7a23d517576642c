"""The API's refusals in Dutch address the user formally ("u"), as the interface does."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from rest_framework import exceptions

from siex.accounts.roles import Role

pytestmark = pytest.mark.django_db

HOUSEHOLDS = "/api/v1/households/"
INFORMAL = re.compile(r"\b(je|jij|jou|jouw|jezelf)\b", re.IGNORECASE)


def dutch(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    return client


def test_a_refusal_for_the_role_is_formal_dutch(client_for):
    response = dutch(client_for(Role.COUNCIL_MEMBER)).get(HOUSEHOLDS)
    assert response.status_code == 403
    assert response.json()["detail"] == "Uw rol staat dit verzoek niet toe."


def test_signed_out_is_told_formally_how_to_get_in():
    response = dutch(Client()).get(HOUSEHOLDS)
    assert response.status_code == 401
    detail = response.json()["detail"]
    assert "meld u aan" in detail and not INFORMAL.search(detail)


@pytest.mark.parametrize(
    "message",
    [
        *(
            cls.default_detail
            for cls in (
                exceptions.ParseError,
                exceptions.AuthenticationFailed,
                exceptions.NotAuthenticated,
                exceptions.PermissionDenied,
                exceptions.NotFound,
                exceptions.MethodNotAllowed,
                exceptions.NotAcceptable,
                exceptions.UnsupportedMediaType,
                exceptions.Throttled,
            )
        ),
        "Invalid token.",
        "User inactive or deleted.",
        "Invalid token header. No credentials provided.",
        "Invalid token header. Token string should not contain spaces.",
    ],
    ids=str,
)
def test_no_api_message_says_je(message):
    with translation.override("nl"):
        text = translation.gettext(str(message))
    assert not INFORMAL.search(text), text
