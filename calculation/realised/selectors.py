"""Reads of realised returns (DESIGN §4 participant-level returns, §5): outcome events valued
with a scenario version's frozen catalogue, the realisation degree against the forecast for the
same households, transitions between assessment levels per cohort, and the comparison group.
See ``docs/realised-returns.md``."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd  # type: ignore[import-untyped]  # no stubs in the pinned set
from django.db import connection
from django.db.models import Count, QuerySet
from django.db.models.functions import ExtractYear
from django.utils import timezone

from interventions.followup.models import Instrument, OutcomeEvent
from interventions.followup.selectors import assessment_transitions
from interventions.register.models import Household, Intervention, InterventionStatus
from monitoring.indicators.models import Indicator, Unit
from monitoring.indicators.selectors import indicator_series
from monitoring.models import Area, AreaLevel

from ..engine import ModelInputs
from ..models import ComparisonBase, ScenarioVersion
from ..scenario import parse_scenario
from ..selectors import scenario_document
from .arithmetic import (
    EVENT_COLUMNS,
    VALUE_COLUMNS,
    Event,
    Started,
    forecast_values,
    observed_deadweight,
    realised_frame,
    realised_values,
)

#: The breakdowns of realised returns, each a column of the valued rows.
BREAKDOWNS = ("household", "intervention_type", "area", "actor", "domain", "outcome")
#: Shown when an event is attributed to no intervention, or a household has no area.
UNKNOWN = ""


def default_reference() -> date:
    """Realised so far: up to today."""
    return timezone.localdate()


def version_inputs(version: ScenarioVersion) -> ModelInputs:
    """The engine inputs of ``version``'s frozen catalogue (with its overrides)."""
    return parse_scenario(scenario_document(version, include_registered=False)).inputs


def fetch_rows(rows: QuerySet) -> list[tuple]:
    """The rows of ``rows`` (a ``values_list``) as the database driver returns them: Django's
    per-value converters cost more than the query for 150,000 rows, and these values (numbers,
    codes, dates, truth values) need none."""
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _event_rows(
    *, until: date, since: date | None = None, households: list[int] | None = None
) -> QuerySet:
    events = OutcomeEvent.objects.filter(date__lte=until)
    if since is not None:
        events = events.filter(date__gte=since)
    if households is not None:
        events = events.filter(household_id__in=households)
    return events.order_by("household_id", "date", "id").values_list(
        "household_id",
        "outcome__code",
        "date",
        "intervention__intervention_type__code",
        "household__area__code",
    )


def _events(
    *, until: date, since: date | None = None, households: list[int] | None = None
) -> list[Event]:
    rows = _event_rows(until=until, since=since, households=households)
    return [
        Event(household, outcome, day, type_code or UNKNOWN, area or UNKNOWN)
        for household, outcome, day, type_code, area in rows
    ]


def _events_frame(
    *, until: date, since: date | None = None, households: list[int] | None = None
) -> pd.DataFrame:
    """``_events`` as a frame of ``EVENT_COLUMNS``, read in one query without model instances."""
    rows = fetch_rows(_event_rows(until=until, since=since, households=households))
    frame = pd.DataFrame.from_records(rows, columns=EVENT_COLUMNS)
    frame["household"] = frame["household"].astype("int64")
    frame["date"] = np.asarray(frame["date"].tolist(), dtype="datetime64[D]")
    for column in ("intervention_type", "area"):
        frame[column] = frame[column].fillna(UNKNOWN)
    return frame


def _started(
    version: ScenarioVersion, reference: date, households: list[int] | None = None
) -> list[Started]:
    """The registered interventions the forecast counts: started within the horizon before the
    reference date; planned ones have not started and stopped ones bring no effect (as in the
    calculation)."""
    interventions = Intervention.objects.filter(
        start_date__year__gte=version.start_year,
        start_date__year__lte=version.end_year,
        start_date__lt=reference,
    ).exclude(status__in=[InterventionStatus.PLANNED, InterventionStatus.STOPPED])
    if households is not None:
        interventions = interventions.filter(household_id__in=households)
    rows = interventions.values_list(
        "household_id", "intervention_type__code", "start_date", "household__area__code"
    )
    return [
        Started(household, code, start.year, area or UNKNOWN)
        for household, code, start, area in rows
    ]


def _frame(rows: list[dict]) -> pd.DataFrame:
    return _with_society(pd.DataFrame(rows, columns=VALUE_COLUMNS))


