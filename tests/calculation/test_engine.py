"""The calculation engine against hand-computed cases, one per formula of DESIGN §4.

Every scenario goes through the file format (``calculate_document`` / ``parse_scenario``); the
arithmetic of the expected value is written out in the test.
"""

from __future__ import annotations

import numpy as np
import pytest

from calculation import engine
from calculation.scenario import calculate_document, parse_scenario

from .scenario_docs import START, intake, intervention_type, outcome, scenario, value

approx = pytest.approx


def calc(**kwargs) -> dict:
    return calculate_document(scenario(**kwargs))


def column(result: dict, key: str) -> list[float]:
    return [row[key] for row in result["year_table"]]


def excel_npv(rate: float, flows) -> float:
    """Excel's NPV(rate, value1, …, valuen): the first value is discounted one whole period."""
    return sum(flow / (1 + rate) ** k for k, flow in enumerate(flows, start=1))


def by_code(rows: list[dict], key: str = "code") -> dict[str, dict]:
    return {row[key]: row for row in rows}


# --- costs ----------------------------------------------------------------------------------------


def test_cost_phasing_spreads_each_cohort_over_its_years():
    result = calc(
        parameters={"horizon_years": 4},
        types=[intervention_type(unit_cost=1000, phasing=[0.6, 0.4])],
        intake_rows=[intake(year=2026, households=2), intake(year=2027, households=3)],
    )
    expected = [
        2 * 1000 * 0.6,  # 2026: first share of the 2026 cohort
        2 * 1000 * 0.4 + 3 * 1000 * 0.6,  # 2027: second share of 2026, first of 2027
        3 * 1000 * 0.4,  # 2028: second share of the 2027 cohort
        0.0,
    ]
    assert column(result, "costs") == approx(expected)
    assert column(result, "costs_interventions") == approx(expected)
    assert result["costs_by_actor"]["gemeente"] == approx(expected)
    assert result["costs_by_actor"]["huishouden"] == approx([0, 0, 0, 0])
    assert result["kpis"]["costs_beyond_horizon"] == approx(0.0)
    assert "costs_beyond_horizon" not in result["meta"]["warnings"]


def test_cost_shares_after_the_horizon_are_reported_not_counted():
    result = calc(
        parameters={"horizon_years": 2},
        types=[intervention_type(unit_cost=1000, phasing=[0.6, 0.4])],
        intake_rows=[intake(year=2027, households=5)],
    )
    assert column(result, "costs") == approx([0.0, 5 * 1000 * 0.6])
    assert result["kpis"]["costs_beyond_horizon"] == approx(5 * 1000 * 0.4)
    assert "costs_beyond_horizon" in result["meta"]["warnings"]


def test_intake_row_can_price_its_cohort_differently():
    result = calc(
        parameters={"horizon_years": 2},
        intake_rows=[
            intake(year=2026, households=2),
            intake(year=2027, households=2, unit_cost=1500),
        ],
    )
    assert column(result, "costs") == approx([2 * 1000, 2 * 1500])


def test_costs_are_assigned_to_the_paying_actor():
    result = calc(
        parameters={"horizon_years": 1},
        types=[
            intervention_type("coach", unit_cost=1000, payer="gemeente"),
            intervention_type("fysio", unit_cost=300, payer="zorgverzekeraar", links={}),
        ],
        intake_rows=[intake("coach", households=2), intake("fysio", households=4)],
    )
    assert result["costs_by_actor"]["gemeente"] == approx([2 * 1000])
    assert result["costs_by_actor"]["zorgverzekeraar"] == approx([4 * 300])
    rows = by_code(result["by_intervention_type"], "intervention_type")
    assert rows["fysio"]["costs"] == approx(1200)
    assert rows["fysio"]["benefits"] == approx(0)


def test_nominal_price_basis_indexes_costs_and_benefits_from_the_start_year():
    result = calc(
        parameters={
            "horizon_years": 3,
            "price_basis": "nominal",
            "cost_indexation": 0.02,
            "benefit_indexation": 0.03,
        },
        types=[intervention_type(unit_cost=1000, phasing=[0.5, 0.5], links={"werk": 1.0})],
        outcomes=[outcome(values=[value("gemeente", 100)])],
        intake_rows=[intake(households=1)],
    )
    # I_c(t) = 1.02^t on the years since the start, whatever the cohort
    assert column(result, "costs") == approx([500 * 1.02**0, 500 * 1.02**1, 0])
    # B[t] = Q · P · V · I_b(t) with Q = 1 · 1.0 and P = 1 in every year
    assert column(result, "benefits") == approx([100, 100 * 1.03, 100 * 1.03**2])


