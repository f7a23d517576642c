"""The calculation engine against hand-computed cases (DESIGN §4): discounting, the key figures,
the IRR and the break-even rule."""

from __future__ import annotations

import numpy as np
import pytest

from calculation import engine

from .engine_cases import (
    break_even_scenario,
    calc,
    column,
    excel_npv,
    kpi_scenario,
)
from .scenario_docs import START, intake, intervention_type, outcome, value

approx = pytest.approx


# --- discounting and KPIs -------------------------------------------------------------------------


def test_discount_factors_leave_year_zero_undiscounted():
    result = kpi_scenario(rate=0.0225)
    expected = [1.0, 1 / 1.0225, 1 / 1.0225**2, 1 / 1.0225**3]
    assert column(result, "discount_factor") == approx(expected)
    assert engine.discount_factors(0.0225, 4) == approx(expected)
    batch = engine.discount_factors(np.array([0.0, 0.1]), 2)
    assert batch == approx(np.array([[1, 1], [1, 1 / 1.1]]))


def test_present_values_npv_multipliers_and_sroi():
    r = 0.0225
    result = kpi_scenario(rate=r)
    kpis = result["kpis"]
    costs = [2000, 0, 0, 0]
    benefits = [0, 1200, 1200, 1200]  # 1 outcome · (600 + 200 + 400)
    assert column(result, "costs") == approx(costs)
    assert column(result, "benefits") == approx(benefits)
    assert column(result, "net") == approx([-2000, 1200, 1200, 1200])
    assert column(result, "cumulative") == approx([-2000, -800, 400, 1600])

    pv_costs = 2000
    pv_benefits = 1200 / 1.0225 + 1200 / 1.0225**2 + 1200 / 1.0225**3
    assert kpis["pv_costs"] == approx(pv_costs)
    assert kpis["pv_benefits"] == approx(pv_benefits)
    assert kpis["npv"] == approx(pv_benefits - pv_costs)
    assert kpis["multiplier_discounted"] == approx(pv_benefits / pv_costs)
    assert kpis["multiplier_undiscounted"] == approx(3600 / 2000)
    assert kpis["net_sroi"] == approx((pv_benefits - pv_costs) / pv_costs)
    assert kpis["benefits_undiscounted"] == approx(3600)
    assert kpis["costs_undiscounted"] == approx(2000)
    assert kpis["net_undiscounted"] == approx(1600)
    assert column(result, "net_discounted") == approx(
        [-2000, 1200 / 1.0225, 1200 / 1.0225**2, 1200 / 1.0225**3]
    )
    # the municipality: PV of its cashable fiscal benefits (600 a year, not the 200 non-cashable
    # and not the insurer's 400) over the PV of its costs
    pv_cashable = 600 / 1.0225 + 600 / 1.0225**2 + 600 / 1.0225**3
    assert kpis["municipality_pv_cashable_benefits"] == approx(pv_cashable)
    assert kpis["municipality_pv_costs"] == approx(2000)
    assert kpis["municipality_financial_return"] == approx(pv_cashable / 2000)


def test_npv_follows_the_excel_convention():
    """DESIGN §4: the same as Excel's NPV(r, flows of years 1..n) + flow of year 0."""
    r = 0.0225
    result = kpi_scenario(rate=r)
    net = column(result, "net")
    assert result["kpis"]["npv"] == approx(excel_npv(r, net[1:]) + net[0])
    benefits = column(result, "benefits")
    assert result["kpis"]["pv_benefits"] == approx(excel_npv(r, benefits[1:]) + benefits[0])
    # …and not Excel's NPV over all years, which would discount year 0 too
    assert result["kpis"]["npv"] != approx(excel_npv(r, net))


@pytest.mark.parametrize("rate", [0.02, 0.0225, 0.035])
def test_npv_excel_convention_with_costs_and_benefits_in_every_year(rate):
    result = calc(
        parameters={"horizon_years": 10, "discount_rate": rate},
        types=[intervention_type(unit_cost=1000, phasing=[0.5, 0.3, 0.2])],
        outcomes=[outcome(drop_off_pct=15, duration_years=6)],
        intake_rows=[intake(year=START + k, households=3 + k) for k in range(10)],
    )
    net = column(result, "net")
    assert result["kpis"]["npv"] == approx(excel_npv(rate, net[1:]) + net[0])


def test_multipliers_are_none_without_costs():
    result = calc(types=[intervention_type(unit_cost=0)])
    assert result["kpis"]["multiplier_discounted"] is None
    assert result["kpis"]["multiplier_undiscounted"] is None
    assert result["kpis"]["net_sroi"] is None
    assert result["kpis"]["municipality_financial_return"] is None


