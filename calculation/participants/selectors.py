"""Reads of participant-level returns: per household (and per household and intervention type)
the expected benefits and costs of its registered interventions from a finished run's unit
returns, and the benefits its outcome events realised so far. Vectorised: one query per table,
the arithmetic in pandas."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd  # type: ignore[import-untyped]  # no stubs in the pinned set
from django.db import connection
from django.db.models import BooleanField, Count, ExpressionWrapper, FloatField, Max, Q, QuerySet
from django.db.models.functions import Cast, ExtractYear

from interventions.followup.models import OutcomeEvent
from interventions.register.models import Household, Intervention, InterventionStatus

from ..household_returns import unit_returns_of
from ..models import CalculationRun, ScenarioVersion
from ..realised.selectors import realised_returns

#: The amounts of a household (or a household's interventions of one type).
VALUE_COLUMNS = ("expected_benefits", "expected_costs", "realised_benefits", "realised_costs")
HOUSEHOLD_COLUMNS = ("household", "area", "cohort", *VALUE_COLUMNS)
PAIR_COLUMNS = ("household", "intervention_type", *VALUE_COLUMNS)


@dataclass(frozen=True)
class ParticipantReturns:
    """Per household and per (household, intervention type) what is expected and realised."""

    version: ScenarioVersion
    run: CalculationRun
    reference: date
    households: pd.DataFrame
    pairs: pd.DataFrame


def _tuples(rows: QuerySet) -> list[tuple]:
    """The rows of ``rows`` (a ``values_list``) as the database driver returns them: Django's
    per-value converters cost more than the query for 150,000 rows, and these values (numbers,
    codes, truth values) need none."""
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _households(version: ScenarioVersion) -> pd.DataFrame:
    """The households participating within the version's horizon: their wijk and cohort (the
    year their participation started)."""
    rows = (
        Household.objects.filter(participation_start__year__lte=version.end_year)
        .filter(
            Q(participation_end__isnull=True) | Q(participation_end__year__gte=version.start_year)
        )
        .annotate(cohort=ExtractYear("participation_start"))
        .values_list("pk", "area__code", "cohort")
    )
    frame = pd.DataFrame.from_records(_tuples(rows), columns=["household", "area", "cohort"])
    # PostgreSQL's EXTRACT gives a numeric (a Decimal without Django's converter).
    return frame.astype({"cohort": "int64"})


def _unit_costs(version: ScenarioVersion) -> dict[str, float]:
    """The unit cost of each intervention type in the version's frozen catalogue."""
    return {
        item["code"]: float(item.get("unit_cost") or 0.0)
        for item in (version.catalogue or {}).get("intervention_types", [])
    }


def _interventions(version: ScenarioVersion, run: CalculationRun, reference: date) -> pd.DataFrame:
    """The registered interventions the calculation counts (started within the horizon, not
    planned), each with its expected benefits (the run's unit return of its type and start year;
    nothing for a stopped one, as in the calculation) and its cost (the actual cost where entered,
    else the catalogue's unit cost). ``started`` marks those started by ``reference``."""
    # Years, costs and flags are worked out by PostgreSQL: plain numbers cross to pandas fast.
    rows = (
        Intervention.objects.filter(
            start_date__year__gte=version.start_year, start_date__year__lte=version.end_year
        )
        .exclude(status=InterventionStatus.PLANNED)
        .annotate(
            year=ExtractYear("start_date"),
            actual=Cast("actual_cost", FloatField()),
            live_cost=Cast("intervention_type__unit_cost", FloatField()),
            started=ExpressionWrapper(Q(start_date__lte=reference), output_field=BooleanField()),
            stopped=ExpressionWrapper(
                Q(status=InterventionStatus.STOPPED), output_field=BooleanField()
            ),
        )
        .values_list(
            "household_id",
            "intervention_type__code",
            "year",
            "stopped",
            "actual",
            "live_cost",
            "started",
        )
    )
    frame = pd.DataFrame.from_records(
        _tuples(rows),
        columns=[
            "household",
            "intervention_type",
            "year",
            "stopped",
            "actual",
            "live_cost",
            "started",
        ],
    )
    if frame.empty:
        return frame.assign(expected_benefits=[], cost=[])
    frame["year"] = frame["year"].astype("int64")
    # SQLite gives the flags as 0 and 1.
    frame[["stopped", "started"]] = frame[["stopped", "started"]].astype(bool)
    units = unit_returns_of(run.pk, run.finished_at)
    unit = pd.DataFrame(
        [(code, year, row["benefits"]) for (code, year), row in units.items()],
        columns=["intervention_type", "year", "unit_benefits"],
    )
    frame = frame.merge(unit, on=["intervention_type", "year"], how="left")
    stopped = frame["stopped"].astype(bool)
    frame["expected_benefits"] = frame["unit_benefits"].fillna(0.0).where(~stopped, 0.0)
    catalogue = frame["intervention_type"].map(_unit_costs(version))
    fallback = catalogue.fillna(frame["live_cost"].astype(float))
    frame["cost"] = frame["actual"].astype(float).fillna(fallback).fillna(0.0)
    return frame


