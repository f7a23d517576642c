"""Properties of the calculation engine that hold for any scenario (hypothesis)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calculation import engine
from calculation.scenario import calculate_document

from .scenario_docs import START, intake, intervention_type, outcome, scenario, value

# Hundreds of generated programmes: the slow tier.
pytestmark = pytest.mark.slow

approx = pytest.approx

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ACTOR_CODES = ("gemeente", "huishouden", "zorgverzekeraar")
VALUE_TYPES = ("fiscal_cashable", "fiscal_non_cashable", "economic", "social")

percent = st.integers(min_value=0, max_value=60)
amount = st.integers(min_value=-2000, max_value=5000).map(float)


@st.composite
def phasings(draw) -> list[float]:
    weights = draw(st.lists(st.integers(1, 10), min_size=1, max_size=3))
    return [w / sum(weights) for w in weights]


@st.composite
def outcomes(draw, code: str) -> dict:
    values = draw(
        st.lists(
            st.builds(
                value,
                actor=st.sampled_from(ACTOR_CODES),
                amount=amount,
                value_type=st.sampled_from(VALUE_TYPES),
                transfer=st.booleans(),
            ),
            min_size=1,
            max_size=4,
        )
    )
    return outcome(
        code,
        domain=draw(st.sampled_from(["rondkomen", "gezondheid"])),
        lag_years=draw(st.integers(0, 3)),
        duration_years=draw(st.integers(1, 10)),
        drop_off_pct=draw(percent),
        deadweight_pct=draw(percent),
        attribution_pct=draw(percent),
        displacement_pct=draw(percent),
        confidence_grade=draw(st.integers(1, 6)),
        ramp_up=draw(st.lists(st.sampled_from([0.25, 0.5, 1.0]), max_size=2)),
        values=values,
    )


@st.composite
def documents(draw, *, with_programme: bool = True) -> dict:
    """A random valid scenario: 1–8 years, two outcomes, two intervention types."""
    horizon = draw(st.integers(1, 8))
    nominal = draw(st.booleans())
    parameters = {
        "horizon_years": horizon,
        "discount_rate": draw(st.sampled_from([0.0, 0.02, 0.0225, 0.035, 0.1])),
        "price_basis": "nominal" if nominal else "real",
        "cost_indexation": draw(st.sampled_from([0.0, 0.02, 0.05])) if nominal else 0.0,
        "benefit_indexation": draw(st.sampled_from([0.0, 0.01, 0.03])) if nominal else 0.0,
        "financing_rate": draw(st.sampled_from([0.0, 0.025])),
    }
    probability = st.sampled_from([0.0, 0.1, 0.35, 0.5, 0.9, 1.0])
    types = [
        intervention_type(
            "coach",
            unit_cost=draw(st.integers(0, 5000)),
            phasing=draw(phasings()),
            payer=draw(st.sampled_from(ACTOR_CODES)),
            links={"werk": draw(probability), "gezond": draw(probability)},
        ),
        intervention_type(
            "schuldhulp",
            unit_cost=draw(st.integers(0, 5000)),
            phasing=draw(phasings()),
            payer=draw(st.sampled_from(ACTOR_CODES)),
            links={"gezond": draw(probability)},
        ),
    ]
    rows = [
        intake(code, START + t, draw(st.integers(0, 300)))
        for code in ("coach", "schuldhulp")
        for t in range(horizon)
        if draw(st.booleans())
    ]
    sections = {}
    if with_programme and draw(st.booleans()):
        sections["programme_costs"] = [
            {
                "category": "monitoring_research",
                "actor": draw(st.sampled_from(ACTOR_CODES)),
                "year": START + draw(st.integers(0, horizon - 1)),
                "amount": draw(st.integers(0, 20000)),
            }
        ]
    return scenario(
        parameters=parameters,
        outcomes=[draw(outcomes("werk")), draw(outcomes("gezond"))],
        types=types,
        intake_rows=rows,
        **sections,
    )


def column(result: dict, key: str) -> np.ndarray:
    return np.array([row[key] for row in result["year_table"]])


def scaled(document: dict, factor: float) -> dict:
    rows = [{**row, "households": row["households"] * factor} for row in document["intake"]]
    return {**document, "intake": rows}


@SETTINGS
@given(documents(with_programme=False), st.integers(0, 5))
def test_costs_and_benefits_scale_linearly_with_volume(document, factor):
    base = calculate_document(document)
    more = calculate_document(scaled(document, factor))
    for key in ("costs", "benefits", "transfers", "net"):
        assert column(more, key) == approx(factor * column(base, key), rel=1e-9, abs=1e-6)
    for actor in ACTOR_CODES:
        assert np.array(more["benefits_by_actor"][actor]) == approx(
            factor * np.array(base["benefits_by_actor"][actor]), rel=1e-9, abs=1e-6
        )
        assert np.array(more["costs_by_actor"][actor]) == approx(
            factor * np.array(base["costs_by_actor"][actor]), rel=1e-9, abs=1e-6
        )
    assert more["kpis"]["npv"] == approx(factor * base["kpis"]["npv"], rel=1e-9, abs=1e-6)


@SETTINGS
@given(documents(with_programme=False))
def test_zero_volume_gives_zero_costs_and_benefits(document):
    result = calculate_document(scaled(document, 0))
    assert not column(result, "costs").any()
    assert not column(result, "benefits").any()
    for actor in ACTOR_CODES:
        assert not np.any(result["benefits_by_actor"][actor])
        assert not np.any(result["costs_by_actor"][actor])
    assert result["kpis"]["npv"] == 0
    assert result["kpis"]["multiplier_discounted"] is None


@SETTINGS
@given(
    st.lists(st.floats(min_value=0, max_value=1e7), min_size=1, max_size=30),
    st.floats(min_value=-0.2, max_value=0.5),
    st.floats(min_value=0, max_value=0.5),
)
def test_higher_discount_rate_never_raises_pv_of_positive_flows(flows, rate, step):
    flows = np.array(flows)
    low = (flows * engine.discount_factors(rate, len(flows))).sum()
    high = (flows * engine.discount_factors(rate + step, len(flows))).sum()
    assert high <= low * (1 + 1e-12)


@st.composite
def net_batches(draw) -> np.ndarray:
    """A batch of yearly net flows (D rows of T years), whole euros so that sums are exact."""
    horizon = draw(st.integers(1, 12))
    year = st.integers(-1000, 1000).map(float) | st.just(0.0)
    rows = draw(st.lists(st.lists(year, min_size=horizon, max_size=horizon), min_size=1))
    return np.array(rows)


@settings(max_examples=200, deadline=None)
@given(net_batches())
def test_break_even_is_where_the_cumulative_net_stays_at_or_above_zero(rows):
    years, index = engine.break_even(rows)
    assert years.shape == index.shape == (rows.shape[0],)
    for row, y, t in zip(rows, years, index, strict=True):
        cum = np.cumsum(row)
        if not row.any() or cum[-1] < 0:
            assert t == -1 and np.isnan(y)
        elif t == 0:
            assert (cum >= 0).all() and y == 0
        else:
            # the last crossing: below zero at the end of year t−1, never again from year t on
            assert cum[t - 1] < 0 and (cum[t:] >= 0).all()
            assert y == approx(t + (-cum[t - 1]) / row[t])
            assert t < y <= t + 1
        # the batch gives each row what it gives the row alone
        alone_years, alone_index = engine.break_even(row)
        assert alone_index[0] == t
        assert alone_years[0] == approx(y, nan_ok=True)


@SETTINGS
@given(documents(), st.sampled_from([0.0, 0.02, 0.05]), st.sampled_from([0.001, 0.01, 0.1]))
def test_higher_discount_rate_never_raises_pv_in_the_engine(document, rate, step):
    # make every money value non-negative so all flows are positive
    for item in document["catalogue"]["outcomes"]:
        for v in item["values"]:
            v["annual_amount"] = abs(v["annual_amount"])
    results = [
        calculate_document(
            {**document, "parameters": {**document["parameters"], "discount_rate": r}}
        )["kpis"]
        for r in (rate, rate + step)
    ]
    assert results[1]["pv_benefits"] <= results[0]["pv_benefits"] * (1 + 1e-12)
    assert results[1]["pv_costs"] <= results[0]["pv_costs"] * (1 + 1e-12)


@SETTINGS
@given(documents())
def test_society_totals_equal_the_actors_minus_transfers(document):
    result = calculate_document(document)
    by_actor = np.array([result["benefits_by_actor"][a] for a in ACTOR_CODES])
    transfers = np.array([result["transfers_by_actor"][a] for a in ACTOR_CODES])
    benefits = column(result, "benefits")
    assert benefits == approx(by_actor.sum(axis=0) - transfers.sum(axis=0), abs=1e-6)
    # the other society breakdowns add up to the same totals
    by_domain = np.array(list(result["benefits_by_domain"].values())).sum(axis=0)
    by_type = np.array(list(result["benefits_by_value_type"].values())).sum(axis=0)
    assert by_domain == approx(benefits, abs=1e-6)
    assert by_type == approx(benefits, abs=1e-6)
    matrix = np.array(result["actor_domain_matrix"]["undiscounted"])
    assert matrix.sum() == approx(benefits.sum(), abs=1e-6)
    costs = np.array([result["costs_by_actor"][a] for a in ACTOR_CODES]).sum(axis=0)
    assert costs == approx(column(result, "costs"), abs=1e-6)
    # an actor without transfer-flagged values has no transfers
    with_transfers = {
        v["actor"]
        for item in document["catalogue"]["outcomes"]
        for v in item["values"]
        if v["is_transfer"]
    }
    for actor in set(ACTOR_CODES) - with_transfers:
        assert not np.any(result["transfers_by_actor"][actor])


RANGES = [
    {"parameter": "cost_factor", "low": 0.8, "high": 1.3},
    {"parameter": "benefit_factor", "low": 0.6, "high": 1.2},
    {"parameter": "discount_rate", "low": 0.0, "high": 0.04},
    {"parameter": "deadweight_pct", "outcome": "werk", "low": 0, "high": 40},
    {"parameter": "drop_off_pct", "outcome": "werk", "low": 0, "high": 30},
]


def ranged_document(seed: int) -> dict:
    return scenario(
        parameters={"horizon_years": 8, "discount_rate": 0.0225, "seed": seed},
        outcomes=[outcome(lag_years=1, duration_years=5, drop_off_pct=10)],
        types=[intervention_type(unit_cost=3000, phasing=[0.5, 0.5])],
        intake_rows=[intake(year=START + t, households=20) for t in range(4)],
        uncertainty=RANGES,
    )


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 2**32 - 2))
def test_monte_carlo_is_reproducible_with_a_fixed_seed(seed):
    first = calculate_document(ranged_document(seed))["monte_carlo"]
    again = calculate_document(ranged_document(seed))["monte_carlo"]
    assert first == again
    other = calculate_document(ranged_document(seed + 1))["monte_carlo"]
    assert other["seed"] == seed + 1
    assert other["npv_mean"] != first["npv_mean"]
    assert other["npv_histogram"] != first["npv_histogram"]


def collapsed_ranges(document: dict) -> list[dict]:
    """Every kind of uncertain parameter with low == high == the value the calculation uses."""
    catalogue = document["catalogue"]
    rate = document["parameters"]["discount_rate"]
    ranges = [
        {"parameter": "discount_rate", "low": rate, "high": rate},
        {"parameter": "cost_factor", "low": 1, "high": 1},
        {"parameter": "benefit_factor", "low": 1, "high": 1},
    ]
    for item in catalogue["intervention_types"]:
        cost = item["unit_cost"]
        ranges.append(
            {
                "parameter": "unit_cost",
                "intervention_type": item["code"],
                "low": cost,
                "high": cost,
            }
        )
        for link in item["outcomes"]:
            p = link["success_probability"]
            ranges.append(
                {
                    "parameter": "success_probability",
                    "intervention_type": item["code"],
                    "outcome": link["outcome"],
                    "low": p,
                    "high": p,
                }
            )
    for item in catalogue["outcomes"]:
        for key in ("deadweight_pct", "attribution_pct", "displacement_pct", "drop_off_pct"):
            ranges.append(
                {"parameter": key, "outcome": item["code"], "low": item[key], "high": item[key]}
            )
        ranges.append({"parameter": "value_factor", "outcome": item["code"], "low": 1, "high": 1})
    return ranges


@SETTINGS
@given(documents())
def test_monte_carlo_with_collapsed_ranges_equals_the_deterministic_result(document):
    document["uncertainty"] = collapsed_ranges(document)
    result = calculate_document(document)
    npv = result["kpis"]["npv"]
    mc = result["monte_carlo"]
    assert len(mc["parameters"]) == len(document["uncertainty"])
    for name in ("p10", "p50", "p90"):
        assert mc["npv"][name] == approx(npv, rel=1e-9, abs=1e-6)
    if abs(npv) > 1e-6:
        assert mc["probability_npv_positive"] == (1.0 if npv > 0 else 0.0)
    multiplier = result["kpis"]["multiplier_discounted"]
    if multiplier is not None:
        assert mc["multiplier"]["p50"] == approx(multiplier, rel=1e-9)
    years = result["kpis"]["break_even_years"]
    if years is None:
        assert mc["break_even_years"]["p50"] is None
    else:
        assert mc["break_even_years"]["p50"] == approx(years, rel=1e-9, abs=1e-9)
    # tornado bars with no range have no swing and sit at the deterministic NPV
    for bar in result["tornado"]:
        assert bar["npv_low"] == approx(npv, rel=1e-9, abs=1e-6)
        assert bar["npv_high"] == approx(npv, rel=1e-9, abs=1e-6)


@SETTINGS
@given(documents())
def test_tornado_and_switching_values_agree_with_the_deterministic_npv(document):
    result = calculate_document(document)
    npv = result["kpis"]["npv"]
    for row in result["switching_values"]:
        assert row["base_npv"] == approx(npv, rel=1e-9, abs=1e-6)
    values = {row["kind"]: row["switching_value"] for row in result["switching_values"]}
    pv_costs, pv_benefits = result["kpis"]["pv_costs"], result["kpis"]["pv_benefits"]
    if pv_costs > 1e-6 and pv_benefits > 1e-6:
        assert values["cost_factor"] == approx(pv_benefits / pv_costs, rel=1e-6)
        assert values["benefit_factor"] == approx(pv_costs / pv_benefits, rel=1e-6)


def _range_and_override(document: dict, kind: str, fraction: float) -> tuple[dict, dict]:
    """An uncertainty range whose low end is ``fraction`` of the way from the bottom of the
    parameter's domain to its base value, and the override that sets the parameter to that end."""
    coach = document["catalogue"]["intervention_types"][0]
    werk = document["catalogue"]["outcomes"][0]
    if kind == "unit_cost":
        base = coach["unit_cost"]
        low = base * fraction
        target = {"intervention_type": "coach"}
    elif kind == "success_probability":
        base = coach["outcomes"][0]["success_probability"]
        low = base * fraction
        target = {"intervention_type": "coach", "outcome": "werk"}
    elif kind == "value_factor":
        base, low, target = 1.0, fraction, {"outcome": "werk"}
    else:  # the percentages of an outcome, ranged upwards from the base
        base = werk[kind]
        low = base + (100 - base) * fraction
        target = {"outcome": "werk"}
    ranged = {"parameter": kind, **target, "low": min(low, base), "high": max(low, base)}
    override = {"parameter": kind, **target, "value": low}
    return ranged, override


