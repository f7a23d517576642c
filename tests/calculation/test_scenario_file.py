"""The scenario file refuses bad input with a message that names the field (its path)."""

from __future__ import annotations

import pytest

from calculation.scenario import MAX_DRAWS, ScenarioError, parse_scenario

from .scenario_docs import intake, intervention_type, outcome, scenario, value


def errors_of(document) -> dict[str, str]:
    """The (path → message) pairs of a refused document."""
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(document)
    errors = caught.value.errors
    assert errors, "a ScenarioError must say what is wrong"
    for path, message in errors:
        assert isinstance(path, str)
        assert message
    return dict(errors)


def test_the_minimal_document_is_valid():
    parsed = parse_scenario(scenario())
    assert parsed.warnings == []
    assert parsed.inputs.horizon == 5


# --- format and version ---------------------------------------------------------------------------


@pytest.mark.parametrize("document", [None, [], "siex-scenario", {"format": "siex-catalogue"}])
def test_not_a_scenario_file(document):
    errors = errors_of(document)
    assert list(errors) == [""]
    assert "siex-scenario" in errors[""]


def test_wrong_format():
    errors = errors_of(scenario(format="grex"))
    assert list(errors) == [""]


@pytest.mark.parametrize("version", [0, 2, "1", None])
def test_wrong_version(version):
    errors = errors_of(scenario(version=version))
    assert list(errors) == ["version"]
    assert "1" in errors["version"]


def test_embedded_catalogue_of_the_wrong_format():
    document = scenario()
    document["catalogue"]["format"] = "siex-scenario"
    assert "catalogue.format" in errors_of(document)


# --- references -----------------------------------------------------------------------------------


def test_unknown_intervention_type_in_the_intake():
    errors = errors_of(scenario(intake_rows=[intake(), intake("bestaat-niet", households=3)]))
    assert list(errors) == ["intake[1].intervention_type"]
    assert "bestaat-niet" in errors["intake[1].intervention_type"]


def test_unknown_outcome_linked_to_an_intervention_type():
    document = scenario(types=[intervention_type(links={"werk": 0.5, "onbekend": 0.2})])
    errors = errors_of(document)
    path = "catalogue.intervention_types[0].outcomes[1].outcome"
    assert list(errors) == [path]
    assert "onbekend" in errors[path]


def test_unknown_codes_in_uncertainty_and_overrides():
    document = scenario(
        uncertainty=[
            {"parameter": "unit_cost", "intervention_type": "nope", "low": 0, "high": 2000},
            {"parameter": "deadweight_pct", "outcome": "nope", "low": 0, "high": 20},
        ],
        overrides=[{"parameter": "attribution_pct", "outcome": "nope", "value": 10}],
    )
    errors = errors_of(document)
    assert "uncertainty[0].intervention_type" in errors
    assert "uncertainty[1].outcome" in errors
    assert "overrides[0].outcome" in errors


def test_uncertain_probability_of_a_link_that_does_not_exist():
    document = scenario(
        outcomes=[outcome("werk"), outcome("gezond", domain="gezondheid")],
        uncertainty=[
            {
                "parameter": "success_probability",
                "intervention_type": "coach",
                "outcome": "gezond",
                "low": 0.1,
                "high": 0.3,
            }
        ],
    )
    assert list(errors_of(document)) == ["uncertainty[0]"]


def test_unknown_actor_and_life_domain_in_the_catalogue():
    document = scenario(
        outcomes=[outcome(domain="wonen", values=[value("rijk", 100)])],
        types=[intervention_type(payer="uwv")],
        programme_costs=[{"category": "staff", "actor": "ggd", "year": 2026, "amount": 10}],
    )
    errors = errors_of(document)
    assert "catalogue.outcomes[0].life_domain" in errors
    assert "catalogue.outcomes[0].values[0].actor" in errors
    assert "catalogue.intervention_types[0].paying_actor" in errors


def test_unknown_actor_of_programme_costs():
    document = scenario(
        programme_costs=[{"category": "catering", "actor": "ggd", "year": 2026, "amount": 10}]
    )
    errors = errors_of(document)
    assert set(errors) == {"programme_costs[0].actor", "programme_costs[0].category"}


def test_duplicate_codes():
    document = scenario(outcomes=[outcome("werk"), outcome("werk")])
    assert "catalogue.outcomes[1].code" in errors_of(document)


# --- volumes, probabilities, percentages ----------------------------------------------------------


def test_negative_volumes():
    errors = errors_of(scenario(intake_rows=[intake(households=-1)]))
    assert list(errors) == ["intake[0].households"]


def test_negative_registered_volumes_and_costs():
    document = scenario(
        parameters={"count_registered": True},
        registered_intake=[
            {"intervention_type": "coach", "year": 2026, "households": -2, "cost": 100},
            {"intervention_type": "coach", "year": 2027, "households": 2, "cost": -100},
        ],
    )
    errors = errors_of(document)
    assert set(errors) == {"registered_intake[0].households", "registered_intake[1].cost"}


