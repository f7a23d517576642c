"""factory-boy factories for the domain models."""

from datetime import date
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from interventions.catalogue.models import (
    Actor,
    ActorGroup,
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
    InterventionStatus,
    LegalBasis,
    Source,
)
from interventions.register.pseudonyms import pseudonymise
from monitoring.models import Area, AreaLevel
from siex.accounts.roles import Role


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


class ActorGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActorGroup
        django_get_or_create = ("code",)

    code = "government"
    name_nl = "Overheid"
    name_en = "Government"
    sort_order = 2


class ActorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Actor
        django_get_or_create = ("code",)

    code = "gemeente"
    name_nl = "Gemeente"
    name_en = "Municipality"
    group = factory.SubFactory(ActorGroupFactory)
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

    class Params:
        #: HouseholdFactory(ended=True): a household whose participation ended.
        ended = factory.Trait(participation_end=date(2024, 12, 31))
        #: HouseholdFactory(working=True): income from work above the social minimum, no debts.
        working = factory.Trait(
            income_source=IncomeSource.WORK,
            income_pct_social_minimum=Decimal("130.0"),
            debt_situation=DebtSituation.NONE,
        )
        #: HouseholdFactory(in_debt_arrangement=True): in a debt arrangement (GKB).
        in_debt_arrangement = factory.Trait(debt_situation=DebtSituation.GKB_ARRANGEMENT)
        #: HouseholdFactory(imported=True): registered by a file import.
        imported = factory.Trait(source=Source.IMPORT)


class InterventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Intervention

    household = factory.SubFactory(HouseholdFactory)
    intervention_type = factory.SubFactory(InterventionTypeFactory)
    start_date = date(2023, 3, 1)

    class Params:
        #: InterventionFactory(completed=True): finished, with its actual cost.
        completed = factory.Trait(
            status=InterventionStatus.COMPLETED,
            end_date=date(2023, 12, 31),
            actual_cost=Decimal("2300.00"),
        )
        #: InterventionFactory(stopped=True): stopped early, with a reason for its lower cost.
        stopped = factory.Trait(
            status=InterventionStatus.STOPPED,
            end_date=date(2023, 6, 30),
            actual_cost=Decimal("800.00"),
            cost_deviation_reason="Voortijdig gestopt",
        )


MUNICIPALITY_WIDE = object()


def municipality_wide_team():
    from interventions.register.models import Team

    return Team.objects.get_or_create(
        name="Gemeentebreed (test)", defaults={"municipality_wide": True}
    )[0]


def team_of(*areas, name: str | None = None):
    """A team working in ``areas`` (wijken)."""
    from interventions.register.models import Team

    team = Team.objects.create(name=name or "WIJ " + ", ".join(area.code for area in areas))
    team.areas.set(areas)
    return team


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("a-long-test-password-123")

    #: UserFactory(role=Role.X) or UserFactory(project_lead=True): a user with exactly that role
    #: (the administrator is staff); without a role, a user without a group.
    role = None
    is_staff = factory.LazyAttribute(lambda user: user.role == Role.ADMINISTRATOR)

    class Params:
        policy_officer = factory.Trait(role=Role.POLICY_OFFICER)
        council_member = factory.Trait(role=Role.COUNCIL_MEMBER)
        project_lead = factory.Trait(role=Role.PROJECT_LEAD)
        administrator = factory.Trait(role=Role.ADMINISTRATOR)

    @classmethod
    def _build(cls, model_class, *args, role=None, teams=None, **kwargs):
        return super()._build(model_class, *args, **kwargs)

    @classmethod
    def _create(cls, model_class, *args, role=None, teams=MUNICIPALITY_WIDE, **kwargs):
        """A policy officer is a member of a municipality-wide team unless ``teams`` names their
        teams (``teams=[]``: in no team, so seeing no household)."""
        from django.contrib.auth.models import Group

        user = super()._create(model_class, *args, **kwargs)
        if role is not None:
            user.groups.set([Group.objects.get(name=Role(role).value)])
        if teams is MUNICIPALITY_WIDE:
            teams = [municipality_wide_team()] if role == Role.POLICY_OFFICER else []
        for team in teams:
            team.members.add(user)
        return user
