"""Follow-up records: what is accepted, what is refused (in Dutch, naming the field), optimistic
locking, the change history and the aggregates."""

from datetime import date

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.utils import translation

from interventions.followup import selectors, services
from interventions.followup.models import Assessment, OutcomeEvent, SurveyResponse
from siex.core.versioning import ConflictError
from tests.factories import HouseholdFactory, InterventionFactory

pytestmark = pytest.mark.django_db


def refused(call, **kwargs) -> dict[str, list[str]]:
    """The Dutch messages per field of a refused write."""
    with translation.override("nl"):
        with pytest.raises(ValidationError) as caught:
            call(**kwargs)
        return caught.value.message_dict


# --- Instruments -------------------------------------------------------------------------------


def test_the_instruments_are_data_with_dutch_and_english_names(zrm, ladder):
    assert zrm.domains.count() == 13
    assert [level.score for level in zrm.levels.all()] == [1, 2, 3, 4, 5]
    assert zrm.levels.get(score=1).name_nl == "Acute problematiek"
    assert zrm.levels.get(score=5).name_en == "Fully self-sufficient"
    assert {d.name_nl for d in zrm.domains.all()} >= {"Financiën", "Justitie", "Instrumentele ADL"}
    assert ladder.max_score == 6
    assert ladder.levels.get(score=6).name_nl == "Betaald werk"
    assert ladder.levels.get(score=1).name_en == "Isolated"


# --- Assessments --------------------------------------------------------------------------------


def test_an_assessment_keeps_the_domains_scored(household, zrm, user_for):
    assessment = services.assessment_create(
        household=household,
        instrument=zrm,
        date=date(2024, 2, 1),
        scores={"financien": 2, "huisvesting": 3, "justitie": None, "sociaal_netwerk": ""},
    )
    assert assessment.scores == {"financien": 2, "huisvesting": 3}
    assert assessment.version == 1


@pytest.mark.parametrize(("score", "instrument"), [(0, "zrm"), (6, "zrm"), (7, "ladder")])
def test_a_score_outside_the_instrument_is_refused(household, request, score, instrument):
    chosen = request.getfixturevalue(instrument)
    domain = chosen.domains.first()
    errors = refused(
        services.assessment_create,
        household=household,
        instrument=chosen,
        date=date(2024, 2, 1),
        scores={domain.code: score},
    )
    message = errors[f"score_{domain.code}"][0]
    assert domain.name_nl in message
    assert f"van 1 tot en met {chosen.max_score}" in message


def test_a_step_6_is_accepted_on_the_ladder(household, ladder):
    services.assessment_create(
        household=household, instrument=ladder, date=date(2024, 2, 1), scores={"trede": 6}
    )


def test_an_assessment_without_scores_or_outside_participation_is_refused(household, zrm):
    errors = refused(
        services.assessment_create,
        household=household,
        instrument=zrm,
        date=date(2023, 12, 31),
        scores={},
    )
    assert "deelname" in errors["date"][0]
    assert "Geef ten minste één domein een score." in errors["scores"]


def test_an_assessment_changes_with_the_version_read(household, zrm, user_for):
    assessment = services.assessment_create(
        household=household, instrument=zrm, date=date(2024, 2, 1), scores={"financien": 2}
    )
    changed = services.assessment_update(
        assessment=assessment, expected_version=1, scores={"financien": 3}
    )
    assert changed.version == 2
    with pytest.raises(ConflictError):
        services.assessment_update(assessment=assessment, expected_version=1, date=date(2024, 3, 1))
    with pytest.raises(ConflictError):
        services.assessment_delete(assessment=assessment, expected_version=1)
    services.assessment_delete(assessment=assessment, expected_version=2)
    assert not Assessment.objects.exists()
    actions = list(
        LogEntry.objects.get_for_model(Assessment).order_by("id").values_list("action", flat=True)
    )
    assert actions == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE, LogEntry.Action.DELETE]


# --- Surveys ------------------------------------------------------------------------------------


def test_survey_waves_follow_each_other_in_time(household, intervention):
    services.survey_create(
        household=household, wave=0, date=date(2024, 2, 1), stress=3, most_valuable_help=None
    )
    errors = refused(services.survey_create, household=household, wave=6, date=date(2024, 1, 15))
    assert "na ronde T0" in errors["date"][0]
    twelve = services.survey_create(
        household=household,
        wave=12,
        date=date(2025, 2, 1),
        making_ends_meet=6,
        most_valuable_help=intervention,
    )
    errors = refused(services.survey_create, household=household, wave=6, date=date(2025, 3, 1))
    assert "vóór ronde T+12" in errors["date"][0]
    errors = refused(services.survey_create, household=household, wave=12, date=date(2025, 3, 1))
    assert "T+12" in errors["wave"][0]
    errors = refused(
        services.survey_update, survey=twelve, expected_version=1, date=date(2024, 1, 20)
    )
    assert "na ronde T0" in errors["date"][0]
    errors = refused(services.survey_update, survey=twelve, expected_version=1, wave=0)
    assert "T0" in errors["wave"][0]