def test_real_price_basis_uses_index_one():
    assert engine.price_index(0.05, 3, "real") == approx([1, 1, 1])
    assert engine.price_index(0.05, 3, "nominal") == approx([1, 1.05, 1.05**2])
    result = calc(
        parameters={"horizon_years": 3, "price_basis": "real"},
        types=[intervention_type(unit_cost=1000, phasing=[0.5, 0.5], links={"werk": 1.0})],
        outcomes=[outcome(values=[value("gemeente", 100)])],
        intake_rows=[intake(households=1)],
    )
    assert column(result, "costs") == approx([500, 500, 0])
    assert column(result, "benefits") == approx([100, 100, 100])


def test_programme_costs_are_indexed_and_assigned_to_their_actor():
    result = calc(
        parameters={"horizon_years": 3, "price_basis": "nominal", "cost_indexation": 0.02},
        programme_costs=[
            {
                "category": "monitoring_research",
                "actor": "zorgverzekeraar",
                "year": 2027,
                "amount": 500,
            },
            {"category": "staff", "actor": "gemeente", "year": 2028, "amount": 1000},
        ],
        intake_rows=[intake(households=1)],
    )
    monitoring = [0, 500 * 1.02, 0]
    staff = [0, 0, 1000 * 1.02**2]
    assert result["costs_by_actor"]["zorgverzekeraar"] == approx(monitoring)
    assert result["costs_by_actor"]["gemeente"] == approx([1000, 0, staff[2]])
    assert result["costs_by_programme_category"]["monitoring_research"] == approx(monitoring)
    assert result["costs_by_programme_category"]["staff"] == approx(staff)
    assert column(result, "costs_programme") == approx([0, 510, 1040.4])
    assert column(result, "costs") == approx([1000, 510, 1040.4])


# --- net attributable outcomes and persistence ----------------------------------------------------


def test_net_attributable_outcomes_apply_every_cut():
    result = calc(
        parameters={"horizon_years": 1},
        outcomes=[
            outcome(
                deadweight_pct=20,
                attribution_pct=10,
                displacement_pct=5,
                confidence_grade=3,  # default optimism-bias table: 0/5/10/15/25/40 → 10%
                values=[value("gemeente", 1000)],
            )
        ],
        types=[intervention_type(links={"werk": 0.5})],
        intake_rows=[intake(households=10)],
    )
    q = 10 * 0.5 * (1 - 0.20) * (1 - 0.10) * (1 - 0.05) * (1 - 0.10)  # = 3.078
    assert q == approx(3.078)
    assert column(result, "benefits") == approx([q * 1000])


@pytest.mark.parametrize(
    ("grade", "cut"), [(1, 0.0), (2, 0.05), (3, 0.10), (4, 0.15), (5, 0.25), (6, 0.40)]
)
def test_optimism_bias_by_confidence_grade(grade, cut):
    result = calc(
        parameters={"horizon_years": 1},
        outcomes=[outcome(confidence_grade=grade)],
        intake_rows=[intake(households=10)],
    )
    assert result["kpis"]["benefits_undiscounted"] == approx(10 * 0.5 * (1 - cut) * 1000)


def test_optimism_bias_table_is_editable():
    result = calc(
        parameters={"horizon_years": 1, "optimism_bias_pct": [0, 0, 0, 0, 0, 50]},
        outcomes=[outcome(confidence_grade=6)],
    )
    assert result["kpis"]["benefits_undiscounted"] == approx(10 * 0.5 * (1 - 0.5) * 1000)


def test_persistence_with_lag_ramp_up_drop_off_and_duration():
    result = calc(
        parameters={"horizon_years": 6},
        outcomes=[
            outcome(
                lag_years=1,
                duration_years=3,
                drop_off_pct=10,
                ramp_up=[0.5],
                values=[value("gemeente", 100)],
            )
        ],
        types=[intervention_type(links={"werk": 1.0})],
        intake_rows=[intake(year=2026, households=1)],
    )
    # u = t − c − lag; P(u) = ρ(u)·(1−δ)^u for 0 ≤ u < D
    expected = [
        0.0,  # t=0: u = −1, not started
        100 * 0.5 * 0.9**0,  # t=1: u = 0, half the effect in its first year (ramp-up)
        100 * 1.0 * 0.9**1,  # t=2: u = 1
        100 * 1.0 * 0.9**2,  # t=3: u = 2
        0.0,  # t=4: u = 3 = D, the effect has ended
        0.0,  # t=5
    ]
    assert column(result, "benefits") == approx(expected)