def _amounts(interventions: pd.DataFrame, realised: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Expected benefits and costs, realised benefits and the costs so far, summed by ``keys``."""
    started_cost = interventions["cost"].where(interventions["started"], 0.0)
    expected = (
        interventions.assign(realised_costs=started_cost)
        .groupby(keys, sort=False)
        .agg(
            expected_benefits=("expected_benefits", "sum"),
            expected_costs=("cost", "sum"),
            realised_costs=("realised_costs", "sum"),
        )
    )
    gained = realised.groupby(keys, sort=False)["society_attributable"].sum()
    return expected.join(gained.rename("realised_benefits"), how="outer").fillna(0.0)


def participant_returns(
    version: ScenarioVersion, run: CalculationRun, *, reference: date
) -> ParticipantReturns:
    """What ``run`` (a finished run of ``version``) expects each participating household's
    interventions to bring over the horizon, and what its outcome events realised by
    ``reference`` (attributable, society totals: transfers left out), valued with the version's
    frozen catalogue. A household without a counted intervention or event has no return."""
    households = _households(version)
    scope = households["household"]
    interventions = _interventions(version, run, reference)
    interventions = interventions[interventions["household"].isin(scope)]
    realised = realised_returns(version, reference=reference).frame
    realised = realised[realised["household"].isin(scope)][
        ["household", "intervention_type", "society_attributable"]
    ]
    per_household = _amounts(interventions, realised, ["household"])
    households = households.merge(per_household, left_on="household", right_index=True, how="left")
    households[list(VALUE_COLUMNS)] = households[list(VALUE_COLUMNS)].fillna(0.0)
    # Per type: the household's interventions of that type and the events attributed to them;
    # an event linked to no intervention (or to a type the household did not receive) is left out.
    pairs = _amounts(interventions, realised, ["household", "intervention_type"])
    received = pd.MultiIndex.from_frame(
        interventions[["household", "intervention_type"]].drop_duplicates()
    )
    pairs = pairs[pairs.index.isin(received)].reset_index()
    return ParticipantReturns(
        version=version,
        run=run,
        reference=reference,
        households=households[list(HOUSEHOLD_COLUMNS)].astype({"cohort": np.int64}),
        pairs=pairs.reindex(columns=list(PAIR_COLUMNS)),
    )


def register_stamp() -> str:
    """A mark that changes whenever a household, an intervention or an outcome event is added,
    changed or removed: part of the key under which a distribution is cached."""
    marks = []
    for model in (Household, Intervention, OutcomeEvent):
        figures = model.objects.aggregate(n=Count("pk"), last=Max("pk"), changed=Max("updated_at"))
        changed = figures["changed"].timestamp() if figures["changed"] else 0
        marks.append(f"{figures['n']}.{figures['last']}.{changed}")
    return "-".join(marks)
