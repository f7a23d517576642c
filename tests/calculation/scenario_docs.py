"""Small scenario documents (format ``siex-scenario`` v1 with an embedded ``siex-catalogue``)
for the engine tests: a tiny catalogue whose every number can be followed by hand.

Defaults (each can be replaced by a keyword):

- actors: ``gemeente`` (the municipality), ``huishouden`` (the household), ``zorgverzekeraar``;
- life domains: ``rondkomen`` and ``gezondheid``;
- one outcome ``werk`` (rondkomen, no lag, lasts the whole horizon, nothing cut off, grade 1,
  worth 1,000 a year to the municipality as a cashable fiscal value);
- one intervention type ``coach`` (unit cost 1,000, all in the intake year, paid by the
  municipality, brings ``werk`` with probability 0.5);
- intake: 10 households starting ``coach`` in 2026;
- parameters: start 2026, 5 years, discount rate 0 (tests that discount say so), a real price basis,
  200 Monte Carlo draws, seed 7.
"""

from __future__ import annotations

import copy
from typing import Any

START = 2026

ACTORS = [
    {"code": "gemeente", "name_nl": "Gemeente", "name_en": "Municipality", "is_municipality": True},
    {"code": "huishouden", "name_nl": "Huishouden", "name_en": "Household"},
    {"code": "zorgverzekeraar", "name_nl": "Zorgverzekeraar", "name_en": "Health insurer"},
]
#: The default actors in groups (the catalogue names each actor's group ``sector``).
GROUPED_ACTORS = [
    {**ACTORS[0], "sector": "government"},
    {**ACTORS[1], "sector": "participants"},
    {**ACTORS[2], "sector": "other"},
]
DOMAINS = [
    {"code": "rondkomen", "name_nl": "Rondkomen", "name_en": "Making ends meet"},
    {"code": "gezondheid", "name_nl": "Gezondheid", "name_en": "Health"},
]


def value(
    actor: str = "gemeente",
    amount: float = 1000.0,
    value_type: str = "fiscal_cashable",
    transfer: bool = False,
) -> dict:
    """One money value of an outcome: ``amount`` a year per net attributable outcome."""
    return {
        "actor": actor,
        "value_type": value_type,
        "is_transfer": transfer,
        "annual_amount": amount,
    }


def outcome(code: str = "werk", *, domain: str = "rondkomen", values=None, **fields) -> dict:
    """An outcome; ``fields`` replace or add catalogue fields (``lag_years``, ``ramp_up``…)."""
    item = {
        "code": code,
        "name_nl": code,
        "name_en": code,
        "life_domain": domain,
        "lag_years": 0,
        "duration_years": 30,
        "drop_off_pct": 0,
        "deadweight_pct": 0,
        "attribution_pct": 0,
        "displacement_pct": 0,
        "confidence_grade": 1,
        "values": [value()] if values is None else values,
    }
    item.update(fields)
    return item


def intervention_type(
    code: str = "coach",
    *,
    unit_cost: float = 1000.0,
    phasing=(1.0,),
    payer: str = "gemeente",
    links: dict[str, float] | None = None,
    **fields,
) -> dict:
    """An intervention type; ``links`` maps outcome code → success probability."""
    links = {"werk": 0.5} if links is None else links
    item = {
        "code": code,
        "name_nl": code,
        "name_en": code,
        "unit_cost": unit_cost,
        "cost_phasing": list(phasing),
        "paying_actor": payer,
        "outcomes": [
            {"outcome": name, "success_probability": probability}
            for name, probability in links.items()
        ],
    }
    item.update(fields)
    return item


def intake(intervention: str = "coach", year: int = START, households: float = 10, **fields):
    return {"intervention_type": intervention, "year": year, "households": households, **fields}


def scenario(
    *,
    parameters: dict[str, Any] | None = None,
    actors: list[dict] | None = None,
    domains: list[dict] | None = None,
    outcomes: list[dict] | None = None,
    types: list[dict] | None = None,
    intake_rows: list[dict] | None = None,
    **sections: Any,
) -> dict:
    """A minimal valid scenario document; ``sections`` add or replace top-level keys
    (``programme_costs``, ``budget``, ``uncertainty``, ``overrides``, ``registered_intake``…)."""
    params = {
        "start_year": START,
        "horizon_years": 5,
        "discount_rate": 0.0,
        "price_basis": "real",
        "monte_carlo_draws": 200,
        "seed": 7,
    }
    params.update(parameters or {})
    document = {
        "format": "siex-scenario",
        "version": 1,
        "name": "test scenario",
        "parameters": params,
        "catalogue": {
            "format": "siex-catalogue",
            "version": 1,
            "life_domains": copy.deepcopy(DOMAINS if domains is None else domains),
            "actors": copy.deepcopy(ACTORS if actors is None else actors),
            "outcomes": [outcome()] if outcomes is None else outcomes,
            "intervention_types": [intervention_type()] if types is None else types,
        },
        "intake": [intake()] if intake_rows is None else intake_rows,
    }
    document.update(sections)
    return document