def _with_society(frame: pd.DataFrame) -> pd.DataFrame:
    """Valued rows with their society totals: transfer-flagged values left out."""
    frame["society"] = frame["gross"].where(~frame["transfer"].astype(bool), 0.0)
    frame["society_attributable"] = frame["attributable"].where(
        ~frame["transfer"].astype(bool), 0.0
    )
    return frame


def _totals(frame: pd.DataFrame, by: str) -> list[dict]:
    """Totals per ``by``: per actor its own view (transfers included), else society totals
    (transfers left out, as the engine's society totals)."""
    if frame.empty:
        return []
    own = by == "actor"
    grouped = frame.groupby(by, sort=True).agg(
        gross=("gross" if own else "society", "sum"),
        attributable=("attributable" if own else "society_attributable", "sum"),
        households=("household", "nunique"),
    )
    return [
        {
            by: key,
            **{name: float(value) for name, value in row.items() if name != "households"},
            "households": int(row["households"]),
        }
        for key, row in grouped.iterrows()
    ]


@dataclass
class RealisedReturns:
    """Realised returns of a version by a reference date (gerealiseerd rendement)."""

    version: ScenarioVersion
    reference: date
    frame: pd.DataFrame
    unvalued: list[Event]

    @property
    def society(self) -> float:
        return float(self.frame["society"].sum()) if len(self.frame) else 0.0

    @property
    def society_attributable(self) -> float:
        return float(self.frame["society_attributable"].sum()) if len(self.frame) else 0.0

    def totals(self, by: str) -> list[dict]:
        return _totals(self.frame, by)

    def as_dict(self, breakdowns=BREAKDOWNS) -> dict[str, Any]:
        return {
            "version": self.version.pk,
            "reference_date": self.reference,
            "society": self.society,
            "society_attributable": self.society_attributable,
            "events_not_valued": len(self.unvalued),
            **{f"by_{by}": self.totals(by) for by in breakdowns},
        }


def realised_returns(
    version: ScenarioVersion, *, reference: date, households: list[int] | None = None
) -> RealisedReturns:
    """Outcome events within the version's horizon up to ``reference`` (of ``households``, or
    all) valued with ``version``'s frozen catalogue: per event and money value what it realised
    so far. An event before the exploitation's first year is not its return, and nothing counts
    beyond its last year."""
    inputs = version_inputs(version)
    start = date(version.start_year, 1, 1)
    reference = min(reference, date(version.start_year + version.horizon_years - 1, 12, 31))
    events = _events_frame(until=reference, since=start, households=households)
    rows, valued = realised_frame(inputs, events, reference)
    unvalued = [
        Event(row.household, row.outcome, row.date.date(), row.intervention_type, row.area)
        for row in events[~valued].itertuples(index=False)
    ]
    return RealisedReturns(version, reference, _with_society(rows), unvalued)


def realisation_degree(
    version: ScenarioVersion, *, reference: date, households: list[int] | None = None
) -> dict[str, Any]:
    """Realised against forecast for the same households and period (realisatiegraad): the
    households with an intervention the forecast counts, their events from the version's start
    up to ``reference``; both after attribution and displacement, before deadweight and the
    optimism-bias cut (society totals). Per outcome and in total; the degree is None where
    nothing was forecast."""
    inputs = version_inputs(version)
    started = _started(version, reference, households)
    scope = sorted({item.household for item in started})
    forecast = _frame(forecast_values(inputs, started, reference))
    rows, _unvalued = realised_values(
        inputs,
        _events(until=reference, since=date(version.start_year, 1, 1), households=scope),
        reference,
    )
    realised = _frame(rows)
    per_outcome: dict[str, dict[str, float]] = defaultdict(
        lambda: {"realised": 0.0, "forecast": 0.0}
    )
    for name, frame in (("realised", realised), ("forecast", forecast)):
        for outcome, value in frame.groupby("outcome")["society_attributable"].sum().items():
            per_outcome[outcome][name] += float(value)
    # The households each outcome's realised value rests on (for disclosure control).
    reached = realised.groupby("outcome")["household"].nunique().to_dict()
    order = {code: i for i, code in enumerate(inputs.outcomes)}
    outcomes = [
        {
            "outcome": code,
            **values,
            "degree": _degree(values["realised"], values["forecast"]),
            "households": int(reached.get(code, 0)),
        }
        for code, values in sorted(per_outcome.items(), key=lambda kv: order.get(kv[0], 1 << 30))
    ]
    total_realised = sum(values["realised"] for values in per_outcome.values())
    total_forecast = sum(values["forecast"] for values in per_outcome.values())
    return {
        "version": version.pk,
        "reference_date": reference,
        "households": len(scope),
        "outcomes": outcomes,
        "realised": total_realised,
        "forecast": total_forecast,
        "degree": _degree(total_realised, total_forecast),
    }


