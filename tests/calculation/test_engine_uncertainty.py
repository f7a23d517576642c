"""The calculation engine against hand-computed cases (DESIGN §4): tornado, switching values and
Monte Carlo; and the scenario document turned into the engine's inputs."""

from __future__ import annotations

import numpy as np
import pytest

from calculation import engine
from calculation.scenario import calculate_document, parse_scenario

from .engine_cases import (
    break_even_scenario,
    calc,
    column,
    kpi_scenario,
)
from .scenario_docs import intake, intervention_type, outcome, scenario, value

approx = pytest.approx


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
