"""The arithmetic of realised and forecast returns per household (pure: no database).

The rule (``docs/realised-returns.md``): an outcome event on date d realises, in each FULL year u
after d that has passed by the reference date R (u = 0, 1, …, below the outcome's duration D),
``V · ρ(u) · (1−δ)^u · I_b`` per money value V of the outcome, with ρ the ramp-up and δ the
drop-off as in the engine. The event date is when the outcome happened, so the catalogue's lag (the
expected time from the start of an intervention to the outcome) is not added again. The forecast
of a household's intervention started in year c puts ``p · V · P(t − c − lag)`` in calendar year t,
as the engine does, and is cut to the calendar years finished before R.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd  # type: ignore[import-untyped]  # no stubs in the pinned set

from ..engine import ModelInputs, persistence

#: Columns of a frame of valued rows (one row per event or forecast link and money value).
VALUE_COLUMNS = [
    "household",
    "outcome",
    "domain",
    "intervention_type",
    "area",
    "actor",
    "value_type",
    "transfer",
    "gross",
    "attributable",
]


@dataclass(frozen=True)
class Event:
    """An outcome event as the arithmetic needs it (gerealiseerd effect)."""

    household: int
    outcome: str
    date: date
    intervention_type: str = ""
    area: str = ""


@dataclass(frozen=True)
class Started:
    """A household's registered intervention that the forecast counts."""

    household: int
    intervention_type: str
    year: int
    area: str = ""


def full_years(start: date, end: date) -> int:
    """Whole years from ``start`` to ``end`` (anniversaries passed; 29 February counts on
    28 February in a common year). 0 when ``end`` is before ``start``."""
    if end <= start:
        return 0
    years = end.year - start.year
    try:
        anniversary = start.replace(year=end.year)
    except ValueError:  # 29 February in a common year
        anniversary = date(end.year, 2, 28)
    if anniversary > end:
        years -= 1
    return max(years, 0)


def _benefit_index(inputs: ModelInputs, calendar_years: np.ndarray) -> np.ndarray:
    """I_b for calendar years, as the engine: (1+g)^t from the start year on a nominal basis."""
    if inputs.price_basis == "real":
        return np.ones(len(calendar_years))
    t = np.maximum(calendar_years - inputs.start_year, 0)
    return (1.0 + inputs.benefit_indexation) ** t


def _persistence_row(inputs: ModelInputs, o: int, years: int) -> np.ndarray:
    """P_o(u) for u = 0 … years−1 (the engine's ``persistence`` for one outcome)."""
    if years <= 0:
        return np.zeros(0)
    return persistence(
        inputs.outcome_drop_off[o : o + 1],
        inputs.outcome_duration[o : o + 1],
        inputs.outcome_ramp_up[o : o + 1],
        years,
    )[0]


def _attributable_share(inputs: ModelInputs) -> np.ndarray:
    """(1−A)(1−DS) per outcome: the part of an observed outcome owed to the programme. Deadweight
    is what the comparison group measures, and the optimism-bias cut is for forecasts only."""
    return (1.0 - inputs.outcome_attribution) * (1.0 - inputs.outcome_displacement)


def _value_rows(inputs: ModelInputs, o: int, amount_factor: float, base: dict) -> list[dict]:
    share = _attributable_share(inputs)[o]
    rows = []
    for v in np.flatnonzero(inputs.value_outcome == o):
        gross = float(inputs.value_amount[v] * amount_factor)
        rows.append(
            {
                **base,
                "domain": inputs.domains[int(inputs.outcome_domain[o])],
                "actor": inputs.actors[int(inputs.value_actor[v])],
                "value_type": int(inputs.value_type[v]),
                "transfer": bool(inputs.value_transfer[v]),
                "gross": gross,
                "attributable": gross * float(share),
            }
        )
    return rows


#: The columns of a frame of events as ``realised_frame`` takes it (``date``: datetime64[D]).
EVENT_COLUMNS = ["household", "outcome", "date", "intervention_type", "area"]


def events_frame(events: Iterable[Event]) -> pd.DataFrame:
    """Events as a frame of ``EVENT_COLUMNS``."""
    rows = [(e.household, e.outcome, e.date, e.intervention_type, e.area) for e in events]
    frame = pd.DataFrame.from_records(rows, columns=EVENT_COLUMNS)
    frame["date"] = np.asarray(frame["date"].tolist(), dtype="datetime64[D]")
    return frame


def full_years_until(days: np.ndarray, end: date) -> np.ndarray:
    """``full_years`` of each of ``days`` (datetime64[D]) up to ``end``, at once."""
    days = np.asarray(days, dtype="datetime64[D]")
    years = days.astype("datetime64[Y]")
    year = years.astype(np.int64) + 1970
    month = (days.astype("datetime64[M]") - years.astype("datetime64[M]")).astype(np.int64) + 1
    day = (days - days.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64) + 1
    # 29 February has its anniversary on 28 February in a common year.
    common = not (end.year % 4 == 0 and (end.year % 100 != 0 or end.year % 400 == 0))
    if common:
        day = np.where((month == 2) & (day == 29), 28, day)
    not_yet = (month > end.month) | ((month == end.month) & (day > end.day))
    whole = end.year - year - not_yet
    return np.where(days >= np.datetime64(end, "D"), 0, np.maximum(whole, 0))