def test_a_later_cohort_shifts_the_effect():
    result = calc(
        parameters={"horizon_years": 5},
        outcomes=[outcome(lag_years=1, duration_years=2, values=[value("gemeente", 100)])],
        types=[intervention_type(links={"werk": 1.0})],
        intake_rows=[intake(year=2027, households=1)],
    )
    # c = 1: u = t − 1 − 1 → active in t = 2, 3 only (u = 0, 1); ends at lag + D = 2 years later
    assert column(result, "benefits") == approx([0, 0, 100, 100, 0])


def test_persistence_building_blocks():
    persist = engine.persistence(np.array([0.1]), np.array([3]), np.array([[0.5, 0.75]]), horizon=5)
    assert persist[0] == approx([0.5, 0.75 * 0.9, 0.81, 0, 0])
    kernel = engine.effect_kernel(persist, np.array([2]))  # (O, C, T)
    assert kernel[0, 0] == approx([0, 0, 0.5, 0.675, 0.81])
    assert kernel[0, 1] == approx([0, 0, 0, 0.5, 0.675])
    assert kernel[0, 3] == approx([0, 0, 0, 0, 0])
    phi = engine.phasing_kernel(np.array([[0.6, 0.4, 0, 0, 0]]), horizon=3)
    assert phi[0] == approx(np.array([[0.6, 0.4, 0], [0, 0.6, 0.4], [0, 0, 0.6]]))


# --- transfers ------------------------------------------------------------------------------------


def transfer_scenario(**parameters):
    return calc(
        parameters={"horizon_years": 2, **parameters},
        outcomes=[
            outcome(
                values=[
                    # a stopped bijstand payment: a gain for the municipality, a loss for the
                    # household; nets to zero for society
                    value("gemeente", 1000, "fiscal_cashable", transfer=True),
                    value("huishouden", -1000, "economic", transfer=True),
                    # what the household gains for real (wellbeing)
                    value("huishouden", 300, "social"),
                ]
            )
        ],
        types=[intervention_type(unit_cost=500, links={"werk": 1.0})],
        intake_rows=[intake(households=2)],
    )


def test_transfers_are_left_out_of_society_totals_but_kept_per_actor():
    result = transfer_scenario()
    q = 2 * 1.0
    assert column(result, "benefits") == approx([q * 300, q * 300])
    assert result["kpis"]["benefits_undiscounted"] == approx(2 * q * 300)
    assert result["benefits_by_actor"]["gemeente"] == approx([q * 1000, q * 1000])
    assert result["benefits_by_actor"]["huishouden"] == approx([q * (300 - 1000)] * 2)
    assert result["transfers_by_actor"]["gemeente"] == approx([q * 1000] * 2)
    assert result["transfers_by_actor"]["huishouden"] == approx([-q * 1000] * 2)
    assert result["transfers_by_actor"]["zorgverzekeraar"] == approx([0, 0])
    assert column(result, "transfers") == approx([0, 0])
    assert result["benefits_by_value_type"]["social"] == approx([q * 300] * 2)
    assert result["benefits_by_value_type"]["fiscal_cashable"] == approx([0, 0])
    assert result["benefits_by_domain"]["rondkomen"] == approx([q * 300] * 2)
    # …while the municipality's own cashable view keeps the saving
    assert result["kpis"]["municipality_pv_cashable_benefits"] == approx(2 * q * 1000)
    assert result["kpis"]["municipality_financial_return"] == approx(2 * q * 1000 / (2 * 500))


# --- discounting and KPIs -------------------------------------------------------------------------


def kpi_scenario(rate: float = 0.0225) -> dict:
    """Costs 2 · 1000 in 2026; benefits of 2 · 0.5 = 1 outcome a year, from 2027 (lag 1), worth 600
    to the municipality (cashable), 200 to it non-cashable and 400 to the health insurer."""
    return calc(
        parameters={"horizon_years": 4, "discount_rate": rate},
        outcomes=[
            outcome(
                lag_years=1,
                values=[
                    value("gemeente", 600, "fiscal_cashable"),
                    value("gemeente", 200, "fiscal_non_cashable"),
                    value("zorgverzekeraar", 400, "economic"),
                ],
            )
        ],
        types=[intervention_type(unit_cost=1000, links={"werk": 0.5})],
        intake_rows=[intake(households=2)],
    )


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


