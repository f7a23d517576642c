"""An anonymised household can no longer be changed: its page says so and offers no edits, and
the register's and the follow-up's services refuse every change with that reason."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from freezegun import freeze_time

from interventions.followup import services as followup_services
from interventions.followup.models import Instrument
from interventions.register import services
from interventions.register.extensions import household_frozen
from interventions.retention.services import retention_apply
from siex.accounts.roles import Role
from tests.factories import HouseholdFactory, InterventionFactory, InterventionTypeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def anonymised():
    household = HouseholdFactory(
        participation_start=date(2015, 3, 1), participation_end=date(2016, 6, 30)
    )
    InterventionFactory(
        household=household,
        intervention_type=InterventionTypeFactory(code="coaching"),
        start_date=date(2015, 4, 1),
    )
    with freeze_time("2026-03-02 09:00"):
        retention_apply()
    household.refresh_from_db()
    return household


def test_the_register_refuses_every_change(anonymised):
    reason = household_frozen(anonymised)
    assert reason and "anonymised on 02-03-2026" in reason
    with pytest.raises(ValidationError, match="anonymised"):
        services.household_update(
            household=anonymised, expected_version=anonymised.version, children=1
        )
    intervention = anonymised.interventions.get()
    with pytest.raises(ValidationError, match="anonymised"):
        services.intervention_update(
            intervention=intervention,
            expected_version=intervention.version,
            actual_cost=Decimal("10"),
        )
    with pytest.raises(ValidationError, match="anonymised"):
        services.intervention_create(
            household=anonymised,
            intervention_type=intervention.intervention_type,
            start_date=date(2016, 1, 1),
        )


def test_the_follow_up_refuses_every_change(anonymised):
    instrument = Instrument.objects.order_by("pk").first()
    with pytest.raises(ValidationError, match="anonymised"):
        followup_services.assessment_create(
            household=anonymised, instrument=instrument, date=date(2016, 1, 1), scores={}
        )


def test_the_page_says_so_and_offers_no_edits(anonymised, client_for):
    page = client_for(Role.POLICY_OFFICER).get(
        reverse("register:household", kwargs={"pk": anonymised.pk})
    )
    html = page.content.decode()
    assert "anonymised on 02-03-2026" in html
    assert reverse("register:household-edit", kwargs={"pk": anonymised.pk}) not in html
    assert reverse("register:intervention-new", kwargs={"pk": anonymised.pk}) not in html


def test_a_household_that_was_not_anonymised_can_be_changed():
    household = HouseholdFactory()
    assert household_frozen(household) is None
    services.household_update(household=household, expected_version=household.version, children=2)


def test_the_change_history_shows_which_fields_were_removed(anonymised):
    from auditlog.models import LogEntry

    from siex.audit.selectors import REMOVED, field_changes

    entries = list(
        LogEntry.objects.filter(content_type__model="household", object_id=anonymised.pk).order_by(
            "pk"
        )
    )
    rows = [row for changes in field_changes(entries) for row in changes]
    removed = {row.name for row in rows if row.old == row.new == str(REMOVED)}
    assert {"adults", "income_pct_social_minimum", "participation_start"} <= removed
