"""Fixtures of the API tests: one signed-in client per role and a small world of records.

Imported by the API test modules (tests/api/conftest.py, the endpoint tests of each app)."""

from __future__ import annotations

import itertools
from datetime import date
from functools import cached_property

import pytest
from django.test import Client
from django.utils import timezone

from interventions.register.models import Household, Intervention
from tests.access_matrix import AD, ANONYMOUS, CM, NO_ROLE, PL, PO
from tests.factories import (
    DistrictFactory,
    HouseholdFactory,
    InterventionFactory,
    InterventionTypeFactory,
    OutcomeFactory,
)

WHO = [ANONYMOUS, NO_ROLE, PO, CM, PL, AD]


@pytest.fixture
def clients(client_for) -> dict[str, Client]:
    """who -> a client signed in with that role (anonymous: not signed in)."""
    return {
        who: Client() if who == ANONYMOUS else client_for(None if who == NO_ROLE else who)
        for who in WHO
    }


class World:
    """The records the endpoints need, made on first use (a test builds only what it reads)."""

    def __init__(self):
        self._numbers = itertools.count(1)

    def number(self) -> int:
        return next(self._numbers)

    @cached_property
    def district(self):
        return DistrictFactory(code="WK001404", name="Oosterparkwijk")

    @cached_property
    def indicator_value(self):
        from monitoring.indicators.models import Indicator, IndicatorValue

        indicator = Indicator.objects.create(
            code="wmo_clienten_per_1000_inw",
            label_nl="Wmo-cliënten per 1.000 inwoners",
            label_en="Wmo clients per 1,000 inhabitants",
            unit="per_1000",
            direction="neutral",
            theme="care",
        )
        return IndicatorValue.objects.create(
            indicator=indicator, area=self.district, period=2023, value=35
        )

    @cached_property
    def context_note(self):
        from monitoring.indicators.models import ContextNote

        return ContextNote.objects.create(
            key="corona", period_from=2020, period_to=2021, title="Corona", text="Coronapandemie"
        )

    def photo(self):
        """A kept photo of the district (a new one on every call)."""
        from monitoring.photos.services import photo_take

        self.indicator_value  # noqa: B018  (a value for the photo to hold)
        return photo_take(
            area=self.district, on_date=date(2024, 1, 1), title=f"Foto {self.number()}", user=None
        )

    @cached_property
    def kept_photo(self):
        return self.photo()

    @cached_property
    def household(self) -> Household:
        return HouseholdFactory(area=self.district, participation_start=date(2023, 1, 1))

    @cached_property
    def intervention_type(self):
        return InterventionTypeFactory(code="budgetcoaching")

    @cached_property
    def intervention(self) -> Intervention:
        return InterventionFactory(
            household=self.household, intervention_type=self.intervention_type
        )

    @cached_property
    def outcome(self):
        return OutcomeFactory(code="uit-de-bijstand")

    @cached_property
    def version(self):
        from calculation.services import scenario_create, scenario_version_update

        self.intervention  # noqa: B018 - the scenario's catalogue snapshot needs a catalogue
        self.outcome  # noqa: B018
        version = scenario_create(code="api", name="API")
        return scenario_version_update(
            version=version, expected_version=version.version, monte_carlo_draws=100
        )

    @cached_property
    def run(self):
        from calculation.services import run_execute, run_start

        run = run_start(version=self.version)
        run_execute(run_id=run.pk)
        run.refresh_from_db()
        return run

    @cached_property
    def fixable(self):
        from calculation.services import scenario_version_new

        return scenario_version_new(version=self.version)

    @cached_property
    def fixed(self):
        """The scenario's version 1, fixed, from last year on (so that it can be revised)."""
        from calculation.services import scenario_version_fix, scenario_version_update

        version = scenario_version_update(
            version=self.version,
            expected_version=self.version.version,
            start_year=timezone.localdate().year - 1,
        )
        return scenario_version_fix(version=version, expected_version=version.version)

    @cached_property
    def fixed_run(self):
        """A finished calculation of the fixed version."""
        from calculation.services import run_execute, run_start

        run = run_start(version=self.fixed)
        run_execute(run_id=run.pk)
        run.refresh_from_db()
        return run

    @cached_property
    def draft(self):
        """A scenario with a draft version only."""
        from calculation.services import scenario_create

        self.intervention  # noqa: B018 - the scenario's catalogue snapshot needs a catalogue
        return scenario_create(code="api-ontwerp", name="Alleen een ontwerp")

    def new_scenario(self) -> dict:
        self.intervention  # noqa: B018 - a new scenario snapshots the catalogue
        return {"code": f"api-{self.number()}", "name": "Nieuw"}

    def fresh(self, obj):
        obj.refresh_from_db()
        return obj

    def new_household(self, **overrides) -> dict:
        data = {
            "external_reference": f"WIJ-API-{self.number():05d}",
            "area": self.district.code,
            "adults": 1,
            "children": 2,
            "income_pct_social_minimum": "101.5",
            "income_source": "bijstand",
            "debt_situation": "problematic",
            "participation_start": "2024-03-01",
            "legal_basis": "public_task",
        }
        data.update(overrides)
        return data

    def household_put(self) -> dict:
        household = self.fresh(self.household)
        return {
            "area": household.area.code,
            "adults": 2,
            "children": 1,
            "income_pct_social_minimum": "90.0",
            "income_source": "work",
            "debt_situation": "none",
            "participation_start": "2023-01-01",
            "participation_end": None,
            "legal_basis": "consent",
            "version": household.version,
        }

    def new_intervention(self, **overrides) -> dict:
        data = {
            "household": self.household.pk,
            "intervention_type": self.intervention_type.code,
            "start_date": "2024-02-01",
        }
        data.update(overrides)
        return data

    def intervention_put(self) -> dict:
        intervention = self.fresh(self.intervention)
        return {
            "household": intervention.household_id,
            "intervention_type": intervention.intervention_type.code,
            "start_date": "2023-03-01",
            "end_date": "2023-09-01",
            "status": "completed",
            "actual_cost": "2400.00",
            "notes": "Afgerond",
            "version": intervention.version,
        }

    # --- follow-up ---------------------------------------------------------------------------

    @cached_property
    def zrm(self):
        import importlib

        from django.apps import apps

        from interventions.followup.models import Instrument

        importlib.import_module("interventions.migrations.0008_follow_up_instruments").seed(
            apps, None
        )
        return Instrument.objects.get(code="zrm")

    @cached_property
    def assessment(self):
        from interventions.followup.services import assessment_create

        return assessment_create(
            household=self.household,
            instrument=self.zrm,
            date=date(2023, 2, 1),
            scores={"financien": 2},
        )

    def new_assessment(self) -> dict:
        return {
            "household": self.household.pk,
            "instrument": self.zrm.code,
            "date": "2023-03-01",
            "scores": {"financien": 3, "huisvesting": 4},
        }

    def assessment_put(self) -> dict:
        return {**self.new_assessment(), "version": self.fresh(self.assessment).version}

    @cached_property
    def survey(self):
        from interventions.followup.services import survey_create

        return survey_create(household=self.household, wave=0, date=date(2023, 2, 1), stress=4)

    def new_survey(self) -> dict:
        n = self.number()
        return {
            "household": self.household.pk,
            "wave": 12 * n,
            "date": date(2023 + n, 2, 2).isoformat(),
            "stress": 6,
        }

    def survey_put(self) -> dict:
        return {
            "household": self.household.pk,
            "wave": 0,
            "date": "2023-02-01",
            "stress": 5,
            "version": self.fresh(self.survey).version,
        }

    @cached_property
    def outcome_event(self):
        from interventions.followup.services import outcome_event_create

        return outcome_event_create(
            household=self.household,
            outcome=self.outcome,
            date=date(2023, 6, 1),
            evidence="registration",
        )

    def new_outcome_event(self) -> dict:
        return {
            "household": self.household.pk,
            "outcome": self.outcome.code,
            "date": "2023-07-01",
            "evidence": "document",
        }

    def outcome_event_put(self) -> dict:
        return {**self.new_outcome_event(), "version": self.fresh(self.outcome_event).version}


@pytest.fixture
def world(db) -> World:
    return World()
