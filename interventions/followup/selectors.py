"""Reads of the participant follow-up: a household's follow-up for its page, and the aggregates
other parts build on (transitions between assessment levels per domain, outcome events per
outcome), counted per cohort (the year participation started)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import pandas as pd  # type: ignore[import-untyped]  # no stubs in the pinned set
from django.db.models import Count
from django.db.models.functions import ExtractYear

from interventions.register.models import Household

from .models import (
    Assessment,
    Instrument,
    InstrumentDomain,
    InstrumentLevel,
    OutcomeEvent,
    SurveyResponse,
)


@dataclass
class DomainRow:
    """One domain of an instrument on the household page: its score at each assessment, the
    first and the latest score, and the change between them."""

    domain: InstrumentDomain
    scores: list[int | None]
    first: int | None
    latest: int | None

    @property
    def change(self) -> int | None:
        if self.first is None or self.latest is None:
            return None
        return self.latest - self.first


@dataclass
class InstrumentHistory:
    """A household's assessments on one instrument, oldest first, as a table by domain."""

    instrument: Instrument
    assessments: list[Assessment]
    rows: list[DomainRow]
    levels: dict[int, InstrumentLevel]


@dataclass
class HouseholdFollowUp:
    histories: list[InstrumentHistory]
    surveys: list[SurveyResponse]
    events: list[OutcomeEvent]
    instruments: list[Instrument] = field(default_factory=list)

    def record_ids(self) -> dict[str, list[int]]:
        """The ids shown, per kind of record, for the access log."""
        return {
            "interventions.assessment": [
                a.pk for history in self.histories for a in history.assessments
            ],
            "interventions.surveyresponse": [s.pk for s in self.surveys],
            "interventions.outcomeevent": [e.pk for e in self.events],
        }


def instruments() -> list[Instrument]:
    return list(Instrument.objects.prefetch_related("domains", "levels"))


def _first_scored(values: list[int | None]) -> int | None:
    return next((v for v in values if v is not None), None)


def household_follow_up(household: Household) -> HouseholdFollowUp:
    """A household's follow-up: per instrument its assessments (a table by domain, first against
    latest score), its survey waves and its outcome events, each oldest first."""
    all_instruments = instruments()
    assessments = list(
        Assessment.objects.filter(household=household)
        .select_related("created_by", "updated_by")
        .order_by("date", "id")
    )
    histories = []
    for instrument in all_instruments:
        own = [a for a in assessments if a.instrument_id == instrument.pk]
        if not own:
            continue
        rows = []
        for domain in instrument.domains.all():
            scores = [a.scores.get(domain.code) for a in own]
            rows.append(
                DomainRow(
                    domain=domain,
                    scores=scores,
                    first=_first_scored(scores),
                    latest=_first_scored(scores[::-1]),
                )
            )
        histories.append(
            InstrumentHistory(
                instrument=instrument,
                assessments=own,
                rows=rows,
                levels={level.score: level for level in instrument.levels.all()},
            )
        )
    surveys = list(
        SurveyResponse.objects.filter(household=household)
        .select_related("most_valuable_help__intervention_type")
        .order_by("wave")
    )
    events = list(
        OutcomeEvent.objects.filter(household=household)
        .select_related("outcome", "intervention__intervention_type")
        .order_by("date", "id")
    )
    return HouseholdFollowUp(
        histories=histories, surveys=surveys, events=events, instruments=all_instruments
    )


TRANSITION_COLUMNS = ["cohort", "domain", "from_score", "to_score", "households"]


def assessment_transitions(
    *, instrument: Instrument, start: date | None = None, end: date | None = None
) -> pd.DataFrame:
    """How many households moved from one level to another per domain, per cohort (the year
    their participation started).

    Per household and domain, "from" is the score of the latest assessment on or before ``start``
    (without ``start``: the first assessment) and "to" that of the latest on or before ``end``
    (without ``end``: the last). A household counts when both exist and are different assessments
    with the domain scored. Columns: cohort, domain (code), from_score, to_score, households.
    """
    rows = (
        Assessment.objects.filter(instrument=instrument)
        .annotate(cohort=ExtractYear("household__participation_start"))
        .order_by("household_id", "date", "id")
        .values_list("household_id", "cohort", "date", "id", "scores")
    )
    if end is not None:
        rows = rows.filter(date__lte=end)
    counts: Counter = Counter()
    current: list = []

    def settle(group: list) -> None:
        if not group:
            return
        if start is None:
            before = group[0]
        else:
            earlier = [row for row in group if row[2] <= start]
            if not earlier:
                return
            before = earlier[-1]
        after = group[-1]
        if after[3] == before[3]:
            return
        for code, score in before[4].items():
            later = after[4].get(code)
            if score is not None and later is not None:
                counts[(before[1], code, score, later)] += 1

    for row in rows.iterator(chunk_size=5000):
        if current and current[-1][0] != row[0]:
            settle(current)
            current = []
        current.append(row)
    settle(current)
    frame = pd.DataFrame(
        [(*key, n) for key, n in sorted(counts.items())], columns=TRANSITION_COLUMNS
    )
    return frame.astype({"households": "int64"}) if len(frame) else frame


def events_per_outcome(*, start: date | None = None, end: date | None = None) -> pd.DataFrame:
    """Outcome events per outcome and cohort, and how many of them are attributed to an
    intervention. Columns: outcome (code), cohort, events, attributed."""
    events = OutcomeEvent.objects.all()
    if start is not None:
        events = events.filter(date__gte=start)
    if end is not None:
        events = events.filter(date__lte=end)
    rows = (
        events.annotate(cohort=ExtractYear("household__participation_start"))
        .values("outcome__code", "cohort")
        .annotate(events=Count("id"), attributed=Count("intervention"))
        .order_by("outcome__code", "cohort")
    )
    frame = pd.DataFrame(list(rows), columns=["outcome__code", "cohort", "events", "attributed"])
    return frame.rename(columns={"outcome__code": "outcome"})
