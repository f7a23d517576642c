"""Accounts of every kind for the tests of the user administration."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from siex.accounts.roles import Role
from tests.factories import UserFactory
from tests.two_factor import force_login_verified

PASSWORD = "a-long-test-password-123"


@pytest.fixture
def administrator(user_for):
    return user_for(Role.ADMINISTRATOR)


@pytest.fixture
def admin_client(client_for) -> Client:
    return client_for(Role.ADMINISTRATOR)


@pytest.fixture
def superuser(roles):
    return get_user_model().objects.create_superuser("root", password="x" * 16)


@pytest.fixture
def superuser_client(superuser) -> Client:
    client = Client()
    force_login_verified(client, superuser)
    return client


@pytest.fixture
def account_with(roles):
    """account_with(Role.X, ..., username=...) -> an active account with those roles."""

    def make(*with_roles: Role, username: str = "anna", **fields):
        user = UserFactory(username=username, **fields)
        user.groups.set(Group.objects.filter(name__in=[role.value for role in with_roles]))
        return user

    return make


@pytest.fixture
def council_member(account_with):
    return account_with(Role.COUNCIL_MEMBER, username="raadslid-anna")


@pytest.fixture
def other_administrator(account_with):
    return account_with(Role.ADMINISTRATOR, username="beheerder-bert")
