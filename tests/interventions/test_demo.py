"""seed_demo: a plausible, deterministic demo population that is safe to create twice."""

import io
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count

from interventions.register.demo import demo_population_replace
from interventions.register.models import Household, Intervention, Source
from tests.factories import HouseholdFactory, InterventionTypeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(groningen_areas, groningen_catalogue):
    return groningen_areas


def snapshot():
    households = list(
        Household.objects.filter(source=Source.DEMO)
        .order_by("pseudonym")
        .values_list(
            "pseudonym",
            "area__code",
            "adults",
            "children",
            "income_pct_social_minimum",
            "income_source",
            "debt_situation",
            "participation_start",
            "participation_end",
            "legal_basis",
        )
    )
    interventions = sorted(
        Intervention.objects.filter(source=Source.DEMO).values_list(
            "household__pseudonym",
            "intervention_type__code",
            "start_date",
            "end_date",
            "actual_cost",
            "status",
        ),
        key=repr,
    )
    return households, interventions


def test_the_same_seed_gives_the_same_population_and_a_second_run_changes_nothing(world):
    call_command("seed_demo", households=600, seed=7, stdout=io.StringIO())
    first = snapshot()
    ids = set(Household.objects.values_list("id", flat=True))
    intervention_ids = set(Intervention.objects.values_list("id", flat=True))
    out = io.StringIO()
    call_command("seed_demo", households=600, seed=7, stdout=out)
    assert snapshot() == first
    assert set(Household.objects.values_list("id", flat=True)) == ids  # upserted, not recreated
    # Nothing is written when the population is already there, and the command says so.
    assert set(Intervention.objects.values_list("id", flat=True)) == intervention_ids
    assert out.getvalue().startswith("Demo population (seed 7): nothing changed (600 households")
    assert Household.objects.count() == 600


def test_a_demo_population_changed_since_is_restored_and_reported(world):
    demo_population_replace(households=200, seed=8)
    first = snapshot()
    changed = Intervention.objects.filter(source=Source.DEMO).first()
    changed.start_date = changed.start_date.replace(day=1) - timedelta(days=1)
    changed.save()
    result = demo_population_replace(households=200, seed=8)
    assert result.changed
    assert snapshot() == first
    assert not demo_population_replace(households=200, seed=8).changed


def test_another_seed_gives_another_population_and_replaces_the_old_one(world):
    demo_population_replace(households=300, seed=1)
    first = snapshot()
    demo_population_replace(households=300, seed=2)
    assert snapshot() != first
    assert Household.objects.count() == 300


def test_households_are_spread_in_proportion_to_inhabitants(world):
    demo_population_replace(households=2000, seed=3)
    per_area = dict(Household.objects.values_list("area__code").annotate(n=Count("id")).order_by())
    total_inhabitants = sum(a.inhabitants for a in world)
    for area in world:
        expected = 2000 * area.inhabitants / total_inhabitants
        assert abs(per_area.get(area.code, 0) - expected) < 1, area.code


@pytest.mark.slow
def test_every_household_has_0_to_6_plausible_interventions(world):
    demo_population_replace(households=1500, seed=4)
    counts = {h.id: h.n for h in Household.objects.annotate(n=Count("interventions"))}
    assert min(counts.values()) == 0
    assert max(counts.values()) <= 6
    assert 1.5 < sum(counts.values()) / len(counts) < 3.5
    for intervention in Intervention.objects.select_related("household", "intervention_type"):
        household = intervention.household
        assert intervention.start_date >= household.participation_start
        if household.participation_end:
            assert intervention.start_date <= household.participation_end
        if intervention.end_date:
            assert intervention.end_date >= intervention.start_date
        intervention.full_clean()  # every generated row passes the same validation as user input
    # Situations drive the help: households with debts get more debt help than those without.
    debt_help = Intervention.objects.filter(intervention_type__life_domain__code="rondkomen")
    with_debts = debt_help.filter(household__debt_situation="problematic").count()
    without = debt_help.filter(household__debt_situation="none").count()
    problematic = Household.objects.filter(debt_situation="problematic").count()
    none = Household.objects.filter(debt_situation="none").count()
    assert with_debts / problematic > 1.5 * without / none
    for household in Household.objects.all()[:200]:
        household.full_clean()