# --- IRR ------------------------------------------------------------------------------------------


def test_irr_of_a_scenario_with_flows_minus_100_then_110():
    result = calc(
        parameters={"horizon_years": 2},
        outcomes=[outcome(lag_years=1, duration_years=1, values=[value("gemeente", 110)])],
        types=[intervention_type(unit_cost=100, links={"werk": 1.0})],
        intake_rows=[intake(households=1)],
    )
    assert column(result, "net") == approx([-100, 110])
    assert result["kpis"]["irr"] == approx(0.10)  # −100 + 110/(1+r) = 0 → r = 0.10
    assert result["kpis"]["irr_count"] == 1


def test_irr_building_block():
    rate, count = engine.internal_rate_of_return(np.array([-100.0, 110.0]))
    assert (rate, count) == (approx(0.10), 1)
    # −100 + 60x + 60x² = 0 with x = 1/(1+r)
    rate, _ = engine.internal_rate_of_return(np.array([-100.0, 60.0, 60.0]))
    assert -100 + 60 / (1 + rate) + 60 / (1 + rate) ** 2 == approx(0, abs=1e-9)
    # trailing zeros change nothing
    assert engine.internal_rate_of_return(np.array([-100.0, 110.0, 0, 0]))[0] == approx(0.10)
    # no sign change: no IRR
    assert engine.internal_rate_of_return(np.array([100.0, 50.0])) == (None, 0)
    assert engine.internal_rate_of_return(np.array([-100.0, -50.0])) == (None, 0)
    # two sign changes: −100 + 230x − 132x² = 0 → x = 10/11 or 5/6, r = 10% or 20%
    flows = np.array([-100.0, 230.0, -132.0])
    assert engine.internal_rate_of_return(flows, near=0.09) == (approx(0.10), 2)
    assert engine.internal_rate_of_return(flows, near=0.25) == (approx(0.20), 2)


def test_irr_is_none_when_flows_do_not_change_sign():
    result = calc(types=[intervention_type(unit_cost=0)])
    assert result["kpis"]["irr"] is None
    assert result["kpis"]["irr_count"] == 0


# --- break-even -----------------------------------------------------------------------------------


def test_break_even_is_interpolated_within_the_year():
    result = break_even_scenario()
    assert column(result, "net") == approx([-100, 40, 80])
    # cum[−1] = 0, cum = [−100, −60, 20]: first t with cum[t] ≥ 0 is t = 2
    expected = 2 + 60 / 80  # t + (−cum[t−1]) / net[t] = 2.75
    assert result["kpis"]["break_even_years"] == approx(expected)
    assert result["kpis"]["break_even_calendar_year"] == START + 2
    # the municipality pays and receives everything here, so its payback is the same
    assert result["kpis"]["municipality_payback_years"] == approx(expected)
    assert result["kpis"]["municipality_payback_calendar_year"] == START + 2


def test_discounted_break_even():
    result = break_even_scenario(rate=0.10)
    d1, d2 = 40 / 1.1, 80 / 1.1**2  # 36.36, 66.12
    # discounted cum = [−100, −63.64, 2.48]: t = 2
    expected = 2 + (100 - d1) / d2
    assert result["kpis"]["break_even_discounted_years"] == approx(expected)
    assert result["kpis"]["break_even_discounted_calendar_year"] == START + 2
    assert result["kpis"]["break_even_years"] == approx(2.75)


def test_break_even_not_reached():
    result = break_even_scenario(unit_cost=130)  # cum = [−130, −90, −10]
    assert result["kpis"]["break_even_years"] is None
    assert result["kpis"]["break_even_calendar_year"] is None
    assert result["kpis"]["break_even_discounted_years"] is None
    assert result["kpis"]["break_even_discounted_calendar_year"] is None


def test_break_even_building_block():
    years, index = engine.break_even(np.array([-100.0, 40.0, 80.0]))
    assert years.tolist() == approx([2.75])
    assert index.tolist() == [2]
    # exactly zero at the end of year 1 (−100 + 100): break-even after 2 years, in year t = 1
    years, index = engine.break_even(np.array([[-100.0, 100.0, 5.0], [-100.0, 10.0, 10.0]]))
    assert years[0] == approx(1 + 100 / 100)
    assert index[0] == 1
    assert np.isnan(years[1])
    assert index[1] == -1
    # a positive first year breaks even at once
    years, index = engine.break_even(np.array([50.0, -10.0]))
    assert years.tolist() == [0.0]
    assert index.tolist() == [0]