@SETTINGS
@given(
    documents(),
    st.sampled_from(
        [
            "unit_cost",
            "success_probability",
            "value_factor",
            "deadweight_pct",
            "attribution_pct",
            "displacement_pct",
            "drop_off_pct",
        ]
    ),
    st.sampled_from([0.0, 0.3, 0.75]),
)
def test_tornado_ends_equal_a_deterministic_run_with_the_parameter_overridden(
    document, kind, fraction
):
    ranged, override = _range_and_override(document, kind, fraction)
    result = calculate_document({**document, "uncertainty": [ranged]})
    (bar,) = result["tornado"]
    moved = calculate_document({**document, "overrides": [override]})["kpis"]["npv"]
    end = "npv_low" if override["value"] == ranged["low"] else "npv_high"
    assert bar[end] == approx(moved, rel=1e-9, abs=1e-6)


@SETTINGS
@given(documents(), st.sampled_from([0.0, 0.01, 0.05, 0.2]))
def test_tornado_of_the_discount_rate_equals_a_run_at_that_rate(document, rate):
    base = document["parameters"]["discount_rate"]
    ranged = {"parameter": "discount_rate", "low": min(rate, base), "high": max(rate, base)}
    (bar,) = calculate_document({**document, "uncertainty": [ranged]})["tornado"]
    parameters = {**document["parameters"], "discount_rate": rate}
    moved = calculate_document({**document, "parameters": parameters})["kpis"]["npv"]
    end = "npv_low" if rate == ranged["low"] else "npv_high"
    assert bar[end] == approx(moved, rel=1e-9, abs=1e-6)