def test_negative_unit_cost_and_programme_amount():
    document = scenario(
        types=[intervention_type(unit_cost=-5)],
        intake_rows=[intake(unit_cost=-1)],
        programme_costs=[{"category": "staff", "actor": "gemeente", "year": 2026, "amount": -1}],
    )
    errors = errors_of(document)
    assert "catalogue.intervention_types[0].unit_cost" in errors
    document = scenario(
        intake_rows=[intake(unit_cost=-1)],
        programme_costs=[{"category": "staff", "actor": "gemeente", "year": 2026, "amount": -1}],
    )
    assert set(errors_of(document)) == {"intake[0].unit_cost", "programme_costs[0].amount"}


def test_intake_outside_the_horizon():
    errors = errors_of(scenario(intake_rows=[intake(year=2031)]))  # 2026–2030
    assert list(errors) == ["intake[0].year"]


def test_the_same_intake_twice():
    errors = errors_of(scenario(intake_rows=[intake(), intake()]))
    assert list(errors) == ["intake[1]"]


@pytest.mark.parametrize("probability", [-0.1, 1.01, 2, "0.5", None])
def test_success_probability_outside_zero_to_one(probability):
    errors = errors_of(scenario(types=[intervention_type(links={"werk": probability})]))
    assert list(errors) == ["catalogue.intervention_types[0].outcomes[0].success_probability"]


def test_overridden_probability_outside_zero_to_one():
    document = scenario(
        overrides=[
            {
                "parameter": "success_probability",
                "intervention_type": "coach",
                "outcome": "werk",
                "value": 1.5,
            }
        ]
    )
    assert list(errors_of(document)) == ["overrides[0].value"]


@pytest.mark.parametrize(
    "field", ["deadweight_pct", "attribution_pct", "displacement_pct", "drop_off_pct"]
)
@pytest.mark.parametrize("bad", [-1, 101])
def test_percentages_outside_zero_to_hundred(field, bad):
    errors = errors_of(scenario(outcomes=[outcome(**{field: bad})]))
    assert list(errors) == [f"catalogue.outcomes[0].{field}"]


def test_ramp_up_share_above_one_and_grade_outside_one_to_six():
    errors = errors_of(scenario(outcomes=[outcome(ramp_up=[0.5, 1.2], confidence_grade=7)]))
    assert set(errors) == {
        "catalogue.outcomes[0].ramp_up[1]",
        "catalogue.outcomes[0].confidence_grade",
    }


@pytest.mark.parametrize(
    "phasing",
    [[0.6, 0.3], [0.6, 0.6], [1.2, -0.2], [], [0.2] * 4 + [0.1, 0.1], "1", [0.5, "0.5"]],
)
def test_phasing_not_summing_to_one(phasing):
    errors = errors_of(scenario(types=[intervention_type(phasing=phasing)]))
    path = "catalogue.intervention_types[0].cost_phasing"
    assert list(errors) == [path]
    assert "0.6, 0.4" in errors[path]


def test_phasing_that_sums_to_one_is_accepted():
    parsed = parse_scenario(scenario(types=[intervention_type(phasing=[0.2] * 5)]))
    assert parsed.inputs.type_phasing.sum() == pytest.approx(1)


# --- parameters -----------------------------------------------------------------------------------


@pytest.mark.parametrize("horizon", [0, 31, -5, 2.5, "10"])
def test_horizon_outside_one_to_thirty(horizon):
    errors = errors_of(scenario(parameters={"horizon_years": horizon}))
    assert list(errors) == ["parameters.horizon_years"]


@pytest.mark.parametrize("horizon", [1, 30])
def test_horizon_limits_are_allowed(horizon):
    parsed = parse_scenario(scenario(parameters={"horizon_years": horizon}))
    assert parsed.inputs.horizon == horizon
    assert ("horizon_above_10" in parsed.warnings) == (horizon > 10)


def test_draws_above_the_cap():
    errors = errors_of(scenario(parameters={"monte_carlo_draws": MAX_DRAWS + 1}))
    assert MAX_DRAWS == 100_000
    assert list(errors) == ["parameters.monte_carlo_draws"]
    assert "100.000" in errors["parameters.monte_carlo_draws"]
    parsed = parse_scenario(scenario(parameters={"monte_carlo_draws": MAX_DRAWS}))
    assert parsed.inputs.monte_carlo_draws == MAX_DRAWS


def test_draws_below_the_minimum_and_bad_seed():
    errors = errors_of(scenario(parameters={"monte_carlo_draws": 10, "seed": -1}))
    assert set(errors) == {"parameters.monte_carlo_draws", "parameters.seed"}


@pytest.mark.parametrize("field", ["cost_indexation", "benefit_indexation"])
def test_indexation_on_a_real_price_basis(field):
    errors = errors_of(scenario(parameters={"price_basis": "real", field: 0.02}))
    assert list(errors) == [f"parameters.{field}"]
    assert "nominal" in errors[f"parameters.{field}"]