def _degree(realised: float, forecast: float) -> float | None:
    return realised / forecast if forecast else None


def transition_matrices(*, instrument: Instrument) -> list[dict[str, Any]]:
    """Per domain and cohort a matrix from-level × to-level (first against latest assessment):
    ``matrix[i][j]`` households moved from the i-th to the j-th score of the instrument."""
    frame = assessment_transitions(instrument=instrument)
    scores = list(range(instrument.min_score, instrument.max_score + 1))
    names = {domain.code: domain.name for domain in instrument.domains.all()}
    matrices: list[dict[str, Any]] = []
    if frame.empty:
        return matrices
    for (domain, cohort), group in frame.groupby(["domain", "cohort"], sort=True):
        matrix = [[0 for _ in scores] for _ in scores]
        for row in group.itertuples():
            matrix[scores.index(row.from_score)][scores.index(row.to_score)] += int(row.households)
        matrices.append(
            {
                "domain": domain,
                "domain_name": names.get(domain, domain),
                "cohort": int(cohort),
                "scores": scores,
                "matrix": matrix,
                "households": int(group["households"].sum()),
            }
        )
    return matrices


_RATE_SCALE: dict[str, float] = {Unit.PERCENTAGE.value: 100.0, Unit.PER_1000.value: 1000.0}


def _base_rates(base: ComparisonBase) -> dict[int, float]:
    """The non-participants' rate per year from the mapped indicator, as a fraction."""
    indicator = Indicator.objects.filter(code=base.indicator_code).order_by("-version").first()
    if indicator is None or indicator.unit not in _RATE_SCALE:
        return {}
    scale = _RATE_SCALE[indicator.unit]
    return {
        point.period: float(point.value) / scale
        for point in indicator_series(code=base.indicator_code, area_code=base.area_code)
        if point.value is not None
    }


def _participants(area_code: str) -> Any:
    households = Household.objects.all()
    area = Area.objects.filter(code=area_code.strip().upper()).order_by("-year").first()
    if area is not None and area.level != AreaLevel.MUNICIPALITY:
        households = households.filter(area__code=area.code)
    return households


def participant_rate(*, outcome_code: str, year: int, area_code: str) -> tuple[int, int]:
    """(households with the outcome in ``year``, households participating in ``year``) in the
    area (all participants for a municipality)."""
    households = (
        _participants(area_code)
        .filter(participation_start__year__lte=year)
        .exclude(participation_end__year__lt=year)
    )
    with_outcome = (
        OutcomeEvent.objects.filter(
            outcome__code=outcome_code, date__year=year, household__in=households
        )
        .values("household_id")
        .distinct()
        .count()
    )
    return with_outcome, households.count()


def comparison_group(version: ScenarioVersion) -> list[dict[str, Any]]:
    """Per mapped outcome and year: the participants' rate, the non-participants' rate from the
    indicator, the OBSERVED deadweight (capped 0 … 1) and the catalogue's ASSUMED deadweight."""
    inputs = version_inputs(version)
    assumed = {code: float(inputs.outcome_deadweight[o]) for o, code in enumerate(inputs.outcomes)}
    rows = []
    for base in ComparisonBase.objects.all():
        for year, base_rate in sorted(_base_rates(base).items()):
            events, participants = participant_rate(
                outcome_code=base.outcome_code, year=year, area_code=base.area_code
            )
            rate = events / participants if participants else None
            rows.append(
                {
                    "outcome": base.outcome_code,
                    "indicator": base.indicator_code,
                    "area": base.area_code,
                    "year": year,
                    "participants": participants,
                    "participants_with_outcome": events,
                    "participant_rate": rate,
                    "non_participant_rate": base_rate,
                    "observed_deadweight": observed_deadweight(base_rate, rate)
                    if rate is not None
                    else None,
                    "assumed_deadweight": assumed.get(base.outcome_code),
                }
            )
    return rows


def realised_outcome_counts(*, start_year: int, last_year: int) -> list[dict]:
    """Outcome events per outcome and calendar year (rows of outcome code, year and count), for a
    revision's past years."""
    rows = (
        OutcomeEvent.objects.filter(date__year__gte=start_year, date__year__lte=last_year)
        .annotate(year=ExtractYear("date"))
        .values("outcome__code", "year")
        .annotate(count=Count("id"))
        .order_by("outcome__code", "year")
    )
    return [
        {"outcome": row["outcome__code"], "year": row["year"], "count": row["count"]}
        for row in rows
    ]
