"""Register services: optimistic locking and cross-record rules."""

from datetime import date
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from interventions.register import services
from interventions.register.models import Intervention
from siex.core.versioning import ConflictError
from tests.factories import HouseholdFactory, InterventionFactory, InterventionTypeFactory

pytestmark = pytest.mark.django_db


def test_two_officers_editing_the_same_intervention_the_second_gets_a_conflict():
    intervention = InterventionFactory(notes="")
    first_read = Intervention.objects.get(pk=intervention.pk)
    second_read = Intervention.objects.get(pk=intervention.pk)

    services.intervention_update(
        intervention=first_read, expected_version=first_read.version, notes="Gesprek gehad"
    )
    with pytest.raises(ConflictError) as conflict:
        services.intervention_update(
            intervention=second_read,
            expected_version=second_read.version,
            actual_cost=Decimal("900"),
        )
    stored = Intervention.objects.get(pk=intervention.pk)
    assert stored.notes == "Gesprek gehad"  # the first edit is kept
    assert stored.actual_cost is None  # the second was not written over it
    assert stored.version == 2
    assert conflict.value.current.version == 2
    assert "changed by someone else" in str(conflict.value)


def test_an_update_with_the_current_version_goes_through_and_is_in_the_history():
    intervention = InterventionFactory()
    updated = services.intervention_update(
        intervention=intervention,
        expected_version=1,
        end_date=date(2023, 12, 1),
        status="completed",
        actual_cost=Decimal("2400"),
    )
    assert updated.version == 2
    entry = LogEntry.objects.get_for_object(updated).filter(action=LogEntry.Action.UPDATE).get()
    assert "actual_cost" in entry.changes_dict


def test_an_invalid_update_changes_nothing_not_even_the_version():
    intervention = InterventionFactory(start_date=date(2023, 3, 1))
    with pytest.raises(ValidationError):
        services.intervention_update(
            intervention=intervention, expected_version=1, end_date=date(2023, 2, 1)
        )
    stored = Intervention.objects.get(pk=intervention.pk)
    assert stored.version == 1
    assert stored.end_date is None


def test_moving_participation_start_after_an_intervention_is_refused():
    household = HouseholdFactory(participation_start=date(2023, 1, 1))
    InterventionFactory(household=household, start_date=date(2023, 2, 1))
    with pytest.raises(ValidationError) as error:
        services.household_update(
            household=household, expected_version=1, participation_start=date(2023, 6, 1)
        )
    assert "participation_start" in error.value.message_dict
    household.refresh_from_db()
    assert household.participation_start == date(2023, 1, 1)
    assert household.version == 1


def test_a_completed_intervention_needs_an_end_date():
    with pytest.raises(ValidationError) as error:
        services.intervention_create(
            household=HouseholdFactory(),
            intervention_type=InterventionTypeFactory(),
            start_date=date(2023, 5, 1),
            status="completed",
        )
    assert "end_date" in error.value.message_dict
    assert Intervention.objects.count() == 0


@pytest.mark.parametrize(
    ("new_status", "asks"),
    [("active", True), ("planned", True), ("completed", False), ("stopped", False)],
)
def test_a_second_running_intervention_of_a_type_is_confirmed_in_the_service(new_status, asks):
    household = HouseholdFactory(participation_start=date(2024, 1, 1))
    coach = InterventionTypeFactory(name_nl="Energiecoach aan huis")
    InterventionFactory(
        household=household, intervention_type=coach, start_date=date(2024, 3, 1), status="active"
    )
    new = {
        "household": household,
        "intervention_type": coach,
        "start_date": date(2024, 4, 1),
        "end_date": date(2024, 5, 1) if new_status in ("completed", "stopped") else None,
        "status": new_status,
    }
    if asks:
        with pytest.raises(ValidationError) as refused:
            services.intervention_create(**new)
        assert refused.value.message_dict == {
            "confirm_duplicate": [
                "This household already has a running intervention Energiecoach aan huis since "
                "01-03-2024. Confirm that a second one is intended."
            ]
        }
        assert household.interventions.count() == 1
        services.intervention_create(**new, confirm_duplicate=True)
    else:
        services.intervention_create(**new)
    assert household.interventions.count() == 2
