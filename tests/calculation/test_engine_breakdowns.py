"""The calculation engine against hand-computed cases (DESIGN §4): totals per period, who pays and
who benefits, cost allocation, the actor × domain matrix, per intervention type, the
municipality's GREX ledger and its budget position."""

from __future__ import annotations

import numpy as np
import pytest

from .engine_cases import (
    by_code,
    calc,
    kpi_scenario,
    transfer_scenario,
)
from .scenario_docs import intake, intervention_type, outcome, value

approx = pytest.approx


# --- periods and breakdowns -----------------------------------------------------------------------


def test_totals_per_five_year_period():
    result = calc(
        parameters={"horizon_years": 12},
        outcomes=[outcome(values=[value("gemeente", 100)])],
        types=[intervention_type(unit_cost=1000, links={"werk": 1.0})],
        intake_rows=[intake(year=2026, households=1), intake(year=2032, households=1)],
    )
    assert "horizon_above_10" in result["meta"]["warnings"]
    periods = result["periods"]
    assert [p["period"] for p in periods] == ["2026–2030", "2031–2035", "2036–2037"]
    assert [(p["first_year"], p["last_year"]) for p in periods] == [
        (2026, 2030),
        (2031, 2035),
        (2036, 2037),
    ]
    assert [p["costs"] for p in periods] == approx([1000, 1000, 0])
    # cohort 2026: 100 a year for 12 years; cohort 2032: 100 a year from 2032 (t = 6)
    benefits = [5 * 100, 5 * 100 + 4 * 100, 2 * 100 + 2 * 100]
    assert [p["benefits"] for p in periods] == approx(benefits)
    assert [p["net"] for p in periods] == approx([-500, -100, 400])
    assert [p["cumulative_net"] for p in periods] == approx([-500, -600, -200])
    assert periods[0]["benefits_by_actor"]["gemeente"] == approx(500)
    assert periods[2]["benefits_by_domain"]["rondkomen"] == approx(400)


def shares_scenario(rate: float = 0.0) -> dict:
    """Costs: 1000 by the municipality in 2026 (coach) plus 250 programme costs of the insurer.
    Benefits: 600 to the municipality in 2026 (rondkomen) and 660 to the insurer in 2027
    (gezondheid)."""
    return calc(
        parameters={"horizon_years": 2, "discount_rate": rate},
        outcomes=[
            outcome("werk", duration_years=1, values=[value("gemeente", 600)]),
            outcome(
                "gezond",
                domain="gezondheid",
                lag_years=1,
                duration_years=1,
                values=[value("zorgverzekeraar", 660, "economic")],
            ),
        ],
        types=[intervention_type(unit_cost=1000, links={"werk": 1.0, "gezond": 1.0})],
        intake_rows=[intake(households=1)],
        programme_costs=[
            {"category": "other", "actor": "zorgverzekeraar", "year": 2026, "amount": 250}
        ],
    )


def test_who_pays_who_benefits():
    rows = by_code(shares_scenario()["who_pays_who_benefits"], "actor")
    costs, benefits = 1000 + 250, 600 + 660
    assert rows["gemeente"]["costs"] == approx(1000)
    assert rows["gemeente"]["benefits"] == approx(600)
    assert rows["gemeente"]["net"] == approx(600 - 1000)
    assert rows["gemeente"]["cost_share"] == approx(1000 / costs)
    assert rows["gemeente"]["benefit_share"] == approx(600 / benefits)
    assert rows["gemeente"]["cost_share_minus_benefit_share"] == approx(
        1000 / costs - 600 / benefits
    )
    assert rows["zorgverzekeraar"]["cost_share_minus_benefit_share"] == approx(
        250 / costs - 660 / benefits
    )
    assert rows["huishouden"]["cost_share"] == 0
    assert rows["huishouden"]["benefit_share"] == 0
    assert sum(row["cost_share"] for row in rows.values()) == approx(1)
    assert sum(row["benefit_share"] for row in rows.values()) == approx(1)


def test_who_pays_counts_transfers_in_the_actors_own_view():
    rows = by_code(transfer_scenario()["who_pays_who_benefits"], "actor")
    q = 2.0
    assert rows["gemeente"]["benefits"] == approx(2 * q * 1000)
    assert rows["gemeente"]["transfers"] == approx(2 * q * 1000)
    assert rows["huishouden"]["transfers"] == approx(-2 * q * 1000)