def test_an_empty_first_year_is_no_break_even():
    # DESIGN §4 (revised): the same programme one year later, year 0 empty
    result = calc(
        parameters={"horizon_years": 4},
        outcomes=[
            outcome("a", lag_years=1, duration_years=1, values=[value("gemeente", 40)]),
            outcome("b", lag_years=2, duration_years=1, values=[value("gemeente", 80)]),
        ],
        types=[intervention_type(unit_cost=130, links={"a": 1.0, "b": 1.0})],
        intake_rows=[intake(year=START + 1, households=1)],
    )
    # net = [0, −130, 40, 80], cum = [0, −130, −90, −10]: it never pays back
    assert column(result, "net") == approx([0, -130, 40, 80])
    assert result["kpis"]["npv"] < 0
    kpis = result["kpis"]
    for key in (
        "break_even_years",
        "break_even_calendar_year",
        "break_even_discounted_years",
        "break_even_discounted_calendar_year",
        "municipality_payback_years",
        "municipality_payback_calendar_year",
    ):
        assert kpis[key] is None, key
    mc = result["monte_carlo"]
    assert mc["break_even_years"] == {"p10": None, "p50": None, "p90": None}
    assert mc["break_even_calendar_year"] == {"p10": None, "p50": None, "p90": None}
    assert mc["probability_break_even_reached"] == 0


def test_an_empty_first_year_then_paid_back():
    result = calc(
        parameters={"horizon_years": 4, "discount_rate": 0.10},
        outcomes=[
            outcome("a", lag_years=1, duration_years=1, values=[value("gemeente", 40)]),
            outcome("b", lag_years=2, duration_years=1, values=[value("gemeente", 80)]),
        ],
        types=[intervention_type(unit_cost=100, links={"a": 1.0, "b": 1.0})],
        intake_rows=[intake(year=START + 1, households=1)],
    )
    # net = [0, −100, 40, 80], cum = [0, −100, −60, 20]: the last crossing is in t = 3
    assert result["kpis"]["break_even_years"] == approx(3 + 60 / 80)
    assert result["kpis"]["break_even_calendar_year"] == START + 3
    assert result["kpis"]["municipality_payback_years"] == approx(3 + 60 / 80)
    # discounted: [0, −100/1.1, 40/1.1², 80/1.1³], cum at t = 3 is 2.55 ≥ 0
    d1, d2, d3 = 100 / 1.1, 40 / 1.1**2, 80 / 1.1**3
    assert d2 + d3 - d1 > 0
    assert result["kpis"]["break_even_discounted_years"] == approx(3 + (d1 - d2) / d3)
    assert result["kpis"]["break_even_discounted_calendar_year"] == START + 3
    assert result["monte_carlo"]["break_even_years"]["p50"] == approx(3.75)
    assert result["monte_carlo"]["break_even_calendar_year"]["p50"] == START + 3


def dipping_scenario(rate: float = 0.0) -> dict:
    """Net [−100, 150, −100, 150]: a cohort in 2026 and one in 2028, each paid back a year later."""
    return calc(
        parameters={"horizon_years": 4, "discount_rate": rate},
        outcomes=[outcome("a", lag_years=1, duration_years=1, values=[value("gemeente", 150)])],
        types=[intervention_type(unit_cost=100, links={"a": 1.0})],
        intake_rows=[intake(year=START, households=1), intake(year=START + 2, households=1)],
    )


def test_break_even_is_the_last_crossing_when_the_cumulative_net_dips_again():
    result = dipping_scenario()
    assert column(result, "net") == approx([-100, 150, -100, 150])
    # cum = [−100, 50, −50, 100]: positive in t = 1, below zero again in t = 2; it stays at or
    # above zero only from t = 3: 3 + 50/150 (not 1 + 100/150, the first crossing)
    expected = 3 + 50 / 150
    kpis = result["kpis"]
    assert kpis["break_even_years"] == approx(expected)
    assert kpis["break_even_calendar_year"] == START + 3
    assert kpis["municipality_payback_years"] == approx(expected)
    assert kpis["municipality_payback_calendar_year"] == START + 3
    mc = result["monte_carlo"]
    assert mc["break_even_years"] == approx({"p10": expected, "p50": expected, "p90": expected})
    assert mc["break_even_calendar_year"] == {"p10": START + 3, "p50": START + 3, "p90": START + 3}


