"""What a scenario file (format ``siex-scenario``) holds: its format, its parameters and lists,
their defaults and the limits every value must keep (``docs/scenario-format.md``)."""

from __future__ import annotations

from typing import Any

from ..engine import DEFAULT_OPTIMISM_BIAS

FORMAT = "siex-scenario"
FORMAT_VERSION = 1
CATALOGUE_FORMAT = "siex-catalogue"
MAX_HORIZON = 30
MAX_DRAWS = 100_000
MIN_DRAWS = 100
PHASING_YEARS = 5
#: Upper bounds that keep every figure of a calculation a finite number (docs/scenario-format.md):
#: households per intake row, euros per amount (unit costs, yearly values, programme costs,
#: budgets, registered costs), and factors on costs, benefits and values.
MAX_HOUSEHOLDS = 1_000_000
MAX_AMOUNT = 1e12
MAX_FACTOR = 100.0
MIN_YEAR, MAX_YEAR = 1990, 2100
MAX_SEED = 2**32 - 1
#: A ramp-up profile beyond the longest horizon is never used (the catalogue's form has the
#: same limit).
MAX_RAMP_UP_YEARS = 30
PROGRAMME_CATEGORIES = ("staff", "neighbourhood_teams", "monitoring_research", "other")
PRICE_BASES = ("real", "nominal")

DEFAULT_PARAMETERS: dict[str, Any] = {
    "start_year": 2026,
    "horizon_years": 10,
    "discount_rate": 0.0225,
    "price_basis": "real",
    "cost_indexation": 0.0,
    "benefit_indexation": 0.0,
    "financing_rate": 0.025,
    "bbv_discount_rate": 0.02,
    "optimism_bias_pct": [round(share * 100) for share in DEFAULT_OPTIMISM_BIAS],
    "count_registered": False,
    "monte_carlo_draws": 10_000,
    "seed": 1,
}

#: The parameters of a scenario (a file's ``parameters``, a version's fields), in the order a file
#: writes them: the one list the reader, the forms, the services and the API use.
PARAMETER_FIELDS: tuple[str, ...] = tuple(DEFAULT_PARAMETERS)
#: The lists of a scenario (a file's lists, a version's fields); ``budget`` may be left out.
LIST_FIELDS = ("intake", "programme_costs", "budget", "uncertainty", "overrides")

#: The rates among the parameters (fractions: 0.0225 is 2.25%) and the values they may take.
RATE_LIMITS: dict[str, tuple[float, float]] = {
    "discount_rate": (0.0, 0.2),
    "cost_indexation": (-0.1, 0.2),
    "benefit_indexation": (-0.1, 0.2),
    "financing_rate": (0.0, 0.2),
    "bbv_discount_rate": (0.0, 0.2),
}

#: Uncertainty and override parameters as written in a file: the engine's kind, what the entry
#: must name, and whether the file writes it as a percentage (0–100).
FILE_PARAMETERS: dict[str, tuple[str, tuple[str, ...], bool]] = {
    "discount_rate": ("discount_rate", (), False),
    "cost_factor": ("cost_factor", (), False),
    "benefit_factor": ("benefit_factor", (), False),
    "unit_cost": ("unit_cost", ("intervention_type",), False),
    "success_probability": ("success_probability", ("intervention_type", "outcome"), False),
    "deadweight_pct": ("deadweight", ("outcome",), True),
    "attribution_pct": ("attribution", ("outcome",), True),
    "displacement_pct": ("displacement", ("outcome",), True),
    "drop_off_pct": ("drop_off", ("outcome",), True),
    "value_factor": ("value_factor", ("outcome",), False),
}
#: Where the engine's domain of a parameter is unbounded, a file's range stops here.
FILE_UPPER_BOUNDS = {
    "unit_cost": MAX_AMOUNT,
    "cost_factor": MAX_FACTOR,
    "benefit_factor": MAX_FACTOR,
    "value_factor": MAX_FACTOR,
}
#: What an override may change (the catalogue snapshot stays as it was; the override is applied on
#: top and shown as such).
OVERRIDE_PARAMETERS = (
    "unit_cost",
    "success_probability",
    "lag_years",
    "duration_years",
    "deadweight_pct",
    "attribution_pct",
    "displacement_pct",
    "drop_off_pct",
    "confidence_grade",
    "value_factor",
)