def break_even_scenario(unit_cost: float = 100, rate: float = 0.0) -> dict:
    """Net [−unit_cost, 40, 80]: costs in 2026, 40 from outcome a in 2027, 80 from b in 2028."""
    return calc(
        parameters={"horizon_years": 3, "discount_rate": rate},
        outcomes=[
            outcome("a", lag_years=1, duration_years=1, values=[value("gemeente", 40)]),
            outcome("b", lag_years=2, duration_years=1, values=[value("gemeente", 80)]),
        ],
        types=[intervention_type(unit_cost=unit_cost, links={"a": 1.0, "b": 1.0})],
        intake_rows=[intake(households=1)],
    )


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


# --- uncertainty ----------------------------------------------------------------------------------


def uncertainty_scenario(**sections) -> dict:
    """kpi_scenario with r = 0: PV costs 2000, PV benefits 3600, NPV 1600."""
    return calc(
        parameters={"horizon_years": 4, "discount_rate": 0.0, "monte_carlo_draws": 2000},
        outcomes=[
            outcome(
                lag_years=1,
                values=[value("gemeente", 600), value("zorgverzekeraar", 600, "economic")],
            )
        ],
        types=[intervention_type(unit_cost=1000, links={"werk": 0.5})],
        intake_rows=[intake(households=2)],
        **sections,
    )


def test_tornado_moves_each_parameter_alone_and_sorts_by_swing():
    result = uncertainty_scenario(
        uncertainty=[
            {"parameter": "cost_factor", "low": 0.8, "high": 1.2},
            {"parameter": "benefit_factor", "low": 0.5, "high": 1.5},
            {"parameter": "deadweight_pct", "outcome": "werk", "low": 0, "high": 10},
        ]
    )
    assert result["kpis"]["npv"] == approx(3600 - 2000)
    bars = {bar["kind"]: bar for bar in result["tornado"]}
    assert bars["cost_factor"]["npv_low"] == approx(3600 - 0.8 * 2000)
    assert bars["cost_factor"]["npv_high"] == approx(3600 - 1.2 * 2000)
    assert bars["cost_factor"]["swing"] == approx(0.4 * 2000)
    assert bars["benefit_factor"]["npv_low"] == approx(0.5 * 3600 - 2000)
    assert bars["benefit_factor"]["npv_high"] == approx(1.5 * 3600 - 2000)
    assert bars["benefit_factor"]["swing"] == approx(1.0 * 3600)
    # deadweight 0 → 10%: benefits × 0.9
    assert bars["deadweight"]["low"] == approx(0.0)
    assert bars["deadweight"]["high"] == approx(0.10)
    assert bars["deadweight"]["npv_low"] == approx(1600)
    assert bars["deadweight"]["npv_high"] == approx(0.9 * 3600 - 2000)
    assert bars["deadweight"]["swing"] == approx(0.1 * 3600)
    assert [bar["kind"] for bar in result["tornado"]] == [
        "benefit_factor",  # swing 3600
        "cost_factor",  # swing 800
        "deadweight",  # swing 360
    ]


def test_tornado_of_unit_cost_probability_and_drop_off():
    result = uncertainty_scenario(
        uncertainty=[
            {"parameter": "unit_cost", "intervention_type": "coach", "low": 800, "high": 1500},
            {
                "parameter": "success_probability",
                "intervention_type": "coach",
                "outcome": "werk",
                "low": 0.25,
                "high": 0.5,
            },
            {"parameter": "drop_off_pct", "outcome": "werk", "low": 0, "high": 50},
            {"parameter": "value_factor", "outcome": "werk", "low": 0.5, "high": 1},
        ]
    )
    bars = {bar["kind"]: bar for bar in result["tornado"]}
    assert bars["unit_cost"]["npv_low"] == approx(3600 - 2 * 800)
    assert bars["unit_cost"]["npv_high"] == approx(3600 - 2 * 1500)
    # probability 0.25: half the outcomes
    assert bars["success_probability"]["npv_low"] == approx(1800 - 2000)
    assert bars["success_probability"]["npv_high"] == approx(1600)
    # drop-off 50%: P(u) = 0.5^u for u = 0, 1, 2 → 1200 · (1 + 0.5 + 0.25)
    assert bars["drop_off"]["npv_high"] == approx(1200 * 1.75 - 2000)
    assert bars["value_factor"]["npv_low"] == approx(0.5 * 3600 - 2000)


