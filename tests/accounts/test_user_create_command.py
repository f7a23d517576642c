"""manage.py user_create: the first administrator and users of every role from the command line,
also on a database where setup_roles has not run yet."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from siex.accounts.roles import Role
from siex.accounts.selectors import user_roles
from tests.two_factor import set_up_through_the_pages

pytestmark = pytest.mark.django_db


def create(*args) -> str:
    out = io.StringIO()
    call_command("user_create", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("role", list(Role))
def test_each_role_is_given_even_before_setup_roles_has_run(role):
    assert not Group.objects.exists()  # right after migrate
    out = create("--username", f"eerste.{role.value}", "--role", role.value)
    user = get_user_model().objects.get(username=f"eerste.{role.value}")
    assert user_roles(user) == [role]
    assert f"({role.value})" in out
    assert not user.is_staff and not user.is_superuser


def test_the_first_administrator_from_the_command_line_manages_accounts():
    out = create("--username", "a.beheer", "--role", Role.ADMINISTRATOR.value)
    password = out.split("One-time password: ")[1].split()[0]
    client = Client()
    assert client.login(username="a.beheer", password=password)
    # The one-time password must be replaced first; then the user administration opens.
    response = client.get(reverse("accounts:users"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:password_change"))
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": password,
            "new_password1": "een-eigen-lang-wachtwoord-42",
            "new_password2": "een-eigen-lang-wachtwoord-42",
        },
    )
    assert response.status_code == 302
    # Then the second step: an administrator sets up an authenticator app before anything else.
    response = client.get(reverse("accounts:users"))
    assert response["Location"].startswith(reverse("two_factor:setup"))
    set_up_through_the_pages(client)
    assert client.get(reverse("accounts:users")).status_code == 200
