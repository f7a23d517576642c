"""Scenario files for the robustness tests (``test_scenario_*.py``): one that uses every list and
every text field, and the reader's refusal of a file as (place, message)."""

from __future__ import annotations

import json

import pytest

from calculation.scenario import ScenarioError, parse_scenario

from .scenario_docs import START, intervention_type, outcome, scenario, value

CONTROL = "The text contains a control character"


def errors_of(document) -> dict[str, str]:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(document)
    for path, message in caught.value.errors:
        assert type(path) is str and type(message) is str and message
    return dict(caught.value.errors)


def without(item: dict, key: str) -> dict:
    return {name: field for name, field in item.items() if name != key}


def raw_with_number(number_text: str) -> bytes:
    """A valid scenario file whose seed is written as ``number_text``."""
    text = json.dumps(scenario(code="kapot", parameters={"seed": 12345}))
    return text.replace('"seed": 12345', f'"seed": {number_text}').encode()


def full_document() -> dict:
    """A valid file that uses every list and every text field."""
    document = scenario(
        code="volledig",
        description="Alle onderdelen",
        note="Versie 1",
        assumptions=["Een aanname", "Nog een"],
        parameters={"count_registered": True, "price_basis": "nominal", "cost_indexation": 0.02},
        outcomes=[
            outcome(
                source="Onderzoek",
                description="Werk gevonden",
                ramp_up=[0.5],
                values=[value(), value("huishouden", 300, "economic")],
            ),
        ],
        types=[intervention_type(provider="Wijkteam", description="Coaching")],
        programme_costs=[
            {
                "category": "staff",
                "actor": "gemeente",
                "year": START,
                "amount": 5000,
                "description": "Coördinator",
            }
        ],
        budget=[{"year": START, "amount": 20000}],
        uncertainty=[
            {"parameter": "cost_factor", "low": 0.8, "high": 1.3},
            {"parameter": "drop_off_pct", "outcome": "werk", "low": 0, "high": 20},
            {"parameter": "unit_cost", "intervention_type": "coach", "low": 500, "high": 2000},
        ],
        overrides=[
            {"parameter": "deadweight_pct", "outcome": "werk", "value": 10, "reason": "Lokaal"}
        ],
        registered_intake=[
            {"intervention_type": "coach", "year": START, "households": 2, "cost": 1800}
        ],
    )
    document["catalogue"]["actors"][0]["sector"] = "public"
    document["catalogue"]["actors"][0]["description"] = "De gemeente"
    return document
