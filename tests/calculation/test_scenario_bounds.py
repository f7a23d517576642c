"""No scenario file makes SIEX fail (continued): a control character in any text is refused at its
place, every amount, volume, factor and seed has an upper bound, and a result that is not a finite
number is refused before anything is stored."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
from django.core.exceptions import ValidationError

from calculation import engine
from calculation.scenario import (
    MAX_AMOUNT,
    MAX_FACTOR,
    MAX_HOUSEHOLDS,
    MAX_RAMP_UP_YEARS,
    MAX_SEED,
    ScenarioError,
    calculate_document,
    parse_scenario,
)
from siex.accounts.roles import Role

from .scenario_cases import CONTROL, errors_of, full_document
from .scenario_docs import START, intake, intervention_type, outcome, scenario, value

# --- control characters at every text of the file -------------------------------------------------


def test_the_full_document_is_calculated():
    results = calculate_document(full_document())
    assert results["kpis"]["households"] == 12


TEXT_FIELDS = [
    ("code",),
    ("name",),
    ("description",),
    ("note",),
    ("assumptions", 1),
    ("intake", 0, "intervention_type"),
    ("programme_costs", 0, "description"),
    ("programme_costs", 0, "category"),
    ("programme_costs", 0, "actor"),
    ("uncertainty", 1, "outcome"),
    ("uncertainty", 0, "parameter"),
    ("overrides", 0, "reason"),
    ("registered_intake", 0, "intervention_type"),
    ("parameters", "price_basis"),
    ("catalogue", "life_domains", 0, "name_nl"),
    ("catalogue", "actors", 2, "code"),
    ("catalogue", "actors", 0, "sector"),
    ("catalogue", "actors", 0, "description"),
    ("catalogue", "outcomes", 0, "life_domain"),
    ("catalogue", "outcomes", 0, "source"),
    ("catalogue", "outcomes", 0, "values", 1, "value_type"),
    ("catalogue", "intervention_types", 0, "provider"),
    ("catalogue", "intervention_types", 0, "outcomes", 0, "outcome"),
]


def path_text(steps) -> str:
    text = ""
    for step in steps:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text


@pytest.mark.parametrize("steps", TEXT_FIELDS, ids=path_text)
@pytest.mark.parametrize("character", ["\x00", "\x07", "\x1b", "\x9b", "\ud800"])
def test_a_control_character_in_any_text_is_refused_at_its_place(steps, character):
    document = full_document()
    holder = document
    for step in steps[:-1]:
        holder = holder[step]
    holder[steps[-1]] = str(holder[steps[-1]]) + character
    errors = errors_of(document)
    place = path_text(steps)
    assert list(errors) == [place]  # reported once, and nothing else is said about it
    assert errors[place].startswith(CONTROL)


def test_a_control_character_in_a_key_is_refused():
    document = full_document()
    document["catalogue"]["outcomes"][0]["extra\x00"] = "x"
    errors = errors_of(document)
    assert list(errors) == ["catalogue.outcomes[0].extra"]
    assert errors["catalogue.outcomes[0].extra"].startswith(CONTROL)


def test_tab_and_new_line_stay_allowed():
    document = full_document()
    document["note"] = "Regel 1\nRegel 2\tmet tab\r\n"
    parse_scenario(document)


@pytest.mark.django_db
def test_the_catalogue_file_refuses_control_characters_before_anything_is_stored(
    groningen_catalogue,
):
    from interventions.catalogue.file import catalogue_dump, catalogue_load
    from interventions.catalogue.models import LifeDomainMapping, Outcome

    data = catalogue_dump()
    before = json.dumps(data, sort_keys=True)
    data["outcomes"][0]["code"] = "nieuw\x00"  # PostgreSQL cannot even look this up
    data["outcomes"][1]["source"] = "bron\x07"
    data["life_domain_mappings"][0]["label"] = "wonen\x1b"
    data["intervention_types"][2]["outcomes"][0]["note"] = "\x9b"
    with pytest.raises(ValidationError) as caught:
        catalogue_load(data)
    messages = caught.value.messages
    assert [message.split(":")[0] for message in messages] == [
        "life_domain_mappings[0].label",
        "outcomes[0].code",
        "outcomes[1].source",
        "intervention_types[2].outcomes[0].note",
    ]
    assert all(CONTROL in message for message in messages)
    assert json.dumps(catalogue_dump(), sort_keys=True) == before
    assert not Outcome.objects.filter(code__startswith="nieuw").exists()
    assert LifeDomainMapping.objects.count() == len(data["life_domain_mappings"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "place, bad",
    [
        ("life_domains[0].code", ["wonen"]),
        ("life_domains[0].code", {"code": "wonen"}),
        ("life_domain_mappings[0].domain", ["wonen"]),
        ("actors[0].code", ["gemeente"]),
        ("actors[0].budget_lines[0].code", 5),
        ("outcomes[0].code", ["x"]),
        ("outcomes[0].life_domain", ["x"]),
        ("outcomes[0].values[0].actor", ["gemeente"]),
        ("intervention_types[0].code", ["x"]),
        ("intervention_types[0].paying_actor", ["gemeente"]),
        ("intervention_types[0].paying_budget_line", ["bijstand"]),
        ("intervention_types[0].outcomes[0].outcome", ["x"]),
    ],
)
def test_the_catalogue_file_refuses_a_code_that_is_no_text(place, bad):
    from interventions.catalogue.file import catalogue_load

    path = Path(__file__).resolve().parents[2] / "interventions/data/catalogue_groningen.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    holder = data
    steps = [int(step) if step.isdigit() else step for step in re.split(r"[.\[\]]+", place) if step]
    for step in steps[:-1]:
        holder = holder[step]
    holder[steps[-1]] = bad
    with pytest.raises(ValidationError) as caught:
        catalogue_load(data)
    assert caught.value.messages == [f"{place}: Expected text."]


# --- upper bounds ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "document_at, limit, path",
    [
        (
            lambda x: scenario(intake_rows=[intake(households=x)]),
            MAX_HOUSEHOLDS,
            "intake[0].households",
        ),
        (
            lambda x: scenario(intake_rows=[intake(unit_cost=x)]),
            MAX_AMOUNT,
            "intake[0].unit_cost",
        ),
        (
            lambda x: scenario(types=[intervention_type(unit_cost=x)]),
            MAX_AMOUNT,
            "catalogue.intervention_types[0].unit_cost",
        ),
        (
            lambda x: scenario(outcomes=[outcome(values=[value(amount=x)])]),
            MAX_AMOUNT,
            "catalogue.outcomes[0].values[0].annual_amount",
        ),
        (
            lambda x: scenario(outcomes=[outcome(values=[value(amount=-x)])]),
            MAX_AMOUNT,
            "catalogue.outcomes[0].values[0].annual_amount",
        ),
        (
            lambda x: scenario(
                programme_costs=[
                    {"category": "staff", "actor": "gemeente", "year": START, "amount": x}
                ]
            ),
            MAX_AMOUNT,
            "programme_costs[0].amount",
        ),
        (
            lambda x: scenario(budget=[{"year": START, "amount": -x}]),
            MAX_AMOUNT,
            "budget[0].amount",
        ),
        (
            lambda x: scenario(
                parameters={"count_registered": True},
                registered_intake=[
                    {"intervention_type": "coach", "year": START, "households": 1, "cost": x}
                ],
            ),
            MAX_AMOUNT,
            "registered_intake[0].cost",
        ),
        (
            lambda x: scenario(
                parameters={"count_registered": True},
                registered_intake=[
                    {"intervention_type": "coach", "year": START, "households": x, "cost": 1}
                ],
            ),
            MAX_HOUSEHOLDS,
            "registered_intake[0].households",
        ),
        (
            lambda x: scenario(uncertainty=[{"parameter": "benefit_factor", "low": 0, "high": x}]),
            MAX_FACTOR,
            "uncertainty[0].high",
        ),
        (
            lambda x: scenario(
                uncertainty=[
                    {"parameter": "unit_cost", "intervention_type": "coach", "low": 0, "high": x}
                ]
            ),
            MAX_AMOUNT,
            "uncertainty[0].high",
        ),
        (
            lambda x: scenario(
                overrides=[{"parameter": "value_factor", "outcome": "werk", "value": x}]
            ),
            MAX_FACTOR,
            "overrides[0].value",
        ),
        (lambda x: scenario(parameters={"seed": x}), MAX_SEED, "parameters.seed"),
    ],
)
def test_every_amount_volume_factor_and_seed_has_an_upper_bound(document_at, limit, path):
    results = calculate_document(document_at(limit))
    assert engine.non_finite_numbers(results) == []
    errors = errors_of(document_at(limit * 2 if limit > 1 else limit + 1))
    assert list(errors) == [path]
    assert errors[path].startswith("Must lie between")


def test_a_ramp_up_longer_than_the_longest_horizon_is_refused():
    parse_scenario(scenario(outcomes=[outcome(ramp_up=[1.0] * MAX_RAMP_UP_YEARS)]))
    errors = errors_of(scenario(outcomes=[outcome(ramp_up=[1.0] * 1_000_000)]))
    assert list(errors) == ["catalogue.outcomes[0].ramp_up"]


def test_the_largest_scenario_the_bounds_allow_is_calculated_with_finite_figures():
    horizon = 30
    document = scenario(
        parameters={
            "horizon_years": horizon,
            "price_basis": "nominal",
            "cost_indexation": 0.2,
            "benefit_indexation": 0.2,
            "financing_rate": 0.2,
        },
        types=[intervention_type(unit_cost=MAX_AMOUNT, links={"werk": 1.0})],
        outcomes=[outcome(values=[value(amount=MAX_AMOUNT), value("huishouden", MAX_AMOUNT)])],
        intake_rows=[intake(year=START + t, households=MAX_HOUSEHOLDS) for t in range(horizon)],
        programme_costs=[
            {"category": "staff", "actor": "gemeente", "year": START + t, "amount": MAX_AMOUNT}
            for t in range(horizon)
        ],
        budget=[{"year": START + t, "amount": -MAX_AMOUNT} for t in range(horizon)],
        uncertainty=[
            {"parameter": "benefit_factor", "low": 0, "high": MAX_FACTOR},
            {"parameter": "cost_factor", "low": 0, "high": MAX_FACTOR},
            {"parameter": "value_factor", "outcome": "werk", "low": 0, "high": MAX_FACTOR},
            {"parameter": "unit_cost", "intervention_type": "coach", "low": 0, "high": MAX_AMOUNT},
        ],
    )
    results = calculate_document(document)
    assert engine.non_finite_numbers(results) == []
    json.dumps(results, allow_nan=False)


# --- results are finite before anything is stored ------------------------------------------------


def tiny_cost_document() -> dict:
    """Within every bound, but a cost of 1e−300 against benefits of a trillion: the multiplier
    is beyond the largest number."""
    return scenario(
        types=[intervention_type(unit_cost=1e-300)],
        outcomes=[outcome(values=[value(amount=MAX_AMOUNT)])],
    )


def test_a_result_that_is_not_finite_is_refused_naming_the_figure():
    with pytest.raises(ScenarioError) as caught:
        calculate_document(tiny_cost_document())
    assert caught.value.errors[0][0] == ""
    assert "kpis.multiplier_discounted" in caught.value.messages[0]


def test_the_engine_itself_refuses_figures_that_overflow():
    parsed = parse_scenario(scenario())
    inputs = parsed.inputs
    huge = type(inputs)(**{**inputs.__dict__, "value_amount": np.array([1.7e308])})
    with pytest.raises(engine.NonFiniteResult) as caught:
        engine.calculate(huge)
    # the first figure of the deterministic results, before any time goes into Monte Carlo
    assert caught.value.figure == "kpis.pv_benefits"


def test_non_finite_numbers_are_named_by_their_place():
    assert engine.non_finite_numbers({"a": [1.0, {"b": 2}], "c": 3}) == []
    document = {"a": [1.0, {"b": math.inf}], "c": math.nan}
    assert engine.non_finite_numbers(document) == ["a[1].b", "c"]


@pytest.mark.django_db
def test_a_calculation_job_with_a_figure_that_overflows_fails_with_the_message(user_for):
    from calculation import services
    from calculation.models import RunStatus

    document = {**tiny_cost_document(), "code": "klein"}
    version = services.scenario_import(document=document, user=user_for(Role.PROJECT_LEAD))
    run = services.run_start(version=version)
    services.run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "kpis.multiplier_discounted" in run.error
    assert run.results is None


@pytest.mark.parametrize(
    "net",
    [
        [-1.7e308, 1.7e308, 1.7e308],
        [-1e300, 0.0, 0.0, 1e300],
        [-1.0, math.inf],
        [math.nan, 1.0, -1.0],
        [-5e-324, 5e-324],
    ],
)
def test_the_irr_never_fails(net):
    rate, count = engine.internal_rate_of_return(np.array(net))
    assert rate is None or math.isfinite(rate)
    assert count >= 0


@pytest.mark.parametrize(
    "values", [[5.0] * 10, [1e17] * 10, [1e300, 1e300], [-2.5e17, -2.5e17 + 64]]
)
def test_the_histogram_of_nearly_equal_large_values(values):
    histogram = engine._histogram(np.array(values))
    assert sum(histogram["counts"]) == len(values)
    assert all(np.diff(histogram["edges"]) > 0)
