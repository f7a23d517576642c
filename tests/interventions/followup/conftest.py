"""Fixtures of the follow-up tests: the instruments as their migration seeds them, a household
with an intervention, an outcome of the catalogue."""

import importlib
from datetime import date

import pytest
from django.apps import apps

from interventions.followup.models import Instrument
from tests.factories import HouseholdFactory, InterventionFactory, OutcomeFactory

_seed = importlib.import_module("interventions.migrations.0008_follow_up_instruments").seed


def instruments_seeded() -> dict[str, Instrument]:
    """The instruments (also after a transactional test emptied the tables)."""
    _seed(apps, None)
    return {instrument.code: instrument for instrument in Instrument.objects.all()}


@pytest.fixture
def instruments(db):
    return instruments_seeded()


@pytest.fixture
def zrm(instruments):
    return instruments["zrm"]


@pytest.fixture
def ladder(instruments):
    return instruments["participatieladder"]


@pytest.fixture
def household(db):
    return HouseholdFactory(participation_start=date(2024, 1, 1))


@pytest.fixture
def intervention(household):
    return InterventionFactory(household=household, start_date=date(2024, 3, 1))


@pytest.fixture
def outcome(db):
    return OutcomeFactory(code="uitstroom-werk-test")
