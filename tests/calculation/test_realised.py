"""Realised returns from the database, worked out by hand: outcome events valued with a fixed
version's frozen catalogue, the realisation degree, transitions between assessment levels per
cohort, the comparison group, and a revision carrying the realised outcomes."""

from datetime import date
from decimal import Decimal

import pytest
from freezegun import freeze_time

from calculation.models import ComparisonBase
from calculation.realised.selectors import (
    comparison_group,
    realisation_degree,
    realised_returns,
    transition_matrices,
)
from calculation.revision.services import scenario_version_revise
from calculation.services import scenario_import, scenario_version_fix
from interventions.followup.models import Assessment, EvidenceSource, OutcomeEvent
from interventions.register.models import InterventionStatus
from monitoring.indicators.models import Indicator, IndicatorValue
from tests.calculation import scenario_docs as docs
from tests.factories import (
    DistrictFactory,
    HouseholdFactory,
    InterventionFactory,
    InterventionTypeFactory,
    MunicipalityFactory,
    OutcomeFactory,
)
from tests.interventions.followup.conftest import instruments_seeded

pytestmark = pytest.mark.django_db

REFERENCE = date(2026, 6, 30)


def version_document():
    """From 2023 for 10 years: ``coach`` brings ``werk`` with p = 0.5; ``werk`` comes a year
    after the start, drops off 20% a year, 25% is attributed to others, 10% would have happened
    anyway; it is worth 1,000 a year to the municipality and −400 to the household (a transfer)."""
    return docs.scenario(
        parameters={"start_year": 2023, "horizon_years": 10},
        outcomes=[
            docs.outcome(
                lag_years=1,
                drop_off_pct=20,
                attribution_pct=25,
                deadweight_pct=10,
                values=[docs.value(amount=1000.0), docs.value("huishouden", -400.0, transfer=True)],
            )
        ],
        intake_rows=[],
        code="realisatie",
    )


@pytest.fixture
def programme(db):
    """Five households, each started ``coach`` on 1 March 2023 unless said otherwise:

    - H1 (wijk A): werk on 1 March 2024, attributed to its coaching;
    - H2 (wijk B): no outcome;
    - H3 (wijk A): coaching from 1 May 2025, werk on 1 September 2025;
    - H4 (wijk B): werk on 1 March 2025;
    - H5 (wijk A): only a planned coaching (not forecast), werk on 1 June 2024.
    """
    version = scenario_import(document=version_document())
    coach = InterventionTypeFactory(code="coach")
    werk = OutcomeFactory(code="werk")
    wijk_a, wijk_b = DistrictFactory(code="WK001401"), DistrictFactory(code="WK001402")
    households = {}
    for name, area, start, status in (
        ("H1", wijk_a, date(2023, 3, 1), InterventionStatus.COMPLETED),
        ("H2", wijk_b, date(2023, 3, 1), InterventionStatus.COMPLETED),
        ("H3", wijk_a, date(2025, 5, 1), InterventionStatus.ACTIVE),
        ("H4", wijk_b, date(2023, 3, 1), InterventionStatus.COMPLETED),
        ("H5", wijk_a, date(2023, 3, 1), InterventionStatus.PLANNED),
    ):
        household = HouseholdFactory(area=area, participation_start=date(2023, 1, 1))
        intervention = InterventionFactory(
            household=household, intervention_type=coach, start_date=start, status=status
        )
        households[name] = (household, intervention)
    for name, day, attributed in (
        ("H1", date(2024, 3, 1), True),
        ("H3", date(2025, 9, 1), True),
        ("H4", date(2025, 3, 1), False),
        ("H5", date(2024, 6, 1), False),
    ):
        household, intervention = households[name]
        OutcomeEvent.objects.create(
            household=household,
            outcome=werk,
            date=day,
            evidence=EvidenceSource.REGISTRATION,
            intervention=intervention if attributed else None,
        )
    return version, households


def by(rows, key):
    return {row[key]: row for row in rows}


def test_realised_returns_per_household_type_area_actor_and_domain(programme):
    version, households = programme
    realised = realised_returns(version, reference=REFERENCE)
    # Full years by 30 June 2026: H1 two (1,000 + 800), H4 one (1,000), H5 two (1,800), H3
    # none yet (its first year ends on 1 September 2026). Society: 4,600, transfers left out.
    assert realised.society == pytest.approx(4600.0)
    assert realised.society_attributable == pytest.approx(4600.0 * 0.75)
    per_household = by(realised.totals("household"), "household")
    assert per_household[households["H1"][0].pk]["gross"] == pytest.approx(1800.0)
    assert per_household[households["H3"][0].pk]["gross"] == pytest.approx(0.0)
    # Only H1 and H3 name their coaching; the others are not attributed to a type.
    per_type = by(realised.totals("intervention_type"), "intervention_type")
    assert per_type["coach"]["gross"] == pytest.approx(1800.0)
    assert per_type[""]["gross"] == pytest.approx(2800.0)
    per_area = by(realised.totals("area"), "area")
    assert per_area["WK001401"]["gross"] == pytest.approx(3600.0)
    assert per_area["WK001402"]["gross"] == pytest.approx(1000.0)
    # Each actor's own view holds the transfer: the households lose 400 per 1,000.
    per_actor = by(realised.totals("actor"), "actor")
    assert per_actor["gemeente"]["gross"] == pytest.approx(4600.0)
    assert per_actor["huishouden"]["gross"] == pytest.approx(-1840.0)
    assert by(realised.totals("domain"), "domain")["rondkomen"]["gross"] == pytest.approx(4600.0)