def test_switching_values():
    r = 0.0225
    result = kpi_scenario(rate=r)
    kpis = result["kpis"]
    values = {row["kind"]: row for row in result["switching_values"]}
    # NPV(f) = PV_B − f · PV_C is linear in the cost factor: zero at f = PV_B / PV_C
    assert values["cost_factor"]["switching_value"] == approx(
        kpis["multiplier_discounted"], rel=1e-9
    )
    # NPV(f) = f · PV_B − PV_C: zero at f = PV_C / PV_B
    assert values["benefit_factor"]["switching_value"] == approx(
        1 / kpis["multiplier_discounted"], rel=1e-9
    )
    # the discount rate at which NPV = 0 is the IRR
    assert values["discount_rate"]["switching_value"] == approx(kpis["irr"], rel=1e-9)
    assert values["cost_factor"]["base_npv"] == approx(kpis["npv"])
    assert values["discount_rate"]["base"] == r


def test_switching_value_of_a_ranged_parameter_and_none_when_npv_keeps_its_sign():
    result = uncertainty_scenario(
        uncertainty=[
            {"parameter": "deadweight_pct", "outcome": "werk", "low": 0, "high": 50},
            {"parameter": "discount_rate", "low": 0, "high": 0.05},
        ]
    )
    values = {row["kind"]: row for row in result["switching_values"]}
    # 3600 · (1 − DW) = 2000 → DW = 1 − 2000/3600
    assert values["deadweight"]["switching_value"] == approx(1 - 2000 / 3600, rel=1e-9)
    # the key parameters are added next to the ranged ones, each once
    assert sorted(row["kind"] for row in result["switching_values"]) == [
        "benefit_factor",
        "cost_factor",
        "deadweight",
        "discount_rate",
    ]
    never = calc(types=[intervention_type(unit_cost=0)])
    rows = {row["kind"]: row for row in never["switching_values"]}
    assert rows["discount_rate"]["switching_value"] is None


def test_pert_draws_use_the_alpha_beta_formula():
    low, mode, high, n = 10.0, 12.0, 20.0, 5000
    alpha = 1 + 4 * (mode - low) / (high - low)  # = 1.8
    beta = 1 + 4 * (high - mode) / (high - low)  # = 4.2
    draws = engine.pert_draws(np.random.default_rng(3), low, mode, high, n)
    expected = low + (high - low) * np.random.default_rng(3).beta(alpha, beta, size=n)
    assert draws == approx(expected)
    assert draws.min() >= low
    assert draws.max() <= high
    # PERT mean (min + 4·mode + max)/6 = 12.67
    assert draws.mean() == approx((low + 4 * mode + high) / 6, abs=0.1)
    collapsed = engine.pert_draws(np.random.default_rng(3), 5.0, 5.0, 5.0, 4)
    assert collapsed.tolist() == [5.0] * 4


def test_monte_carlo_results():
    result = uncertainty_scenario(
        uncertainty=[
            {"parameter": "cost_factor", "low": 0.8, "high": 1.5},
            {"parameter": "benefit_factor", "low": 0.5, "high": 1.2},
        ]
    )
    mc = result["monte_carlo"]
    assert mc["draws"] == 2000
    assert mc["seed"] == 7
    assert result["meta"]["seed"] == 7
    assert mc["parameters"] == ["cost_factor", "benefit_factor"]
    # NPV = 3600·b − 2000·c lies in [3600·0.5 − 2000·1.5, 3600·1.2 − 2000·0.8]
    assert -1200 <= mc["npv"]["p10"] <= mc["npv"]["p50"] <= mc["npv"]["p90"] <= 2720
    assert 0 < mc["probability_npv_positive"] < 1
    assert mc["multiplier"]["p10"] <= mc["multiplier"]["p50"] <= mc["multiplier"]["p90"]
    assert mc["multiplier"]["p10"] >= 1800 / 3000
    assert mc["multiplier"]["p90"] <= 4320 / 1600
    assert sum(mc["npv_histogram"]["counts"]) == 2000
    assert 0 < mc["probability_break_even_reached"] < 1
    assert "no_uncertainty_ranges" not in result["meta"]["warnings"]


