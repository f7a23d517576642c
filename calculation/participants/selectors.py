"""Reads of participant-level returns: per household (and per household and intervention type)
the expected benefits and costs of its registered interventions from a finished run's unit
returns, and the benefits its outcome events realised so far. Vectorised: one query per table,
the arithmetic in numpy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd  # type: ignore[import-untyped]  # no stubs in the pinned set
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    FloatField,
    IntegerField,
    Max,
    Q,
)
from django.db.models.functions import Cast, ExtractYear

from interventions.catalogue.models import InterventionType
from interventions.followup.models import OutcomeEvent
from interventions.register.models import Household, Intervention, InterventionStatus

from ..household_returns import unit_returns_of
from ..models import CalculationRun, ScenarioVersion
from ..realised.selectors import fetch_rows, realised_returns

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


def _households(version: ScenarioVersion) -> pd.DataFrame:
    """The households participating within the version's horizon: their wijk and cohort (the
    year their participation started)."""
    rows = (
        Household.objects.filter(participation_start__year__lte=version.end_year)
        .filter(
            Q(participation_end__isnull=True) | Q(participation_end__year__gte=version.start_year)
        )
        .annotate(cohort=Cast(ExtractYear("participation_start"), IntegerField()))
        .order_by("pk")
        .values_list("pk", "area__code", "cohort")
    )
    frame = pd.DataFrame.from_records(fetch_rows(rows), columns=["household", "area", "cohort"])
    return frame.astype({"household": "int64", "cohort": "int64"})


def _unit_costs(version: ScenarioVersion) -> dict[str, float]:
    """The unit cost of each intervention type in the version's frozen catalogue."""
    return {
        item["code"]: float(item.get("unit_cost") or 0.0)
        for item in (version.catalogue or {}).get("intervention_types", [])
    }


@dataclass(frozen=True)
class _Interventions:
    """The counted interventions as columns: household id, position of the type in ``codes``,
    expected benefits, cost, and whether started by the reference date."""

    household: np.ndarray
    type: np.ndarray
    expected_benefits: np.ndarray
    cost: np.ndarray
    started: np.ndarray
    codes: np.ndarray


def _interventions(
    version: ScenarioVersion, run: CalculationRun, reference: date
) -> _Interventions:
    """The registered interventions the calculation counts (started within the horizon, not
    planned), each with its expected benefits (the run's unit return of its type and start year;
    nothing for a stopped one, as in the calculation) and its cost (the actual cost where entered,
    else the catalogue's unit cost). ``started`` marks those started by ``reference``. One query
    of plain numbers (the type by its id, no join, no order), the rest in numpy."""
    rows = (
        Intervention.objects.filter(
            start_date__year__gte=version.start_year, start_date__year__lte=version.end_year
        )
        .exclude(status=InterventionStatus.PLANNED)
        .order_by()
        .annotate(
            year=Cast(ExtractYear("start_date"), IntegerField()),
            actual=Cast("actual_cost", FloatField()),
            started=ExpressionWrapper(Q(start_date__lte=reference), output_field=BooleanField()),
            stopped=ExpressionWrapper(
                Q(status=InterventionStatus.STOPPED), output_field=BooleanField()
            ),
        )
        .values_list("household_id", "intervention_type_id", "year", "stopped", "actual", "started")
    )
    data = fetch_rows(rows)
    types = list(InterventionType.objects.order_by("pk").values_list("pk", "code", "unit_cost"))
    codes = np.array([code for _pk, code, _cost in types] + [""], dtype=object)
    if not data:
        empty = np.zeros(0)
        return _Interventions(
            empty.astype(np.int64), empty.astype(np.int64), empty, empty, empty.astype(bool), codes
        )
    # Every value is a number, a truth value or None (no actual cost): one float array, in C.
    table = np.array(data, dtype=float)
    household, type_id, year, stopped, actual, started = table.T
    # The position of each type in ``codes`` (its id looked up; the last, "", for none).
    position = np.full(max(int(type_id.max()), max((t[0] for t in types), default=0)) + 1, -1)
    position[[pk for pk, _code, _cost in types]] = np.arange(len(types))
    kind = position[type_id.astype(np.int64)]
    kind = np.where(kind < 0, len(types), kind)
    # The run's unit return per type and start year, the catalogue's unit cost per type.
    first_year = version.start_year
    unit = np.zeros((len(codes), version.end_year - first_year + 1))
    index = {code: i for i, code in enumerate(codes[:-1])}
    for (code, each), row in unit_returns_of(run.pk, run.finished_at).items():
        if code in index and first_year <= each <= version.end_year:
            unit[index[code], each - first_year] = row["benefits"]
    frozen = _unit_costs(version)
    unit_cost = np.array(
        [
            frozen[code] if code in frozen else float(cost if cost is not None else np.nan)
            for _pk, code, cost in types
        ]
        + [np.nan]
    )
    stopped = stopped.astype(bool)
    expected = np.where(stopped, 0.0, unit[kind, year.astype(np.int64) - first_year])
    cost = np.where(np.isnan(actual), unit_cost[kind], actual)
    return _Interventions(
        household=household.astype(np.int64),
        type=kind,
        expected_benefits=expected,
        cost=np.nan_to_num(cost, nan=0.0),
        started=started.astype(bool),
        codes=codes,
    )