def test_indexation_on_a_nominal_price_basis_is_accepted():
    parsed = parse_scenario(
        scenario(parameters={"price_basis": "nominal", "cost_indexation": 0.02})
    )
    assert parsed.inputs.price_basis == "nominal"
    assert parsed.inputs.cost_indexation == 0.02


def test_unknown_price_basis():
    errors = errors_of(scenario(parameters={"price_basis": "constant"}))
    assert list(errors) == ["parameters.price_basis"]


@pytest.mark.parametrize(
    ("key", "bad"),
    [
        ("discount_rate", -0.01),
        ("discount_rate", 0.5),
        ("financing_rate", 0.3),
        ("bbv_discount_rate", "2%"),
        ("start_year", 1800),
        ("count_registered", "false"),
    ],
)
def test_other_parameters_out_of_range(key, bad):
    assert list(errors_of(scenario(parameters={key: bad}))) == [f"parameters.{key}"]


def test_optimism_bias_table():
    errors = errors_of(scenario(parameters={"optimism_bias_pct": [0, 5, 10]}))
    assert list(errors) == ["parameters.optimism_bias_pct"]
    errors = errors_of(scenario(parameters={"optimism_bias_pct": [0, 5, 10, 15, 25, 140]}))
    assert list(errors) == ["parameters.optimism_bias_pct[5]"]


# --- uncertainty ranges ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "entry",
    [
        {"parameter": "cost_factor", "low": 1.1, "high": 1.5},  # base 1
        {"parameter": "discount_rate", "low": 0.01, "high": 0.02},  # base 0 in the helper
        {"parameter": "unit_cost", "intervention_type": "coach", "low": 500, "high": 900},
        {
            "parameter": "success_probability",
            "intervention_type": "coach",
            "outcome": "werk",
            "low": 0.6,
            "high": 0.8,
        },  # base 0.5
        {"parameter": "deadweight_pct", "outcome": "werk", "low": 10, "high": 20},  # base 0
        {"parameter": "benefit_factor", "low": 1.2, "high": 0.8},  # low above high
    ],
)
def test_uncertainty_range_must_contain_the_base_value(entry):
    errors = errors_of(scenario(uncertainty=[entry]))
    assert list(errors) == ["uncertainty[0]"]


def test_uncertainty_range_containing_an_overridden_base_value():
    document = scenario(
        overrides=[{"parameter": "deadweight_pct", "outcome": "werk", "value": 15}],
        uncertainty=[{"parameter": "deadweight_pct", "outcome": "werk", "low": 10, "high": 20}],
    )
    (parameter,) = parse_scenario(document).inputs.parameters
    assert (parameter.kind, parameter.low, parameter.mode, parameter.high) == (
        "deadweight",
        0.10,
        0.15,
        0.20,
    )


def test_uncertainty_range_outside_the_parameter_domain():
    document = scenario(
        uncertainty=[
            {
                "parameter": "success_probability",
                "intervention_type": "coach",
                "outcome": "werk",
                "low": 0.4,
                "high": 1.2,
            },
            {"parameter": "attribution_pct", "outcome": "werk", "low": -10, "high": 10},
        ]
    )
    assert set(errors_of(document)) == {"uncertainty[0].high", "uncertainty[1].low"}


def test_unknown_and_duplicate_uncertainty_parameters():
    document = scenario(
        uncertainty=[
            {"parameter": "weather", "low": 0, "high": 1},
            {"parameter": "cost_factor", "low": 0.9, "high": 1.1},
            {"parameter": "cost_factor", "low": 0.8, "high": 1.2},
        ]
    )
    assert set(errors_of(document)) == {"uncertainty[0].parameter", "uncertainty[2]"}


def test_missing_range_end():
    errors = errors_of(scenario(uncertainty=[{"parameter": "cost_factor", "low": 0.9}]))
    assert list(errors) == ["uncertainty[0].high"]


# --- every problem at once ------------------------------------------------------------------------


def test_all_problems_of_a_document_are_reported_together():
    document = scenario(
        intake_rows=[intake("bestaat-niet"), intake(households=-3)],
        programme_costs=[{"category": "staff", "actor": "gemeente", "year": 2040, "amount": 5}],
        uncertainty=[{"parameter": "cost_factor", "low": 1.1, "high": 1.2}],
    )
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(document)
    paths = [path for path, _ in caught.value.errors]
    assert paths == [
        "intake[0].intervention_type",
        "intake[1].households",
        "programme_costs[0].year",
        "uncertainty[0]",
    ]
    # the exception's text and messages name each field too
    for path in paths:
        assert path in str(caught.value)
        assert any(message.startswith(f"{path}: ") for message in caught.value.messages)


def test_problems_in_parameters_and_lists_are_reported_together():
    document = scenario(intake=[intake(intervention="bestaat-niet")])
    document["parameters"]["discount_rate"] = 5
    document["uncertainty"] = [{"parameter": "discount_rate", "low": 0, "high": 0.1}]
    with pytest.raises(ScenarioError) as error:
        parse_scenario(document)
    paths = [path for path, _message in error.value.errors]
    assert "parameters.discount_rate" in paths
    assert "intake[0].intervention_type" in paths
