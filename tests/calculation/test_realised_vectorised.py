"""Realised returns are valued for all events at once (``realised_frame``) with exactly the
numbers of the plain rule per event, kept here as it was as the reference: random events (29
February, the reference date itself, outcomes the catalogue does not hold) on a catalogue with
drop-off, ramp-up, durations, attribution, displacement, transfers and a nominal price basis."""

from datetime import date, timedelta

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from calculation.realised.arithmetic import (
    VALUE_COLUMNS,
    Event,
    _attributable_share,
    _benefit_index,
    _persistence_row,
    events_frame,
    full_years,
    full_years_until,
    realised_frame,
    realised_values,
)
from calculation.scenario import parse_scenario
from tests.calculation import scenario_docs as docs


def reference_values(inputs, events, reference):
    """The plain rule: per event its full years, persistence and index, per money value a row."""
    index = {code: o for o, code in enumerate(inputs.outcomes)}
    rows, unvalued = [], []
    for event in events:
        o = index.get(event.outcome)
        if o is None:
            unvalued.append(event)
            continue
        years = full_years(event.date, reference)
        persist = _persistence_row(inputs, o, years)
        factor = float((persist * _benefit_index(inputs, event.date.year + np.arange(years))).sum())
        share = _attributable_share(inputs)[o]
        for v in np.flatnonzero(inputs.value_outcome == o):
            gross = float(inputs.value_amount[v] * factor)
            rows.append(
                {
                    "household": event.household,
                    "outcome": event.outcome,
                    "intervention_type": event.intervention_type,
                    "area": event.area,
                    "domain": inputs.domains[int(inputs.outcome_domain[o])],
                    "actor": inputs.actors[int(inputs.value_actor[v])],
                    "value_type": int(inputs.value_type[v]),
                    "transfer": bool(inputs.value_transfer[v]),
                    "gross": gross,
                    "attributable": gross * float(share),
                }
            )
    return rows, unvalued


def catalogue_inputs():
    outcomes = [
        docs.outcome(
            "werk",
            drop_off_pct=20,
            duration_years=4,
            attribution_pct=25,
            values=[docs.value(amount=1000.0), docs.value("huishouden", -400.0, transfer=True)],
        ),
        docs.outcome(
            "schuld",
            domain="gezondheid",
            ramp_up=[0.25, 0.5],
            displacement_pct=10,
            values=[
                docs.value("zorgverzekeraar", 333.33, "economic"),
                docs.value(amount=12.5, value_type="social"),
                docs.value("huishouden", 75.0, "social"),
            ],
        ),
        docs.outcome("stil", values=[]),
    ]
    document = docs.scenario(
        outcomes=outcomes,
        types=[docs.intervention_type(links={"werk": 0.5, "schuld": 0.3})],
        parameters={"horizon_years": 10, "price_basis": "nominal", "benefit_indexation": 0.03},
    )
    return parse_scenario(document).inputs


INPUTS = catalogue_inputs()
DAYS = st.one_of(
    st.dates(min_value=date(2024, 1, 1), max_value=date(2034, 12, 31)),
    st.sampled_from([date(2024, 2, 29), date(2028, 2, 29), date(2027, 2, 28), date(2027, 3, 1)]),
)
EVENTS = st.lists(
    st.builds(
        Event,
        st.integers(min_value=1, max_value=50),
        st.sampled_from(["werk", "schuld", "stil", "onbekend"]),
        DAYS,
        st.sampled_from(["coach", ""]),
        st.sampled_from(["WK001401", ""]),
    ),
    max_size=40,
)
REFERENCES = st.one_of(
    st.dates(min_value=date(2025, 1, 1), max_value=date(2036, 12, 31)),
    st.sampled_from([date(2029, 2, 28), date(2028, 2, 29), date(2030, 3, 1)]),
)


@settings(max_examples=300, deadline=None)
@given(EVENTS, REFERENCES)
def test_all_events_at_once_give_exactly_the_rows_of_the_plain_rule(events, reference):
    rows, unvalued = realised_values(INPUTS, events, reference)
    expected_rows, expected_unvalued = reference_values(INPUTS, events, reference)
    assert rows == expected_rows
    assert unvalued == expected_unvalued


@settings(max_examples=200, deadline=None)
@given(EVENTS, REFERENCES)
def test_the_frame_holds_the_same_rows_in_the_same_order(events, reference):
    frame, valued = realised_frame(INPUTS, events_frame(events), reference)
    expected, unvalued = reference_values(INPUTS, events, reference)
    assert list(frame.columns) == VALUE_COLUMNS
    assert frame.to_dict("records") == expected
    assert [e for e, ok in zip(events, valued, strict=True) if not ok] == unvalued


@settings(max_examples=300, deadline=None)
@given(st.lists(DAYS, max_size=30), REFERENCES)
def test_full_years_at_once_are_the_full_years_of_each(days, reference):
    at_once = full_years_until(np.array(days, dtype="datetime64[D]"), reference)
    assert at_once.tolist() == [full_years(day, reference) for day in days]


def test_many_events_share_their_arithmetic_and_keep_their_order():
    rng = np.random.default_rng(3)
    events = [
        Event(
            int(rng.integers(1, 500)),
            str(rng.choice(["werk", "schuld", "onbekend"])),
            date(2026, 1, 1) + timedelta(days=int(rng.integers(0, 2500))),
            "coach",
        )
        for _ in range(2000)
    ]
    reference = date(2033, 6, 30)
    assert realised_values(INPUTS, events, reference) == reference_values(INPUTS, events, reference)