def test_monte_carlo_break_even_calendar_year():
    # no ranges: every draw is the deterministic case, break-even after 2.75 years (in 2028)
    result = break_even_scenario()
    mc = result["monte_carlo"]
    assert mc["break_even_years"] == {"p10": 2.75, "p50": 2.75, "p90": 2.75}
    assert mc["break_even_calendar_year"] == {"p10": 2028, "p50": 2028, "p90": 2028}
    assert "no_uncertainty_ranges" in result["meta"]["warnings"]
    not_reached = break_even_scenario(unit_cost=130)["monte_carlo"]
    assert not_reached["break_even_years"] == {"p10": None, "p50": None, "p90": None}
    assert not_reached["probability_break_even_reached"] == 0


# --- the document round trip ----------------------------------------------------------------------


def test_parse_scenario_builds_the_engine_inputs():
    document = scenario(
        parameters={"horizon_years": 3, "optimism_bias_pct": [0, 5, 10, 15, 25, 40]},
        outcomes=[outcome(deadweight_pct=20, lag_years=1, duration_years=2, ramp_up=[0.5])],
        types=[intervention_type(unit_cost=1000, phasing=[0.6, 0.4])],
        intake_rows=[intake(year=2027, households=4)],
    )
    parsed = parse_scenario(document)
    inputs = parsed.inputs
    assert parsed.warnings == []
    assert inputs.actors == ("gemeente", "huishouden", "zorgverzekeraar")
    assert inputs.actor_is_municipality.tolist() == [True, False, False]
    assert inputs.domains == ("rondkomen", "gezondheid")
    assert inputs.planned.tolist() == [[0, 4, 0]]
    assert inputs.type_phasing.tolist() == [[0.6, 0.4, 0, 0, 0]]
    assert inputs.outcome_deadweight.tolist() == [0.2]
    assert inputs.outcome_ramp_up.tolist() == [[0.5]]
    assert inputs.optimism_bias.tolist() == approx([0, 0.05, 0.10, 0.15, 0.25, 0.40])
    assert inputs.link_probability.tolist() == [0.5]
    assert engine.net_share(inputs).tolist() == approx([0.8])


def test_overrides_apply_on_top_of_the_catalogue():
    result = calc(
        parameters={"horizon_years": 1},
        overrides=[
            {"parameter": "unit_cost", "intervention_type": "coach", "value": 1200},
            {
                "parameter": "success_probability",
                "intervention_type": "coach",
                "outcome": "werk",
                "value": 0.8,
            },
            {"parameter": "deadweight_pct", "outcome": "werk", "value": 25},
            {"parameter": "value_factor", "outcome": "werk", "value": 2},
        ],
    )
    assert result["kpis"]["costs_undiscounted"] == approx(10 * 1200)
    assert result["kpis"]["benefits_undiscounted"] == approx(10 * 0.8 * 0.75 * 2 * 1000)


def test_registered_interventions_count_when_asked():
    rows = [{"intervention_type": "coach", "year": 2026, "households": 3, "cost": 2400}]
    ignored = calc(parameters={"horizon_years": 1}, intake_rows=[], registered_intake=rows)
    assert ignored["kpis"]["households"] == 0
    result = calc(
        parameters={
            "horizon_years": 2,
            "count_registered": True,
            "price_basis": "nominal",
            "cost_indexation": 0.1,
        },
        intake_rows=[],
        registered_intake=rows,
    )
    # actual costs are paid amounts: not indexed again
    assert column(result, "costs") == approx([2400, 0])
    assert result["kpis"]["households_registered"] == 3
    assert column(result, "benefits") == approx([3 * 0.5 * 1000, 3 * 0.5 * 1000])


def test_results_carry_inputs_hash_and_model_version():
    document = scenario()
    first = calculate_document(document)
    second = calculate_document(scenario())
    assert first["meta"]["inputs_hash"] == second["meta"]["inputs_hash"]
    assert first["meta"]["model_version"] == engine.MODEL_VERSION
    changed = calculate_document(scenario(parameters={"seed": 8}))
    assert changed["meta"]["inputs_hash"] != first["meta"]["inputs_hash"]
    assert first["meta"]["years"] == [2026, 2027, 2028, 2029, 2030]
