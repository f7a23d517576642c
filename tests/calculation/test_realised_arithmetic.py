"""Realised and forecast returns worked out by hand on the tiny catalogue of ``scenario_docs``."""

from datetime import date

import pytest

from calculation.realised.arithmetic import (
    Event,
    Started,
    forecast_values,
    full_years,
    observed_deadweight,
    realised_values,
    society,
)
from calculation.scenario import parse_scenario
from tests.calculation import scenario_docs as docs


def inputs_for(**outcome_fields):
    values = outcome_fields.pop(
        "values", [docs.value(amount=1000.0), docs.value("huishouden", -400.0, transfer=True)]
    )
    document = docs.scenario(
        outcomes=[docs.outcome(values=values, **outcome_fields)],
        parameters={"horizon_years": 10},
    )
    return parse_scenario(document).inputs


def test_full_years_count_anniversaries_passed():
    assert full_years(date(2026, 3, 1), date(2026, 2, 28)) == 0
    assert full_years(date(2026, 3, 1), date(2027, 2, 28)) == 0
    assert full_years(date(2026, 3, 1), date(2027, 3, 1)) == 1
    assert full_years(date(2026, 3, 1), date(2029, 9, 30)) == 3
    assert full_years(date(2024, 2, 29), date(2025, 2, 28)) == 1


def test_one_event_with_drop_off_realises_its_full_years_up_to_the_reference_date():
    # 20% drop-off, 1,000 a year to the municipality: full years u = 0, 1, 2 by 30 September
    # 2029 (the fourth year is only half-way): 1,000 + 800 + 640 = 2,440.
    inputs = inputs_for(drop_off_pct=20)
    rows, unvalued = realised_values(
        inputs, [Event(1, "werk", date(2026, 3, 1), "coach")], date(2029, 9, 30)
    )
    assert unvalued == []
    municipality = next(row for row in rows if row["actor"] == "gemeente")
    assert municipality["gross"] == pytest.approx(2440.0)
    # The household loses the benefit (a transfer): its own view counts −400 · 2.44 …
    household = next(row for row in rows if row["actor"] == "huishouden")
    assert household["gross"] == pytest.approx(-976.0)
    # … but the society total leaves the transfer out.
    assert society(rows) == pytest.approx(2440.0)


def test_the_lag_is_not_added_to_an_observed_event_and_the_duration_ends_it():
    # Lag 2 years and a duration of 2 years: the event date is when the outcome happened, so
    # its years start there; only the first two count (1,000 + 1,000).
    inputs = inputs_for(lag_years=2, duration_years=2, values=[docs.value(amount=1000.0)])
    rows, _ = realised_values(inputs, [Event(1, "werk", date(2026, 1, 1))], date(2031, 1, 1))
    assert society(rows) == pytest.approx(2000.0)


def test_attribution_and_displacement_cut_the_attributable_part_not_deadweight():
    inputs = inputs_for(
        attribution_pct=25,
        displacement_pct=20,
        deadweight_pct=50,
        values=[docs.value(amount=1000.0)],
    )
    rows, _ = realised_values(inputs, [Event(1, "werk", date(2026, 1, 1))], date(2028, 1, 1))
    assert rows[0]["gross"] == pytest.approx(2000.0)
    assert rows[0]["attributable"] == pytest.approx(2000.0 * 0.75 * 0.8)


def test_an_outcome_outside_the_versions_catalogue_is_reported_not_valued():
    inputs = inputs_for()
    event = Event(1, "onbekend", date(2026, 1, 1))
    rows, unvalued = realised_values(inputs, [event], date(2028, 1, 1))
    assert rows == [] and unvalued == [event]


def test_the_forecast_follows_the_engine_and_stops_at_the_finished_years():
    # Coach brings werk with p = 0.5; lag 1; drop-off 20%. Started in 2026, reference date
    # 30 June 2029: finished years 2026–2028, effect years u = 0, 1 in 2027 and 2028:
    # 0.5 · 1,000 · (1 + 0.8) = 900.
    inputs = inputs_for(lag_years=1, drop_off_pct=20, values=[docs.value(amount=1000.0)])
    rows = forecast_values(inputs, [Started(1, "coach", 2026)], date(2029, 6, 30))
    assert society(rows) == pytest.approx(900.0)
    # Nothing before its first effect year.
    assert forecast_values(inputs, [Started(1, "coach", 2026)], date(2027, 6, 30)) == []


def test_observed_deadweight_is_the_ratio_of_rates_capped_to_zero_and_one():
    assert observed_deadweight(0.05, 0.20) == pytest.approx(0.25)
    assert observed_deadweight(0.30, 0.20) == 1.0
    assert observed_deadweight(-0.1, 0.20) == 0.0
    assert observed_deadweight(0.05, 0.0) is None