def participant_returns(
    version: ScenarioVersion, run: CalculationRun, *, reference: date
) -> ParticipantReturns:
    """What ``run`` (a finished run of ``version``) expects each participating household's
    interventions to bring over the horizon, and what its outcome events realised by
    ``reference`` (attributable, society totals: transfers left out), valued with the version's
    frozen catalogue. A household without a counted intervention or event has no return."""
    households = _households(version)
    ids = households["household"].to_numpy()
    n = len(ids)
    found = _interventions(version, run, reference)
    # Each intervention's household as its row in ``households``; those outside are left out.
    at = np.searchsorted(ids, found.household)
    inside = (at < n) & (ids[np.minimum(at, n - 1)] == found.household) if n else at < 0
    at, kind = at[inside], found.type[inside]
    benefits, cost = found.expected_benefits[inside], found.cost[inside]
    so_far = np.where(found.started[inside], cost, 0.0)
    realised = realised_returns(version, reference=reference).frame
    gained_at = np.searchsorted(ids, realised["household"].to_numpy(dtype=np.int64))
    gained = realised["society_attributable"].to_numpy(dtype=float)
    gained_inside = (
        (gained_at < n) & (ids[np.minimum(gained_at, n - 1)] == realised["household"].to_numpy())
        if n
        else gained_at < 0
    )
    gained_at, gained = gained_at[gained_inside], gained[gained_inside]

    def per_household(weights: np.ndarray, rows: np.ndarray) -> np.ndarray:
        return np.bincount(rows, weights=weights, minlength=n)[:n] if n else np.zeros(0)

    households["expected_benefits"] = per_household(benefits, at)
    households["expected_costs"] = per_household(cost, at)
    households["realised_benefits"] = per_household(gained, gained_at)
    households["realised_costs"] = per_household(so_far, at)
    # Per type: the household's interventions of that type and the events attributed to them;
    # an event linked to no intervention (or to a type the household did not receive) is left out.
    width = len(found.codes)
    pair_key = at * width + kind
    received, pair = np.unique(pair_key, return_inverse=True)
    index = {code: i for i, code in enumerate(found.codes[:-1])}
    gained_kind = (
        realised["intervention_type"][gained_inside].map(index).fillna(-1).to_numpy(dtype=np.int64)
    )
    gained_key = np.where(gained_kind >= 0, gained_at * width + gained_kind, -1)
    where = np.searchsorted(received, gained_key)
    matched = (where < len(received)) & (
        received[np.minimum(where, len(received) - 1)] == gained_key
    )
    size = len(received)

    def per_pair(weights: np.ndarray, rows: np.ndarray) -> np.ndarray:
        return np.bincount(rows, weights=weights, minlength=size)[:size] if size else np.zeros(0)

    pairs = pd.DataFrame(
        {
            "household": ids[received // width] if size else np.zeros(0, dtype=np.int64),
            "intervention_type": found.codes[received % width],
            "expected_benefits": per_pair(benefits, pair.ravel()),
            "expected_costs": per_pair(cost, pair.ravel()),
            "realised_benefits": per_pair(gained[matched], where[matched]),
            "realised_costs": per_pair(so_far, pair.ravel()),
        },
        columns=list(PAIR_COLUMNS),
    )
    return ParticipantReturns(
        version=version,
        run=run,
        reference=reference,
        households=households[list(HOUSEHOLD_COLUMNS)].astype({"cohort": np.int64}),
        pairs=pairs,
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
