"""The demo follow-up: deterministic per seed, plausible, valid, and replaced as a whole."""

import io
from datetime import date

import pytest
from django.core.management import call_command

from interventions.followup.demo import follow_up_demo_replace
from interventions.followup.models import Assessment, OutcomeEvent, SurveyResponse
from interventions.register.demo import demo_population_replace
from interventions.register.models import Source
from tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def population(groningen_areas, groningen_catalogue, instruments):
    demo_population_replace(households=150, seed=3)


def snapshot() -> dict:
    return {
        "assessments": sorted(
            (a.household.pseudonym, a.instrument.code, a.date, sorted(a.scores.items()))
            for a in Assessment.objects.select_related("household", "instrument")
        ),
        "surveys": sorted(
            (s.household.pseudonym, s.wave, s.date, s.stress, s.making_ends_meet)
            for s in SurveyResponse.objects.select_related("household")
        ),
        "events": sorted(
            (e.household.pseudonym, e.outcome.code, e.date, e.evidence)
            for e in OutcomeEvent.objects.select_related("household", "outcome")
        ),
    }


def test_the_same_seed_gives_the_same_follow_up_and_writes_nothing_the_second_time(population):
    first = follow_up_demo_replace(seed=3)
    assert first.changed
    assert first.assessments and first.surveys and first.events
    stored = snapshot()
    ids = set(Assessment.objects.values_list("id", flat=True))
    second = follow_up_demo_replace(seed=3)
    assert not second.changed
    assert snapshot() == stored
    assert set(Assessment.objects.values_list("id", flat=True)) == ids
    follow_up_demo_replace(seed=4)
    assert snapshot() != stored
    follow_up_demo_replace(seed=3)
    assert snapshot() == stored


def test_every_demo_row_passes_validation_and_is_marked_as_demo(population):
    follow_up_demo_replace(seed=3)
    for model in (Assessment, SurveyResponse, OutcomeEvent):
        rows = list(model.objects.all())
        assert rows
        assert {row.source for row in rows} == {Source.DEMO}
        for row in rows[:300]:
            row.full_clean(validate_constraints=False)
    for event in OutcomeEvent.objects.select_related("intervention")[:300]:
        assert event.date >= event.intervention.start_date
        assert event.intervention.intervention_type.outcome_links.filter(
            outcome=event.outcome
        ).exists()


def test_some_households_improve(population, zrm):
    follow_up_demo_replace(seed=3)
    from interventions.followup.selectors import assessment_transitions

    transitions = assessment_transitions(instrument=zrm)
    up = transitions[transitions.to_score > transitions.from_score].households.sum()
    down = transitions[transitions.to_score < transitions.from_score].households.sum()
    assert up > 2 * down


def test_follow_up_entered_by_hand_survives(population, zrm):
    household = HouseholdFactory(participation_start=date(2024, 1, 1))
    manual = Assessment.objects.create(
        household=household, instrument=zrm, date=date(2024, 2, 1), scores={"financien": 2}
    )
    follow_up_demo_replace(seed=3)
    follow_up_demo_replace(seed=5)
    assert Assessment.objects.filter(pk=manual.pk).exists()


def test_seed_demo_reports_the_follow_up(groningen_areas, groningen_catalogue, instruments):
    out = io.StringIO()
    call_command("seed_demo", households=40, seed=9, stdout=out)
    assert "Demo follow-up (seed 9):" in out.getvalue()
    assert Assessment.objects.filter(source=Source.DEMO).exists()
