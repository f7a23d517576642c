"""The straightforward implementations the participants benchmark compares with (as the return
per household first computed them): secondary suppression that checks every hidden cell from
scratch on each pass and tries every rectangle in turn, the register read with Django's ordering
and pandas merges, and realised returns valued event by event in Python. Run by
bench/participants_bench.py in place of the application's own, in the same process."""

from collections import deque
from collections.abc import Iterable
from datetime import date

import numpy as np
import pandas as pd
from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, FloatField, Q, QuerySet
from django.db.models.functions import Cast, ExtractYear

from calculation.engine import ModelInputs
from calculation.household_returns import unit_returns_of
from calculation.models import CalculationRun, ScenarioVersion
from calculation.participants.selectors import (
    HOUSEHOLD_COLUMNS,
    PAIR_COLUMNS,
    VALUE_COLUMNS,
    ParticipantReturns,
)
from calculation.realised.arithmetic import (
    Event,
    _benefit_index,
    _persistence_row,
    _value_rows,
    full_years,
)
from calculation.realised.selectors import UNKNOWN, _frame, version_inputs
from interventions.followup.models import OutcomeEvent
from interventions.register.models import Household, Intervention, InterventionStatus
from monitoring.suppression import _signs

# --- secondary suppression ------------------------------------------------------------------------


def table_mask(counts, threshold: int) -> np.ndarray:
    """Cells to hide in a two-way table shown with its row, column and grand totals.

    Returns the mask of the augmented table: the last column holds the row totals, the last row
    the column totals, the corner the grand total. Secondary cells are added as rectangles of four
    hidden cells (the cheapest first, inner cells before totals) until ``_protected`` holds for
    every hidden cell."""
    inner = np.asarray(counts, dtype=float)
    rows, columns = inner.shape
    augmented = np.zeros((rows + 1, columns + 1))
    augmented[:rows, :columns] = inner
    augmented[:rows, columns] = inner.sum(axis=1)
    augmented[rows, :columns] = inner.sum(axis=0)
    augmented[rows, columns] = inner.sum()
    hidden = augmented < threshold
    if augmented[rows, columns] < threshold:
        return np.ones_like(hidden)
    upper = np.where(augmented < threshold, threshold - 1, np.inf)
    while True:
        loose = [
            (i, j)
            for i, j in zip(*np.nonzero(hidden), strict=True)
            if not _protected(i, j, augmented, hidden, upper)
        ]
        if not loose:
            return hidden
        i, j = loose[0]
        rectangle = _cheapest_rectangle(i, j, augmented, hidden, upper)
        if rectangle is None:
            return np.ones_like(hidden)
        for cell in rectangle:
            hidden[cell] = True


def _protected(i: int, j: int, augmented, hidden, upper) -> bool:
    """Whether hidden cell (i, j) can take another value with every published figure unchanged:
    the case exactly when it lies on a cycle of hidden cells (rows and columns as nodes) along
    which the values can alternately go up and down by one, within their bounds."""
    up, down = _signs(augmented, upper)
    for rising, falling in ((up, down), (down, up)):
        if rising[i, j] and _path(j, i, (i, j), hidden, rising, falling):
            return True
    return False


def _path(column: int, row: int, skip, hidden, rising, falling) -> bool:
    """A path from ``column`` back to ``row`` through hidden cells, leaving a column by a cell
    that falls and a row by one that rises, without the cell ``skip``."""
    start, goal = ("c", column), ("r", row)
    seen = {start}
    queue = deque([start])
    while queue:
        side, index = queue.popleft()
        if (side, index) == goal:
            return True
        if side == "c":
            steps = [
                ("r", r)
                for r in map(int, np.flatnonzero(hidden[:, index] & falling[:, index]))
                if (r, index) != skip
            ]
        else:
            steps = [
                ("c", c)
                for c in map(int, np.flatnonzero(hidden[index, :] & rising[index, :]))
                if (index, c) != skip
            ]
        for node in steps:
            if node not in seen:
                seen.add(node)
                queue.append(node)
    return False


def _cheapest_rectangle(i: int, j: int, augmented, hidden, upper):
    rows, columns = augmented.shape
    up, down = _signs(augmented, upper)
    best, best_cost = None, np.inf
    for k in range(rows):
        for m in range(columns):
            if k == i or m == j:
                continue
            corners = ((i, j), (k, m), (i, m), (k, j))
            feasible = all(up[c] for c in corners[:2]) and all(down[c] for c in corners[2:])
            feasible = feasible or (
                all(down[c] for c in corners[:2]) and all(up[c] for c in corners[2:])
            )
            if not feasible:
                continue
            cost = sum(
                augmented[c] * (1 if c[0] < rows - 1 and c[1] < columns - 1 else 1000)
                for c in corners
                if not hidden[c]
            )
            if cost < best_cost:
                best, best_cost = corners, cost
    return best


# --- realised returns, event by event -------------------------------------------------------------


def _events(*, until: date, since: date) -> list[Event]:
    rows = (
        OutcomeEvent.objects.filter(date__lte=until, date__gte=since)
        .order_by("household_id", "date", "id")
        .values_list(
            "household_id",
            "outcome__code",
            "date",
            "intervention__intervention_type__code",
            "household__area__code",
        )
    )
    return [
        Event(household, outcome, day, type_code or UNKNOWN, area or UNKNOWN)
        for household, outcome, day, type_code, area in rows
    ]


def realised_values(
    inputs: ModelInputs, events: Iterable[Event], reference: date
) -> tuple[list[dict], list[Event]]:
    """Money realised by ``reference`` per event and money value (columns ``VALUE_COLUMNS``), and
    the events the version's catalogue cannot value (an outcome it does not hold)."""
    index = {code: o for o, code in enumerate(inputs.outcomes)}
    rows: list[dict] = []
    unvalued: list[Event] = []
    for event in events:
        o = index.get(event.outcome)
        if o is None:
            unvalued.append(event)
            continue
        years = full_years(event.date, reference)
        persist = _persistence_row(inputs, o, years)
        factor = float((persist * _benefit_index(inputs, event.date.year + np.arange(years))).sum())
        base = {
            "household": event.household,
            "outcome": event.outcome,
            "intervention_type": event.intervention_type,
            "area": event.area,
        }
        rows.extend(_value_rows(inputs, o, factor, base))
    return rows, unvalued


def realised_frame(version, *, reference: date) -> pd.DataFrame:
    inputs = version_inputs(version)
    start = date(version.start_year, 1, 1)
    reference = min(reference, date(version.start_year + version.horizon_years - 1, 12, 31))
    rows, _unvalued = realised_values(inputs, _events(until=reference, since=start), reference)
    return _frame(rows)


# --- the return per household ---------------------------------------------------------------------


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
    realised = realised_frame(version, reference=reference)
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