def test_discounted_break_even_is_the_last_crossing_too():
    result = dipping_scenario(rate=0.05)
    flows = [-100, 150 / 1.05, -100 / 1.05**2, 150 / 1.05**3]
    cum = np.cumsum(flows)  # [−100, 42.86, −47.85, 81.73]
    assert cum[1] > 0 > cum[2] and cum[3] > 0
    expected = 3 + (-cum[2]) / flows[3]
    assert result["kpis"]["break_even_discounted_years"] == approx(expected)
    assert result["kpis"]["break_even_discounted_calendar_year"] == START + 3


def test_a_cumulative_net_of_exactly_zero_counts_as_reached():
    result = calc(
        parameters={"horizon_years": 4},
        outcomes=[
            outcome("a", lag_years=1, duration_years=1, values=[value("gemeente", 100)]),
            outcome("b", lag_years=1, duration_years=1, values=[value("gemeente", 10)]),
        ],
        types=[
            intervention_type("x", unit_cost=100, links={"a": 1.0}),
            intervention_type("y", unit_cost=10, links={"b": 1.0}),
        ],
        intake_rows=[intake("x", year=START, households=1), intake("y", year=START + 2)],
    )
    # x: −100 in 2026, +100 in 2027; y (10 households): −100 in 2028, +100 in 2029
    assert column(result, "net") == approx([-100, 100, -100, 100])
    # cum = [−100, 0, −100, 0]: exactly zero at the end of t = 1, below zero again, exactly zero
    # at the end of t = 3: break-even 3 + 100/100 = 4 years after the start, in year t = 3
    assert result["kpis"]["break_even_years"] == approx(4.0)
    assert result["kpis"]["break_even_calendar_year"] == START + 3


def test_a_cumulative_net_that_is_never_negative_breaks_even_at_once():
    result = calc(
        parameters={"horizon_years": 3},
        outcomes=[
            outcome("a", duration_years=1, values=[value("gemeente", 100)]),
            outcome("b", lag_years=2, duration_years=1, values=[value("gemeente", 30)]),
        ],
        types=[intervention_type(unit_cost=100, phasing=[0.5, 0.5], links={"a": 1, "b": 1})],
        intake_rows=[intake(households=1)],
    )
    # net = [50, −50, 30], cum = [50, 0, 30]: never negative (zero is not negative)
    assert column(result, "net") == approx([50, -50, 30])
    assert result["kpis"]["break_even_years"] == 0
    assert result["kpis"]["break_even_calendar_year"] == START
    assert result["monte_carlo"]["break_even_years"]["p50"] == 0
    assert result["monte_carlo"]["break_even_calendar_year"]["p50"] == START


def test_nothing_flowing_is_no_break_even():
    result = calc(intake_rows=[])
    assert column(result, "net") == approx([0.0] * 5)
    assert result["kpis"]["break_even_years"] is None
    assert result["kpis"]["break_even_calendar_year"] is None
    assert result["kpis"]["municipality_payback_years"] is None
    assert result["monte_carlo"]["probability_break_even_reached"] == 0


def test_break_even_rule_for_a_batch_of_rows_at_once():
    rows = np.array(
        [
            [0.0, -100.0, 40.0, 80.0],  # empty first year, then paid back: 3 + 60/80
            [0.0, -130.0, 40.0, 80.0],  # empty first year, never paid back
            [-100.0, 150.0, -100.0, 150.0],  # dips again: the last crossing, 3 + 50/150
            [-100.0, 100.0, -100.0, 100.0],  # exactly zero at the end: 3 + 100/100
            [50.0, -50.0, 30.0, 0.0],  # never negative: 0
            [0.0, 0.0, 0.0, 0.0],  # nothing flows: not reached
            [-100.0, 150.0, -100.0, 30.0],  # ends below zero after a crossing: not reached
        ]
    )
    years, index = engine.break_even(rows)
    assert years[[0, 2, 3, 4]].tolist() == approx([3.75, 3 + 50 / 150, 4.0, 0.0])
    assert np.isnan(years[[1, 5, 6]]).all()
    assert index.tolist() == [3, -1, 3, 3, 0, -1, -1]
    # each row alone gives the same as in the batch
    for row, expected in zip(rows, years, strict=True):
        alone = engine.break_even(row)[0][0]
        assert alone == approx(expected, nan_ok=True)


def test_the_break_even_cards_and_the_table_say_what_break_even_means():
    from calculation.results.tables import run_tables
    from calculation.results.text import results_text

    result = dipping_scenario()
    hints = {row.key: str(row.note) for row in run_tables(result)["key_figures"].rows}
    assert "stays at or above zero until the end of the horizon" in hints["break_even_years"]
    assert "discounted" in hints["break_even_discounted_years"]
    assert "municipality's own flows" in hints["municipality_payback_years"]
    assert "stays at or above zero until the end of the horizon" in results_text(result)
