"""Shared fixtures: roles, one signed-in client per role, Groningen's real areas."""

import io
import os

import pytest
from django.core.management import call_command
from django.test import Client

from siex.accounts.roles import Role
from siex.accounts.services import roles_sync

from .factories import UserFactory

ROLES = list(Role)

# The ``worker`` fixture: a real Celery worker process for the tests that need one.
pytest_plugins = ["tests.worker"]


def services_required() -> bool:
    """CI sets this: a missing PostgreSQL or Redis is then a failure, not a skip."""
    return os.environ.get("SIEX_REQUIRE_SERVICES", "").lower() == "true"


@pytest.fixture
def roles(db):
    return roles_sync()


def _user_with_role(role: Role | None):
    from django.contrib.auth.models import Group

    user = UserFactory(username=f"test-{role.value if role else 'no-role'}")
    if role is not None:
        user.groups.set([Group.objects.get(name=role.value)])
        user.is_staff = role == Role.ADMINISTRATOR
        user.save()
    return user


@pytest.fixture
def user_for(roles):
    """user_for(Role.X) -> a user with exactly that role (None: a user without a role)."""
    return _user_with_role


@pytest.fixture
def client_for(user_for):
    """client_for(Role.X) -> a test client signed in as a user with that role."""

    def make(role: Role | None) -> Client:
        client = Client()
        client.force_login(user_for(role))
        return client

    return make


@pytest.fixture
def policy_officer_client(client_for):
    return client_for(Role.POLICY_OFFICER)


@pytest.fixture
def groningen_areas(db):
    call_command("load_areas", stdout=io.StringIO())
    from monitoring.selectors import current_districts

    return list(current_districts())