def realised_frame(
    inputs: ModelInputs, events: pd.DataFrame, reference: date
) -> tuple[pd.DataFrame, np.ndarray]:
    """``realised_values`` for a frame of events (``EVENT_COLUMNS``), vectorised: the valued rows
    as a frame (columns ``VALUE_COLUMNS``, in the order of the events and, per event, of its
    outcome's money values), and which events the catalogue could value. Each distinct
    (outcome, year of the event, full years) is worked out once, as ``realised_values`` works
    out each event: the same numbers."""
    index = {code: o for o, code in enumerate(inputs.outcomes)}
    found = events["outcome"].map(index)
    valued = found.notna().to_numpy()
    valued_events = events[valued]
    o = found[valued].to_numpy(dtype=np.int64)
    days = valued_events["date"].to_numpy(dtype="datetime64[D]")
    event_year = days.astype("datetime64[Y]").astype(np.int64) + 1970
    years = full_years_until(days, reference)
    keys = np.stack([o, event_year, years], axis=1)
    distinct, inverse = np.unique(keys, axis=0, return_inverse=True)
    factors = np.array(
        [
            float(
                (
                    _persistence_row(inputs, int(oo), int(n))
                    * _benefit_index(inputs, int(y) + np.arange(int(n)))
                ).sum()
            )
            for oo, y, n in distinct
        ],
        dtype=float,
    )
    factor = factors[inverse.ravel()] if len(distinct) else np.zeros(0)
    # One row per event and money value of its outcome, values in catalogue order.
    n_outcomes = len(inputs.outcomes)
    value_outcome = np.asarray(inputs.value_outcome, dtype=np.int64)
    per_outcome = np.bincount(value_outcome, minlength=n_outcomes)
    first = np.concatenate([[0], np.cumsum(per_outcome)[:-1]])
    by_outcome = np.argsort(value_outcome, kind="stable")
    repeats = per_outcome[o]
    event = np.repeat(np.arange(len(o)), repeats)
    within = np.arange(len(event)) - np.repeat(np.cumsum(repeats) - repeats, repeats)
    value = by_outcome[first[o][event] + within]
    row_outcome = o[event]
    gross = np.asarray(inputs.value_amount, dtype=float)[value] * factor[event]
    share = _attributable_share(inputs)
    columns = {
        "household": valued_events["household"].to_numpy()[event],
        "outcome": valued_events["outcome"].to_numpy()[event],
        "domain": np.asarray(inputs.domains, dtype=object)[
            np.asarray(inputs.outcome_domain, dtype=np.int64)[row_outcome]
        ],
        "intervention_type": valued_events["intervention_type"].to_numpy()[event],
        "area": valued_events["area"].to_numpy()[event],
        "actor": np.asarray(inputs.actors, dtype=object)[
            np.asarray(inputs.value_actor, dtype=np.int64)[value]
        ],
        "value_type": np.asarray(inputs.value_type, dtype=np.int64)[value],
        "transfer": np.asarray(inputs.value_transfer, dtype=bool)[value],
        "gross": gross,
        "attributable": gross * np.asarray(share, dtype=float)[row_outcome],
    }
    return pd.DataFrame(columns, columns=VALUE_COLUMNS), valued


def realised_values(
    inputs: ModelInputs, events: Iterable[Event], reference: date
) -> tuple[list[dict], list[Event]]:
    """Money realised by ``reference`` per event and money value (columns ``VALUE_COLUMNS``), and
    the events the version's catalogue cannot value (an outcome it does not hold)."""
    events = list(events)
    frame, valued = realised_frame(inputs, events_frame(events), reference)
    unvalued = [event for event, ok in zip(events, valued, strict=True) if not ok]
    return frame.to_dict("records"), unvalued


def forecast_values(inputs: ModelInputs, started: Iterable[Started], reference: date) -> list[dict]:
    """What the version expects the ``started`` interventions to have brought by ``reference``:
    per household, outcome and money value, ``p · V · P(t − c − lag) · I_b(t)`` summed over the
    calendar years t from the start year c that finished before ``reference`` and lie within the
    horizon (the engine stops there too). ``gross`` is before any cut, ``attributable`` after
    attribution and displacement (as the realised values)."""
    last_year = min(reference.year - 1, inputs.start_year + inputs.horizon - 1)
    type_index = {code: i for i, code in enumerate(inputs.types)}
    rows: list[dict] = []
    for item in started:
        i = type_index.get(item.intervention_type)
        if i is None or item.year > last_year:
            continue
        calendar = np.arange(item.year, last_year + 1)
        index = _benefit_index(inputs, calendar)
        for link in np.flatnonzero(inputs.link_type == i):
            o = int(inputs.link_outcome[link])
            u = calendar - item.year - int(inputs.outcome_lag[o])
            active = u >= 0
            if not active.any():
                continue
            persist = _persistence_row(inputs, o, int(u.max()) + 1)
            factor = float(inputs.link_probability[link]) * float(
                (persist[u[active]] * index[active]).sum()
            )
            base = {
                "household": item.household,
                "outcome": inputs.outcomes[o],
                "intervention_type": item.intervention_type,
                "area": item.area,
            }
            rows.extend(_value_rows(inputs, o, factor, base))
    return rows


def society(rows: list[dict], column: str = "gross") -> float:
    """The society total of valued rows: transfer-flagged values left out (they net to zero)."""
    return float(sum(row[column] for row in rows if not row["transfer"]))


def observed_deadweight(non_participant_rate: float, participant_rate: float) -> float | None:
    """Observed deadweight = non-participants' rate / participants' rate, capped to 0 … 1: what
    share of the participants' outcomes would have happened anyway. None without a participant
    rate (nothing to compare with)."""
    if participant_rate <= 0:
        return None
    return float(min(max(non_participant_rate / participant_rate, 0.0), 1.0))
