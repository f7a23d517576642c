"""factory-boy factories for the domain models."""

from datetime import date
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from interventions.catalogue.models import (
    Actor,
    ActorSector,
    InterventionOutcome,
    InterventionType,
    LifeDomain,
    Outcome,
    OutcomeValue,
    ValueType,
)
from interventions.register.models import (
    DebtSituation,
    Household,
    IncomeSource,
    Intervention,
    LegalBasis,
)
from interventions.register.pseudonyms import pseudonymise
from monitoring.models import Area, AreaLevel


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area
        django_get_or_create = ("code", "year")

    code = "GM0014"
    name = "Groningen"
    level = AreaLevel.MUNICIPALITY
    year = 2024
    inhabitants = 243768


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area
        django_get_or_create = ("code", "year")

    parent = factory.SubFactory(MunicipalityFactory)
    code = factory.Sequence(lambda n: f"WK0014{n % 100:02d}")
    name = factory.Sequence(lambda n: f"Wijk {n}")
    level = AreaLevel.DISTRICT
    year = 2024
    inhabitants = 10000


class LifeDomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LifeDomain
        django_get_or_create = ("code",)

    code = "rondkomen"
    name_nl = "Rondkomen"
    name_en = "Making ends meet"


class ActorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Actor
        django_get_or_create = ("code",)

    code = "gemeente"
    name_nl = "Gemeente"
    name_en = "Municipality"
    sector = ActorSector.GOVERNMENT
    is_municipality = True


class InterventionTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InterventionType

    code = factory.Sequence(lambda n: f"interventie-{n}")
    name_nl = factory.Sequence(lambda n: f"Interventie {n}")
    name_en = factory.Sequence(lambda n: f"Intervention {n}")
    life_domain = factory.SubFactory(LifeDomainFactory)
    unit_cost = Decimal("2500.00")
    cost_share_year_1 = Decimal("0.6")
    cost_share_year_2 = Decimal("0.4")
    paying_actor = factory.SubFactory(ActorFactory)
    typical_duration_months = 12
    cost_source = "Schatting (test)"
    cost_confidence_grade = 5


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outcome

    code = factory.Sequence(lambda n: f"effect-{n}")
    name_nl = factory.Sequence(lambda n: f"Effect {n}")
    name_en = factory.Sequence(lambda n: f"Outcome {n}")
    life_domain = factory.SubFactory(LifeDomainFactory)
    lag_years = 0
    duration_years = 3
    drop_off_pct = Decimal("20")
    deadweight_pct = Decimal("10")
    attribution_pct = Decimal("10")
    displacement_pct = Decimal("0")
    confidence_grade = 5
    source = "Schatting (test)"


class OutcomeValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutcomeValue

    outcome = factory.SubFactory(OutcomeFactory)
    actor = factory.SubFactory(ActorFactory)
    value_type = ValueType.FISCAL_CASHABLE
    annual_amount = Decimal("1000")


class InterventionOutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InterventionOutcome

    intervention_type = factory.SubFactory(InterventionTypeFactory)
    outcome = factory.SubFactory(OutcomeFactory)
    success_probability = Decimal("0.4")


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    pseudonym = factory.Sequence(lambda n: pseudonymise(f"TEST-{n:06d}"))
    area = factory.SubFactory(DistrictFactory)
    adults = 1
    children = 0
    income_pct_social_minimum = Decimal("100.0")
    income_source = IncomeSource.SOCIAL_ASSISTANCE
    debt_situation = DebtSituation.PROBLEMATIC
    participation_start = date(2023, 1, 1)
    legal_basis = LegalBasis.PUBLIC_TASK


class InterventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Intervention

    household = factory.SubFactory(HouseholdFactory)
    intervention_type = factory.SubFactory(InterventionTypeFactory)
    start_date = date(2023, 3, 1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("a-long-test-password-123")