def test_the_realisation_degree_sets_realised_against_forecast_for_the_same_households(
    programme,
):
    version, _households = programme
    degree = realisation_degree(version, reference=REFERENCE)
    # Forecast for H1, H2, H4 (started 2023; H3 starts 2025 and its first effect year 2026 is
    # not finished; H5's coaching is only planned): 0.5 · (1,000 + 800) each in 2024–2025,
    # · 0.75 attributable = 675 each, 2,025 in all. Realised by the same households: H1 1,800
    # and H4 1,000 (H3 0), · 0.75 = 2,100. Degree 2,100 / 2,025.
    assert degree["households"] == 4
    assert degree["forecast"] == pytest.approx(2025.0)
    assert degree["realised"] == pytest.approx(2100.0)
    assert degree["degree"] == pytest.approx(2100.0 / 2025.0)
    assert degree["outcomes"][0]["outcome"] == "werk"
    assert degree["outcomes"][0]["degree"] == pytest.approx(2100.0 / 2025.0)


def test_observed_deadweight_from_the_mapped_indicator_next_to_the_assumed(programme):
    version, _households = programme
    gemeente = MunicipalityFactory()
    indicator = Indicator.objects.create(
        code="uitstroom_bijstand",
        label_nl="Uitstroom uit de bijstand",
        label_en="Leaving social assistance",
        unit="percentage",
        direction="higher_better",
        theme="work_income",
    )
    IndicatorValue.objects.create(
        indicator=indicator, area=gemeente, period=2025, value=Decimal("5")
    )
    ComparisonBase.objects.create(
        outcome_code="werk", indicator_code="uitstroom_bijstand", area_code="GM0014"
    )
    [row] = comparison_group(version)
    # 2025: of the 5 participating households, H3 and H4 found work: 0.4. Non-participants:
    # 5% → observed deadweight 0.05 / 0.4 = 0.125, against the assumed 0.10.
    assert row["year"] == 2025
    assert (row["participants_with_outcome"], row["participants"]) == (2, 5)
    assert row["participant_rate"] == pytest.approx(0.4)
    assert row["observed_deadweight"] == pytest.approx(0.125)
    assert row["assumed_deadweight"] == pytest.approx(0.1)


def test_transitions_between_levels_per_domain_and_cohort(db):
    zrm = instruments_seeded()["zrm"]
    for first, latest in ((2, 3), (2, 3), (2, 2), (1, 3)):
        household = HouseholdFactory(participation_start=date(2024, 2, 1))
        for day, score in ((date(2024, 3, 1), first), (date(2025, 3, 1), latest)):
            Assessment.objects.create(
                household=household, instrument=zrm, date=day, scores={"financien": score}
            )
    [matrix] = transition_matrices(instrument=zrm)
    assert (matrix["domain"], matrix["cohort"], matrix["households"]) == ("financien", 2024, 4)
    assert matrix["scores"] == [1, 2, 3, 4, 5]
    assert matrix["matrix"][1][2] == 2  # ZRM 2 → 3
    assert matrix["matrix"][1][1] == 1  # stayed at 2
    assert matrix["matrix"][0][2] == 1  # 1 → 3


@freeze_time("2026-06-30")
def test_a_revision_carries_the_realised_outcomes_of_its_past_years(programme):
    version, _households = programme
    fixed = scenario_version_fix(version=version, expected_version=version.version)
    revision = scenario_version_revise(version=fixed, revision_date=date(2026, 1, 1))
    assert revision.realised_outcomes == [
        {"outcome": "werk", "year": 2024, "count": 2},
        {"outcome": "werk", "year": 2025, "count": 2},
    ]


def test_the_neighbourhood_photo_shows_what_the_areas_households_realised(programme, monkeypatch):
    from types import SimpleNamespace

    from calculation import photo

    version, households = programme
    monkeypatch.setattr(photo, "programme_run", lambda: SimpleNamespace(scenario_version=version))
    wijk_a = households["H1"][0].area
    # Wijk A: H1 and H5 two full years each (1,000 + 800), H3 none yet; society, attributable.
    assert photo.realised_in([wijk_a.pk], REFERENCE).realised_returns == pytest.approx(
        3600.0 * 0.75
    )
    monkeypatch.setattr(photo, "programme_run", lambda: None)
    assert photo.realised_in([wijk_a.pk], REFERENCE).realised_returns is None


def test_only_events_within_the_horizon_are_the_exploitations_return(programme):
    version, households = programme
    household, _intervention = households["H2"]
    OutcomeEvent.objects.create(
        household=household,
        outcome=OutcomeEvent.objects.first().outcome,
        date=date(2021, 5, 1),  # before the exploitation's first year (2023)
        evidence=EvidenceSource.REGISTRATION,
    )
    assert realised_returns(version, reference=REFERENCE).society == pytest.approx(4600.0)
    # Beyond the last year (2032) nothing more is counted.
    late = realised_returns(version, reference=date(2040, 1, 1))
    assert late.reference == date(2032, 12, 31)
