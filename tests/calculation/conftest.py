"""Fixtures of the calculation tests."""

import pytest
from django.test import Client

from siex.accounts.roles import Role


@pytest.fixture
def lead(client_for) -> Client:
    """A client signed in as the project lead (projectleider)."""
    return client_for(Role.PROJECT_LEAD)
