"""The scenario file (format ``siex-scenario``, version 1): read and check it, turn it into the
engine's ``ModelInputs``, calculate it.

Pure: a dict in (the parsed JSON of a file, or what the database stores for a scenario version),
arrays out; no ORM, so ``manage.py calculate --scenario-file`` and the tests need no database. The
format is documented in ``docs/scenario-format.md``. A scenario embeds its catalogue (the
``siex-catalogue`` structure), so a file is self-contained and a fixed version reproducible.

Import from here; the modules hold one concern each: ``fields`` (what a file holds, defaults and
limits), ``checker`` (messages with their place), ``catalogue`` (the catalogue's arrays),
``parameters`` (parameters, overrides, uncertainty ranges), ``lists`` (intake, registered
interventions, programme costs, budget), ``reader`` (the whole file), ``hashing``.
"""

from .checker import ScenarioError
from .fields import (
    CATALOGUE_FORMAT,
    DEFAULT_PARAMETERS,
    FILE_PARAMETERS,
    FILE_UPPER_BOUNDS,
    FORMAT,
    FORMAT_VERSION,
    LIST_FIELDS,
    MAX_AMOUNT,
    MAX_DRAWS,
    MAX_FACTOR,
    MAX_HORIZON,
    MAX_HOUSEHOLDS,
    MAX_RAMP_UP_YEARS,
    MAX_SEED,
    MAX_YEAR,
    MIN_DRAWS,
    MIN_YEAR,
    OVERRIDE_PARAMETERS,
    PARAMETER_FIELDS,
    PHASING_YEARS,
    PRICE_BASES,
    PROGRAMME_CATEGORIES,
    RATE_LIMITS,
)
from .hashing import canonical_json, inputs_hash
from .reader import ParsedScenario, calculate_document, parse_scenario

__all__ = [
    "CATALOGUE_FORMAT",
    "DEFAULT_PARAMETERS",
    "FILE_PARAMETERS",
    "FILE_UPPER_BOUNDS",
    "FORMAT",
    "FORMAT_VERSION",
    "LIST_FIELDS",
    "MAX_AMOUNT",
    "MAX_DRAWS",
    "MAX_FACTOR",
    "MAX_HORIZON",
    "MAX_HOUSEHOLDS",
    "MAX_RAMP_UP_YEARS",
    "MAX_SEED",
    "MAX_YEAR",
    "MIN_DRAWS",
    "MIN_YEAR",
    "OVERRIDE_PARAMETERS",
    "PARAMETER_FIELDS",
    "PHASING_YEARS",
    "PRICE_BASES",
    "PROGRAMME_CATEGORIES",
    "RATE_LIMITS",
    "ParsedScenario",
    "ScenarioError",
    "calculate_document",
    "canonical_json",
    "inputs_hash",
    "parse_scenario",
]