def test_cost_allocation_by_domain_and_actor():
    result = shares_scenario(rate=0.10)
    total_costs = 1000 + 250  # all in 2026, so the PV is the same
    by_domain = by_code(result["cost_allocation"]["by_domain"])
    # undiscounted: K_d = K_total · B_d / B_total with B = 600 + 660
    assert by_domain["rondkomen"]["allocated_costs"] == approx(total_costs * 600 / 1260)
    assert by_domain["gezondheid"]["allocated_costs"] == approx(total_costs * 660 / 1260)
    # present values: 600 in 2026 and 660 / 1.1 = 600 in 2027 → half each
    assert by_domain["gezondheid"]["benefits_pv"] == approx(660 / 1.1)
    assert by_domain["rondkomen"]["allocated_costs_pv"] == approx(total_costs * 600 / 1200)
    assert by_domain["gezondheid"]["allocated_costs_pv"] == approx(total_costs * 600 / 1200)
    by_actor = by_code(result["cost_allocation"]["by_actor"])
    assert by_actor["gemeente"]["allocated_costs"] == approx(total_costs * 600 / 1260)
    assert by_actor["zorgverzekeraar"]["allocated_costs"] == approx(total_costs * 660 / 1260)
    assert by_actor["huishouden"]["allocated_costs"] == 0
    assert by_actor["zorgverzekeraar"]["allocated_costs_pv"] == approx(total_costs / 2)
    assert sum(row["allocated_costs"] for row in by_actor.values()) == approx(total_costs)


def test_actor_domain_matrix():
    result = shares_scenario(rate=0.10)
    matrix = result["actor_domain_matrix"]
    assert matrix["actors"] == ["gemeente", "huishouden", "zorgverzekeraar"]
    assert matrix["domains"] == ["rondkomen", "gezondheid"]
    assert np.array(matrix["undiscounted"]) == approx(np.array([[600, 0], [0, 0], [0, 660]]))
    assert np.array(matrix["present_value"]) == approx(np.array([[600, 0], [0, 0], [0, 660 / 1.1]]))


def test_by_intervention_type_and_unit_returns():
    result = kpi_scenario(rate=0.10)
    row = result["by_intervention_type"][0]
    assert row["households"] == 2
    assert row["costs"] == approx(2000)
    assert row["benefits"] == approx(3 * 1200)
    assert row["multiplier_undiscounted"] == approx(3600 / 2000)
    # one household starting in 2026: 0.5 outcome · 1200 a year in 2027–2029
    unit = {(r["intervention_type"], r["year"]): r for r in result["unit_returns"]}
    assert unit[("coach", 2026)]["benefits"] == approx(3 * 0.5 * 1200)
    assert unit[("coach", 2026)]["benefits_pv"] == approx(600 / 1.1 + 600 / 1.1**2 + 600 / 1.1**3)
    # a household starting in 2028 has only 2029 left in the horizon
    assert unit[("coach", 2028)]["benefits"] == approx(600)


# --- the municipality's GREX ledger and budget ----------------------------------------------------


def ledger_scenario(amount: float = 500, **sections) -> dict:
    """K_gem = [1000, 0, 0]; R_gem = [0, amount, amount] (cashable, 2027–2028). The household's
    social benefit and the insurer's programme costs stay out of the ledger."""
    return calc(
        parameters={
            "horizon_years": 3,
            "financing_rate": 0.05,
            "bbv_discount_rate": 0.02,
            "discount_rate": 0.0225,
        },
        outcomes=[
            outcome(
                lag_years=1,
                duration_years=2,
                values=[value("gemeente", amount), value("huishouden", 999, "social")],
            )
        ],
        types=[intervention_type(unit_cost=1000, links={"werk": 1.0})],
        intake_rows=[intake(households=1)],
        programme_costs=[
            {"category": "other", "actor": "zorgverzekeraar", "year": 2026, "amount": 123}
        ],
        **sections,
    )


