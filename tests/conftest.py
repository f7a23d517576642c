"""Shared fixtures: roles, one signed-in client per role, Groningen's real areas."""

import io
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from siex.accounts.roles import Role
from siex.accounts.services import roles_sync

from .factories import UserFactory
from .snapshots import Snapshot
from .two_factor import force_login_verified

ROLES = list(Role)

# The ``worker`` fixture: a real Celery worker process for the tests that need one.
pytest_plugins = ["tests.worker"]


def services_required() -> bool:
    """CI sets this: a missing PostgreSQL or Redis is then a failure, not a skip."""
    return os.environ.get("SIEX_REQUIRE_SERVICES", "").lower() == "true"


@pytest.fixture(autouse=True)
def _language_of_the_settings():
    """Every test starts in the test settings' language (English), whatever the test before it
    left active: a request through the locale middleware leaves its language active in the
    thread, and the tests run in any order (pytest-xdist)."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache (the process's memory in the test settings): figures
    cached under a generation (``siex.core.cached``) by a test whose rows were rolled back or
    flushed must not reach the next one."""
    from django.core.cache import cache

    from siex.core import cached

    cache.clear()
    cached._down_until[0] = 0.0
    cached._pending().clear()
    yield


@pytest.fixture
def roles(db):
    return roles_sync()


def _user_with_role(role: Role | None):
    return UserFactory(username=f"test-{role.value if role else 'no-role'}", role=role)


@pytest.fixture
def user_for(roles):
    """user_for(Role.X) -> a user with exactly that role (None: a user without a role)."""
    return _user_with_role


@pytest.fixture
def client_for(user_for):
    """client_for(Role.X) -> a test client signed in as a user with that role (with the second
    sign-in step passed where the role requires it: ``tests/two_factor.py``)."""

    def make(role: Role | None) -> Client:
        return force_login_verified(Client(), user_for(role))

    return make


@pytest.fixture
def policy_officer_client(client_for):
    return client_for(Role.POLICY_OFFICER)


@pytest.fixture
def groningen_areas(db):
    call_command("load_areas", stdout=io.StringIO())
    from monitoring.selectors import current_districts

    return list(current_districts())


def _load_groningen_catalogue():
    import json

    from interventions.catalogue.file import catalogue_load

    path = Path(__file__).resolve().parent.parent / "interventions/data/catalogue_groningen.json"
    return catalogue_load(json.loads(path.read_text(encoding="utf-8")))


@pytest.fixture(scope="session")
def groningen_catalogue_snapshot(django_db_setup, django_db_blocker):
    """Groningen's default catalogue, loaded once per session by the real loader
    (tests/snapshots.py)."""
    snapshot = Snapshot(_load_groningen_catalogue)
    with django_db_blocker.unblock():
        snapshot.take()
    return snapshot


@pytest.fixture
def groningen_catalogue(db, groningen_catalogue_snapshot):
    """Groningen's default catalogue as the project lead's load leaves it (its rows and their audit
    trail); returns the load's report."""
    return groningen_catalogue_snapshot.restore()


@pytest.fixture
def scenario_version(groningen_catalogue, user_for):
    """A draft scenario version on Groningen's catalogue: 50 households in budget coaching, one
    uncertainty range, 100 Monte Carlo draws (enough for a test, and fast)."""
    from calculation.services import scenario_create, scenario_version_update

    user = user_for(Role.PROJECT_LEAD)
    version = scenario_create(code="basis", name="Basisscenario", user=user)
    return scenario_version_update(
        version=version,
        expected_version=version.version,
        user=user,
        monte_carlo_draws=100,
        intake=[
            {"intervention_type": "budgetcoaching", "year": version.start_year, "households": 50}
        ],
        uncertainty=[
            {
                "parameter": "unit_cost",
                "intervention_type": "budgetcoaching",
                "low": 900,
                "high": 2000,
            }
        ],
    )