def test_what_was_entered_by_hand_survives_a_new_demo_run(world):
    demo_population_replace(households=100, seed=5)
    manual = HouseholdFactory(area=world[3], participation_start=date(2022, 1, 1))
    demo_household = Household.objects.filter(source=Source.DEMO).first()
    by_hand = Intervention.objects.create(
        household=demo_household,
        intervention_type=InterventionTypeFactory(),
        start_date=demo_household.participation_start,
        source=Source.MANUAL,
    )
    demo_population_replace(households=100, seed=5)
    assert Household.objects.filter(pk=manual.pk).exists()
    assert Intervention.objects.filter(pk=by_hand.pk).exists()


@pytest.mark.slow
def test_thirty_thousand_households_are_possible(world):
    result = demo_population_replace(households=30_000, seed=6)
    assert result.households == 30_000
    assert Household.objects.count() == 30_000
    assert 45_000 < Intervention.objects.count() < 105_000


def test_demo_data_is_refused_where_it_is_not_allowed(world, settings):
    settings.SIEX_DEMO_ALLOWED = False
    with pytest.raises(CommandError, match="not allowed"):
        call_command("seed_demo", households=10, stdout=io.StringIO())
    with pytest.raises(CommandError, match="not allowed"):
        call_command("setup_demo", stdout=io.StringIO())
    assert Household.objects.count() == 0


def test_setup_demo_creates_one_user_per_role_and_prints_their_passwords(
    world, django_capture_on_commit_callbacks
):
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("setup_demo", households=50, stdout=out)
    from django.contrib.auth import authenticate

    lines = [line.split() for line in out.getvalue().splitlines() if line.startswith("  demo-")]
    assert len(lines) == 4
    for username, password, *_ in lines:
        assert authenticate(username=username, password=password) is not None
    # The project lead and the administrator need a second step: the demo prints how to pass it.
    from django.test import Client
    from django.urls import reverse

    text = out.getvalue()
    for username in ("demo-projectleider", "demo-beheerder"):
        line = next(line for line in text.splitlines() if line.startswith(f"{username} also"))
        assert "otpauth://totp/" in line
        recovery = line.split("recovery codes ")[1].split(",")[0]
        password = next(p for u, p, *_ in lines if u == username)
        client = Client()
        client.post(reverse("accounts:login"), {"username": username, "password": password})
        client.post(reverse("accounts:two-factor"), {"code": recovery})
        assert client.get(reverse("home")).status_code == 200
    # The demo council member has results to read: both scenarios are fixed and calculated.
    from calculation.models import RunStatus, ScenarioVersion, VersionStatus

    versions = ScenarioVersion.objects.all()
    assert versions.count() == 2
    assert all(version.status == VersionStatus.FIXED for version in versions)
    assert all(version.runs.filter(status=RunStatus.SUCCEEDED).exists() for version in versions)


@pytest.mark.slow
def test_a_second_setup_demo_says_nothing_changed_but_the_new_passwords(world):
    call_command("setup_demo", households=50, stdout=io.StringIO())
    out = io.StringIO()
    call_command("setup_demo", households=50, stdout=out)
    text = out.getvalue()
    assert "Areas: nothing changed (21 unchanged)." in text
    assert "Catalogue catalogue_groningen.json: nothing changed (" in text
    assert "Demo population (seed 2024): nothing changed (50 households" in text
    assert text.count("already up to date.") == 2  # the reference and the demo scenario
    assert "Demo users: already there; new passwords" in text
    for word in ("new,", "updated", "changed,", "created", "loaded."):
        assert word not in text, word


def test_seed_demo_analyses_the_tables_it_filled_and_the_register_figures_count_again(
    world, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from siex.core import cached

    token = cached.generation("register")
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("seed_demo", households=200, seed=7, stdout=io.StringIO())
    assert cached.generation("register") != token  # bulk writes: the demo bumps itself
    analysed = {q["sql"] for q in queries.captured_queries if q["sql"].startswith("ANALYZE")}
    if connection.vendor == "postgresql":
        assert {'ANALYZE "interventions_household"', 'ANALYZE "interventions_intervention"'} <= (
            analysed
        )
        assert 'ANALYZE "interventions_outcomeevent"' in analysed
    else:
        assert not analysed