def test_grex_ledger_with_financing_interest_and_funding_gap():
    ledger = ledger_scenario(500)["ledger"]
    bw0 = 0 * 1.05 + 1000 - 0  # = 1000
    bw1 = bw0 * 1.05 + 0 - 500  # = 550
    bw2 = bw1 * 1.05 + 0 - 500  # = 77.5
    rows = ledger["rows"]
    assert [row["year"] for row in rows] == [2026, 2027, 2028]
    assert [row["opening_book_value"] for row in rows] == approx([0, bw0, bw1])
    assert [row["interest"] for row in rows] == approx([0, bw0 * 0.05, bw1 * 0.05])
    assert [row["costs"] for row in rows] == approx([1000, 0, 0])
    assert [row["revenues"] for row in rows] == approx([0, 500, 500])
    assert [row["closing_book_value"] for row in rows] == approx([bw0, bw1, bw2])
    assert ledger["end_value"] == approx(-77.5)  # E = −BW[T−1]
    assert ledger["end_value_date"] == "2028-12-31"
    assert ledger["ncw"] == approx(-77.5 / 1.02**3)  # NCW = E / (1 + r_BBV)^T
    assert ledger["ncw_date"] == "2026-01-01"
    assert ledger["funding_gap"] is True


def test_grex_ledger_without_funding_gap():
    ledger = ledger_scenario(600)["ledger"]
    bw2 = (1000 * 1.05 - 600) * 1.05 - 600  # = −127.5
    assert ledger["end_value"] == approx(-bw2)
    assert ledger["ncw"] == approx(127.5 / 1.02**3)
    assert ledger["funding_gap"] is False


def test_budget_position_brings_money_forward_and_repays():
    budget = [{"year": year, "amount": 300} for year in (2026, 2027, 2028)]
    position = ledger_scenario(500, budget=budget)["budget_position"]
    f0 = 0 + 300 + 0 - 1000  # = −700
    f1 = f0 * 1.05 + 300 + 500 - 0  # = 65
    f2 = f1 * 1.05 + 300 + 500  # = 868.25
    assert [row["closing"] for row in position["rows"]] == approx([f0, f1, f2])
    assert [row["interest"] for row in position["rows"]] == approx([0, f0 * 0.05, f1 * 0.05])
    assert [row["brought_forward"] for row in position["rows"]] == [True, False, False]
    assert position["years_brought_forward"] == [2026]
    assert position["peak_prefinancing"] == approx(700)
    assert position["low_point_year"] == 2026
    assert position["year_repaid"] == 2027
    assert position["repaid"] is True


def test_budget_position_not_repaid():
    budget = [{"year": 2026, "amount": 0}]
    position = ledger_scenario(100, budget=budget)["budget_position"]
    f0 = -1000
    f1 = f0 * 1.05 + 100  # −950
    f2 = f1 * 1.05 + 100  # −897.5
    assert [row["closing"] for row in position["rows"]] == approx([f0, f1, f2])
    assert position["years_brought_forward"] == [2026, 2027, 2028]
    assert position["peak_prefinancing"] == approx(1000)
    assert position["low_point_year"] == 2026
    assert position["year_repaid"] is None
    assert position["repaid"] is False


def test_budget_position_low_point_later_than_the_first_shortfall():
    budget = [{"year": 2026, "amount": 800}, {"year": 2028, "amount": 2000}]
    position = ledger_scenario(50, budget=budget)["budget_position"]
    f0 = 800 - 1000  # −200
    f1 = f0 * 1.05 + 50  # −160
    f2 = f1 * 1.05 + 2000 + 50  # 1882
    assert [row["closing"] for row in position["rows"]] == approx([f0, f1, f2])
    assert position["peak_prefinancing"] == approx(200)
    assert position["years_brought_forward"] == [2026, 2027]
    assert position["year_repaid"] == 2028


def test_budget_position_that_never_goes_below_zero():
    budget = [{"year": 2026, "amount": 1000}]
    position = ledger_scenario(500, budget=budget)["budget_position"]
    assert [row["closing"] for row in position["rows"]] == approx([0, 500, 1025])
    assert position["years_brought_forward"] == []
    assert position["peak_prefinancing"] == 0
    assert position["low_point_year"] is None
    assert position["year_repaid"] is None
    assert position["repaid"] is True


def test_no_budget_no_budget_position():
    assert ledger_scenario(500)["budget_position"] is None
