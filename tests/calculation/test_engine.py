"""The calculation engine against hand-computed cases, one per formula of DESIGN §4: costs, net
attributable outcomes with their persistence, and transfers.

Every scenario goes through the file format (``calculate_document`` / ``parse_scenario``); the
arithmetic of the expected value is written out in the test.
"""

from __future__ import annotations

import numpy as np
import pytest

from calculation import engine

from .engine_cases import (
    by_code,
    calc,
    column,
    transfer_scenario,
)
from .scenario_docs import intake, intervention_type, outcome, value

approx = pytest.approx


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
