"""Bad input is refused twice: by validation with a clear message, and by the database itself."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from interventions.catalogue.models import InterventionType, Outcome
from interventions.register.models import Household, Intervention
from tests.factories import (
    ActorFactory,
    HouseholdFactory,
    InterventionFactory,
    InterventionOutcomeFactory,
    InterventionTypeFactory,
    OutcomeFactory,
    OutcomeValueFactory,
)

pytestmark = pytest.mark.django_db


def refused_by_database(queryset_update):
    with pytest.raises(IntegrityError), transaction.atomic():
        queryset_update()


def messages(error: ValidationError, field: str) -> str:
    return " ".join(error.message_dict[field])


@pytest.mark.parametrize(
    "field", ["drop_off_pct", "deadweight_pct", "attribution_pct", "displacement_pct"]
)
@pytest.mark.parametrize("value", [Decimal("-0.01"), Decimal("100.01")])
def test_percentages_outside_0_100_are_refused(field, value):
    outcome = OutcomeFactory()
    setattr(outcome, field, value)
    with pytest.raises(ValidationError) as error:
        outcome.full_clean()
    assert "percentage" in messages(error.value, field)
    refused_by_database(lambda: Outcome.objects.filter(pk=outcome.pk).update(**{field: value}))


def test_percentages_at_the_bounds_are_accepted():
    outcome = OutcomeFactory(deadweight_pct=Decimal("0"), attribution_pct=Decimal("100"))
    outcome.full_clean()


@pytest.mark.parametrize("value", [Decimal("-0.1"), Decimal("1.0001")])
def test_success_probability_outside_0_1_is_refused(value):
    link = InterventionOutcomeFactory()
    link.success_probability = value
    with pytest.raises(ValidationError) as error:
        link.full_clean()
    assert "probability" in messages(error.value, "success_probability")
    refused_by_database(
        lambda: type(link).objects.filter(pk=link.pk).update(success_probability=value)
    )


def test_negative_unit_cost_is_refused():
    intervention_type = InterventionTypeFactory()
    intervention_type.unit_cost = Decimal("-1")
    with pytest.raises(ValidationError) as error:
        intervention_type.full_clean()
    assert "negative" in messages(error.value, "unit_cost")
    refused_by_database(
        lambda: InterventionType.objects.filter(pk=intervention_type.pk).update(unit_cost=-1)
    )


def test_negative_actual_cost_is_refused():
    intervention = InterventionFactory()
    intervention.actual_cost = Decimal("-5")
    with pytest.raises(ValidationError) as error:
        intervention.full_clean()
    assert "negative" in messages(error.value, "actual_cost")
    refused_by_database(
        lambda: Intervention.objects.filter(pk=intervention.pk).update(actual_cost=-5)
    )


@pytest.mark.parametrize(
    "shares",
    [
        ("0.6", "0.3", "0", "0", "0"),  # 0.9
        ("0.6", "0.5", "0", "0", "0"),  # 1.1
        ("0.3333", "0.3333", "0.3333", "0", "0"),  # 0.9999
        ("1.2", "-0.2", "0", "0", "0"),  # sums to 1 but shares outside 0-1
    ],
)
def test_cost_phasing_that_does_not_sum_to_1_is_refused(shares):
    intervention_type = InterventionTypeFactory()
    values = {f"cost_share_year_{n}": Decimal(s) for n, s in enumerate(shares, start=1)}
    for field, value in values.items():
        setattr(intervention_type, field, value)
    with pytest.raises(ValidationError):
        intervention_type.full_clean()
    refused_by_database(
        lambda: InterventionType.objects.filter(pk=intervention_type.pk).update(**values)
    )


def test_cost_phasing_over_three_years_summing_to_1_is_accepted():
    intervention_type = InterventionTypeFactory(
        cost_share_year_1=Decimal("0.3333"),
        cost_share_year_2=Decimal("0.3333"),
        cost_share_year_3=Decimal("0.3334"),
    )
    intervention_type.full_clean()
    assert intervention_type.cost_phasing == [
        Decimal("0.3333"),
        Decimal("0.3333"),
        Decimal("0.3334"),
    ]


def test_phasing_message_says_what_the_shares_add_up_to():
    intervention_type = InterventionTypeFactory()
    intervention_type.cost_share_year_2 = Decimal("0.3")
    with pytest.raises(ValidationError) as error:
        intervention_type.full_clean()
    assert "add up to 90,00%" in messages(error.value, "cost_share_year_1")
    assert "exactly 100%" in messages(error.value, "cost_share_year_1")


def test_intervention_end_before_start_is_refused():
    intervention = InterventionFactory(start_date=date(2024, 5, 1))
    intervention.end_date = date(2024, 4, 30)
    with pytest.raises(ValidationError) as error:
        intervention.full_clean()
    assert "before the start date" in messages(error.value, "end_date")
    refused_by_database(
        lambda: Intervention.objects.filter(pk=intervention.pk).update(end_date=date(2024, 4, 30))
    )


def test_participation_end_before_start_is_refused():
    household = HouseholdFactory(participation_start=date(2024, 1, 1))
    household.participation_end = date(2023, 12, 31)
    with pytest.raises(ValidationError) as error:
        household.full_clean()
    assert "before its start" in messages(error.value, "participation_end")
    refused_by_database(
        lambda: Household.objects.filter(pk=household.pk).update(
            participation_end=date(2023, 12, 31)
        )
    )


def test_an_intervention_before_the_participation_started_is_refused():
    household = HouseholdFactory(participation_start=date(2024, 1, 1))
    intervention = Intervention(
        household=household,
        intervention_type=InterventionTypeFactory(),
        start_date=date(2023, 6, 1),
    )
    with pytest.raises(ValidationError) as error:
        intervention.full_clean()
    assert "before the household's participation" in messages(error.value, "start_date")


@pytest.mark.parametrize(
    "field, value",
    [
        ("income_pct_social_minimum", Decimal("-1")),
        ("income_pct_social_minimum", Decimal("501")),
        ("adults", 0),
        ("children", 16),
    ],
)
def test_household_numbers_outside_their_domain_are_refused(field, value):
    household = HouseholdFactory()
    setattr(household, field, value)
    with pytest.raises(ValidationError) as error:
        household.full_clean()
    assert field in error.value.message_dict
    refused_by_database(lambda: Household.objects.filter(pk=household.pk).update(**{field: value}))


def test_a_household_is_placed_in_a_wijk_not_a_gemeente():
    household = HouseholdFactory()
    household.area = household.area.parent
    with pytest.raises(ValidationError) as error:
        household.full_clean()
    assert "district" in messages(error.value, "area")


def test_pseudonym_column_only_holds_an_hmac():
    household = HouseholdFactory()
    refused_by_database(
        lambda: Household.objects.filter(pk=household.pk).update(pseudonym="123456789")
    )


def test_confidence_grade_and_duration_are_bounded_and_a_source_is_required():
    outcome = OutcomeFactory()
    refused_by_database(lambda: Outcome.objects.filter(pk=outcome.pk).update(confidence_grade=7))
    refused_by_database(lambda: Outcome.objects.filter(pk=outcome.pk).update(duration_years=0))
    refused_by_database(lambda: Outcome.objects.filter(pk=outcome.pk).update(source="  "))
    outcome.ramp_up = [0.5, 1.5]
    with pytest.raises(ValidationError) as error:
        outcome.full_clean()
    assert "ramp_up" in error.value.message_dict


def test_one_municipality_actor_and_one_value_per_actor_and_type():
    ActorFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ActorFactory(code="ook-gemeente", is_municipality=True)
    value = OutcomeValueFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        OutcomeValueFactory(outcome=value.outcome, actor=value.actor, value_type=value.value_type)