def test_a_survey_refuses_answers_outside_1_to_10_and_unknown_waves(household):
    errors = refused(
        services.survey_create, household=household, wave=18, date=date(2024, 2, 1), stress=11
    )
    assert errors["wave"]
    assert errors["stress"]
    errors = refused(
        services.survey_create, household=household, wave=0, date=date(2024, 2, 1), home_life=0
    )
    assert errors["home_life"]


def test_the_help_that_mattered_most_is_one_of_the_households_interventions(household):
    other = InterventionFactory(household=HouseholdFactory(), start_date=date(2024, 3, 1))
    errors = refused(
        services.survey_create,
        household=household,
        wave=0,
        date=date(2024, 2, 1),
        most_valuable_help=other,
    )
    assert "interventies van dit huishouden" in errors["most_valuable_help"][0]


# --- Outcome events -----------------------------------------------------------------------------


def test_an_outcome_event_before_its_intervention_started_is_refused(
    household, intervention, outcome
):
    errors = refused(
        services.outcome_event_create,
        household=household,
        outcome=outcome,
        intervention=intervention,
        date=date(2024, 2, 1),
        evidence="registration",
    )
    assert "vóór de start van de interventie" in errors["date"][0]
    event = services.outcome_event_create(
        household=household,
        outcome=outcome,
        intervention=intervention,
        date=date(2024, 9, 1),
        evidence="registration",
    )
    assert event.version == 1


def test_an_outcome_event_before_participation_or_with_personal_details_is_refused(
    household, outcome
):
    errors = refused(
        services.outcome_event_create,
        household=household,
        outcome=outcome,
        date=date(2023, 6, 1),
        evidence="own_report",
        note="Bel 0612345678",
    )
    assert "deelname" in errors["date"][0]
    assert "telefoonnummer" in errors["note"][0]
    errors = refused(
        services.outcome_event_create,
        household=household,
        outcome=outcome,
        date=date(2024, 6, 1),
        evidence="own_report",
        note="stil\x07",
    )
    assert errors["note"]


def test_an_outcome_event_changes_with_the_version_read(household, outcome):
    event = services.outcome_event_create(
        household=household, outcome=outcome, date=date(2024, 6, 1), evidence="document"
    )
    services.outcome_event_update(event=event, expected_version=1, evidence="observation")
    with pytest.raises(ConflictError):
        services.outcome_event_update(event=event, expected_version=1, evidence="document")
    services.outcome_event_delete(event=event, expected_version=2)
    assert not OutcomeEvent.objects.exists()


# --- Aggregates ---------------------------------------------------------------------------------


def test_transitions_count_households_per_cohort_and_domain(zrm, outcome):
    cohort_2023 = [HouseholdFactory(participation_start=date(2023, 5, 1)) for _ in range(2)]
    cohort_2024 = HouseholdFactory(participation_start=date(2024, 1, 1))
    for household in cohort_2023:
        services.assessment_create(
            household=household, instrument=zrm, date=date(2023, 6, 1), scores={"financien": 1}
        )
        services.assessment_create(
            household=household, instrument=zrm, date=date(2024, 6, 1), scores={"financien": 2}
        )
        services.assessment_create(
            household=household, instrument=zrm, date=date(2025, 6, 1), scores={"financien": 4}
        )
    services.assessment_create(
        household=cohort_2024, instrument=zrm, date=date(2024, 2, 1), scores={"financien": 3}
    )
    first_last = selectors.assessment_transitions(instrument=zrm)
    assert first_last.to_dict("records") == [
        {"cohort": 2023, "domain": "financien", "from_score": 1, "to_score": 4, "households": 2}
    ]
    between = selectors.assessment_transitions(
        instrument=zrm, start=date(2023, 12, 31), end=date(2024, 12, 31)
    )
    assert between.to_dict("records") == [
        {"cohort": 2023, "domain": "financien", "from_score": 1, "to_score": 2, "households": 2}
    ]
    services.outcome_event_create(
        household=cohort_2024, outcome=outcome, date=date(2024, 6, 1), evidence="document"
    )
    per_outcome = selectors.events_per_outcome()
    assert per_outcome.to_dict("records") == [
        {"outcome": outcome.code, "cohort": 2024, "events": 1, "attributed": 0}
    ]


def test_the_household_follow_up_puts_first_against_latest(household, zrm):
    services.assessment_create(
        household=household, instrument=zrm, date=date(2024, 2, 1), scores={"financien": 1}
    )
    services.assessment_create(
        household=household,
        instrument=zrm,
        date=date(2024, 8, 1),
        scores={"financien": 3, "huisvesting": 4},
    )
    follow_up = selectors.household_follow_up(household)
    (history,) = follow_up.histories
    money = next(row for row in history.rows if row.domain.code == "financien")
    assert (money.first, money.latest, money.change, money.scores) == (1, 3, 2, [1, 3])
    housing = next(row for row in history.rows if row.domain.code == "huisvesting")
    assert housing.change == 0
    assert isinstance(SurveyResponse.objects.none().count(), int)
