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
