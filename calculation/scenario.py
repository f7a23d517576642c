"""The scenario file (format ``siex-scenario``, version 1): read and check it, turn it into the
engine's ``ModelInputs``.

Pure: a dict in (the parsed JSON of a file, or what the database stores for a scenario version),
arrays out; no ORM, so ``manage.py calculate --scenario-file`` and the tests need no database. The
format is documented in ``docs/scenario-format.md``. A scenario embeds its catalogue (the
``siex-catalogue`` structure), so a file is self-contained and a fixed version reproducible.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
from django.utils import numberformat
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _

from siex.core.text import CONTROL_CHARACTER_MESSAGE, control_characters_in, first_control_character

from .engine import (
    DEFAULT_OPTIMISM_BIAS,
    MODEL_VERSION,
    PARAMETER_KINDS,
    VALUE_TYPES,
    ModelInputs,
    NonFiniteResult,
    Parameter,
    non_finite_numbers,
)

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
#: How much of a value from the file a message repeats.
SHOWN_CHARACTERS = 60
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


class ScenarioError(ValueError):
    """A scenario that cannot be calculated; ``errors`` lists (place in the file, message).

    Messages are plain text, translated when the error is raised: whoever shows them (a page,
    the API, the command line, a failed job) can join and store them as they are.

    ``outside`` holds, per uncertainty entry (its index) whose range leaves out the value the
    calculation uses, that range and value (low, high, value) as the file writes them, so that a
    page can offer to widen the range.
    """

    def __init__(
        self,
        errors: list[tuple[str, str]],
        outside: dict[int, tuple[float, float, float]] | None = None,
    ):
        self.errors = [(str(path), str(message)) for path, message in errors]
        self.outside = outside or {}
        super().__init__("; ".join(f"{path}: {message}" for path, message in self.errors))

    @property
    def messages(self) -> list[str]:
        return [f"{path}: {message}" if path else message for path, message in self.errors]


@dataclass(frozen=True)
class ParsedScenario:
    inputs: ModelInputs
    warnings: list[str]


def _is_number(value: Any) -> bool:
    """A JSON number: a whole number of any size or a finite decimal (true and false are not).
    Whole numbers are never turned into floats here: one with 400 digits is a number that is
    too large, not an overflow."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))


def _shown(value: Any) -> str:
    """A value from the file as a message repeats it: at most SHOWN_CHARACTERS characters."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    if len(text) > SHOWN_CHARACTERS:
        text = text[: SHOWN_CHARACTERS - 1] + "…"
    return text


class _Checker:
    def __init__(self, document: Any = None) -> None:
        self.errors: list[tuple[str, str]] = []
        self.outside: dict[int, tuple[float, float, float]] = {}
        # Every text of the file (codes, names, notes, assumptions, the catalogue's texts) is
        # refused where it holds a control character; the other checks then leave that text
        # alone, so that each problem is reported once.
        for path, position in control_characters_in(document):
            self.error(path, CONTROL_CHARACTER_MESSAGE % {"position": position})
        # Likewise a number beyond the largest float (1e999 in JSON reads as infinity), wherever
        # it is: a file is stored as it came, and the database holds no infinity.
        for path in non_finite_numbers(document):
            self.error(path, _("This number is too large."))

    def error(self, path: str, message: str) -> None:
        self.errors.append((path, message))

    def obj(self, path: str, value: Any) -> dict:
        if not isinstance(value, dict):
            self.error(path, _("Expected an object."))
            return {}
        return value

    def items(self, path: str, value: Any) -> list:
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(path, _("Expected a list."))
            return []
        return value

    def text(self, path: str, item: dict, key: str, required: bool = True) -> str | None:
        return self.text_value(f"{path}.{key}", item.get(key), required=required)

    def text_value(self, path: str, value: Any, required: bool = True) -> str | None:
        """A text (a code, a name, a note); None when it is missing or wrong."""
        if value is None or value == "":
            if required:
                self.error(path, _("This field is required."))
            return None
        if not isinstance(value, str):
            self.error(path, _("Expected text."))
            return None
        if first_control_character(value) is not None:
            return None  # refused when the checker began
        return value

    def texts(self, path: str, value: Any) -> None:
        """A list of texts (the assumptions)."""
        for n, line in enumerate(self.items(path, value)):
            self.text_value(f"{path}[{n}]", line, required=False)

    def number(
        self,
        path: str,
        value: Any,
        low: float,
        high: float,
        integer: bool = False,
    ) -> float | None:
        """A number between ``low`` and ``high`` (both always given: every number of a file has
        a range, so that no figure of the calculation can overflow)."""
        if isinstance(value, float) and not math.isfinite(value):
            return None  # refused when the checker began
        fraction = isinstance(value, float) and not value.is_integer()
        if not _is_number(value) or (integer and fraction):
            self.error(path, _("Expected a whole number.") if integer else _("Expected a number."))
            return None
        # Compared before any conversion: Python compares a whole number of any size exactly.
        if value < low or value > high:
            self.error(
                path,
                _("Must lie between %(low)s and %(high)s.")
                % {"low": _plain(low), "high": _plain(high)},
            )
            return None
        return int(value) if integer else float(value)

    def field(self, path: str, item: dict, key: str, **limits) -> float | None:
        if key not in item or item[key] is None:
            self.error(f"{path}.{key}", _("This field is required."))
            return None
        return self.number(f"{path}.{key}", item[key], **limits)

    def boolean(self, path: str, item: dict, key: str, default: bool) -> bool:
        value = item.get(key, default)
        if not isinstance(value, bool):
            self.error(f"{path}.{key}", _("Write true or false (without quotes)."))
            return default
        return value

    def code(self, path: str, table: dict, value: Any, message: str) -> int | None:
        """The index of the code ``value`` in ``table`` (``message`` when it is not there)."""
        code = self.text_value(path, value)
        if code is None:
            return None
        if code not in table:
            self.error(path, message % {"code": _shown(code)})
            return None
        return table[code]

    def choice(self, path: str, value: Any, choices, message: str | None = None) -> str | None:
        """One of a fixed list of words (a parameter name, a category, a value type)."""
        if isinstance(value, str) and value in choices:
            return value
        if isinstance(value, str) and first_control_character(value) is not None:
            return None  # refused when the checker began
        self.error(
            path, message or _("Choose one of: %(choices)s.") % {"choices": ", ".join(choices)}
        )
        return None

    def unique(self, path: str, items: list[dict]) -> dict[str, int]:
        """Each item's code (required, text, once) → the item's position in the list."""
        table: dict[str, int] = {}
        for n, item in enumerate(items):
            code = self.text(f"{path}[{n}]", item, "code")
            if code is None:
                continue
            if code in table:
                self.error(
                    f"{path}[{n}].code", _("“%(code)s” appears twice.") % {"code": _shown(code)}
                )
                continue
            table[code] = n
        return table


def _plain(value: float) -> str:
    """A bound or value as a message shows it, in the reader's language: 0,2 and 2026 in Dutch,
    and from 10.000 on with thousands separators (1.000.000)."""
    number = Decimal(f"{value:.12g}")
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    return numberformat.format(
        number,
        get_format("DECIMAL_SEPARATOR"),
        grouping=get_format("NUMBER_GROUPING"),
        thousand_sep=get_format("THOUSAND_SEPARATOR"),
        force_grouping=abs(number) >= 10_000,
        use_l10n=False,
    )


def parse_scenario(document: Any, *, registered: list[dict] | None = None) -> ParsedScenario:
    """Check a scenario document and build the engine inputs; raise ScenarioError with every
    problem and where it is.

    ``registered`` (rows of intervention type, year, households, cost) replaces the document's
    ``registered_intake`` when given: the live register for a draft, the frozen rows for a fixed
    version.
    """
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ScenarioError([("", _("This is not a SIEX scenario file (format “siex-scenario”)."))])
    version = document.get("version")
    if type(version) is not int or version != FORMAT_VERSION:
        raise ScenarioError(
            [
                (
                    "version",
                    _("Scenario file version %(found)s is not supported (expected %(expected)s).")
                    % {"found": _shown(version), "expected": FORMAT_VERSION},
                )
            ]
        )
    check = _Checker(document)
    for key in ("code", "name", "description", "note"):
        check.text_value(key, document.get(key), required=False)
    check.texts("assumptions", document.get("assumptions"))
    params = check.obj("parameters", document.get("parameters"))
    p = _parameters(check, params)
    catalogue = check.obj("catalogue", document.get("catalogue"))
    if catalogue and catalogue.get("format") != CATALOGUE_FORMAT:
        check.error(
            "catalogue.format", _("The embedded catalogue must have format “siex-catalogue”.")
        )
        raise ScenarioError(check.errors)

    # Keep checking after an error, so that a file's problems are all reported at once; only
    # without a valid start year and horizon can the years in the lists not be checked.
    cat = _catalogue(check, catalogue)
    if p["start_year"] is None or p["horizon_years"] is None:
        raise ScenarioError(check.errors)

    horizon = p["horizon_years"]
    start = p["start_year"]
    warnings: list[str] = []
    if horizon > 10:
        warnings.append("horizon_above_10")

    _apply_overrides(check, cat, check.items("overrides", document.get("overrides")))

    # Indexes are positions in the catalogue's lists (an entry without a valid code keeps its
    # place, so that the arrays line up; it is reported, and nothing is calculated).
    n_types = len(cat["unit_cost"])
    planned = np.zeros((n_types, horizon))
    planned_cost = np.repeat(cat["unit_cost"][:, None], horizon, axis=1)
    seen: set[tuple[int, int]] = set()
    for n, item in enumerate(check.items("intake", document.get("intake"))):
        path = f"intake[{n}]"
        item = check.obj(path, item)
        i = check.code(
            f"{path}.intervention_type",
            cat["type_index"],
            item.get("intervention_type"),
            _("Unknown intervention type “%(code)s”."),
        )
        year = check.field(path, item, "year", low=start, high=start + horizon - 1, integer=True)
        households = check.field(path, item, "households", low=0, high=MAX_HOUSEHOLDS)
        unit_cost = None
        if item.get("unit_cost") is not None:
            unit_cost = check.number(f"{path}.unit_cost", item["unit_cost"], 0, MAX_AMOUNT)
        if i is None or year is None or households is None:
            continue
        if (i, year) in seen:
            check.error(
                path,
                _("Intake for “%(code)s” in %(year)s appears twice.")
                % {"code": item["intervention_type"], "year": year},
            )
            continue
        seen.add((i, year))
        planned[i, year - start] = households
        if unit_cost is not None:
            planned_cost[i, year - start] = unit_cost

    registered_counts = np.zeros((n_types, horizon))
    registered_cost = np.zeros((n_types, horizon))
    if p["count_registered"]:
        rows = registered if registered is not None else document.get("registered_intake")
        outside = 0
        for n, item in enumerate(check.items("registered_intake", rows)):
            path = f"registered_intake[{n}]"
            item = check.obj(path, item)
            i = check.code(
                f"{path}.intervention_type",
                cat["type_index"],
                item.get("intervention_type"),
                _("Unknown intervention type “%(code)s”."),
            )
            year = check.field(path, item, "year", low=MIN_YEAR, high=MAX_YEAR, integer=True)
            households = check.field(path, item, "households", low=0, high=MAX_HOUSEHOLDS)
            cost = check.field(path, item, "cost", low=0, high=MAX_AMOUNT)
            if None in (i, year, households, cost):
                continue
            if not start <= year < start + horizon:
                outside += households
                continue
            registered_counts[i, year - start] += households
            registered_cost[i, year - start] += cost
        if outside:
            warnings.append("registered_outside_horizon")

    categories, programme = _programme(
        check,
        document.get("programme_costs"),
        cat["actor_index"],
        len(cat["is_municipality"]),
        start,
        horizon,
    )
    budget = _budget(check, document.get("budget"), start, horizon)
    parameters = _uncertainty(check, document.get("uncertainty"), cat, p)
    if check.errors:
        raise ScenarioError(check.errors, check.outside)

    inputs = ModelInputs(
        start_year=start,
        horizon=horizon,
        discount_rate=p["discount_rate"],
        price_basis=p["price_basis"],
        cost_indexation=p["cost_indexation"],
        benefit_indexation=p["benefit_indexation"],
        financing_rate=p["financing_rate"],
        bbv_discount_rate=p["bbv_discount_rate"],
        optimism_bias=np.array(p["optimism_bias_pct"], dtype=float) / 100.0,
        actors=tuple(cat["actor_index"]),
        actor_is_municipality=cat["is_municipality"],
        domains=tuple(cat["domain_index"]),
        types=tuple(cat["type_index"]),
        type_unit_cost=cat["unit_cost"],
        type_phasing=cat["phasing"],
        type_payer=cat["payer"],
        outcomes=tuple(cat["outcome_index"]),
        outcome_domain=cat["outcome_domain"],
        outcome_lag=cat["lag"],
        outcome_duration=cat["duration"],
        outcome_drop_off=cat["drop_off"],
        outcome_deadweight=cat["deadweight"],
        outcome_attribution=cat["attribution"],
        outcome_displacement=cat["displacement"],
        outcome_grade=cat["grade"],
        outcome_ramp_up=cat["ramp_up"],
        link_type=cat["link_type"],
        link_outcome=cat["link_outcome"],
        link_probability=cat["link_probability"],
        value_outcome=cat["value_outcome"],
        value_actor=cat["value_actor"],
        value_type=cat["value_type"],
        value_transfer=cat["value_transfer"],
        value_amount=cat["value_amount"] * cat["value_factor"][cat["value_outcome"]],
        planned=planned,
        planned_unit_cost=planned_cost,
        registered=registered_counts,
        registered_cost=registered_cost,
        programme_category=categories,
        programme_costs=programme,
        budget=budget,
        parameters=parameters,
        monte_carlo_draws=p["monte_carlo_draws"],
        seed=p["seed"],
        labels=cat["labels"],
    )
    return ParsedScenario(inputs=inputs, warnings=warnings)


def _parameters(check: _Checker, params: dict) -> dict[str, Any]:
    p = {**DEFAULT_PARAMETERS, **params}
    path = "parameters"
    p["start_year"] = check.number(
        f"{path}.start_year", p["start_year"], MIN_YEAR, MAX_YEAR, integer=True
    )
    p["horizon_years"] = check.number(
        f"{path}.horizon_years", p["horizon_years"], 1, MAX_HORIZON, integer=True
    )
    for key, (low, high) in RATE_LIMITS.items():
        p[key] = check.number(f"{path}.{key}", p[key], low, high)
    basis = check.choice(
        f"{path}.price_basis", p["price_basis"], PRICE_BASES, _("Choose “real” or “nominal”.")
    )
    if basis == "real":
        for key in ("cost_indexation", "benefit_indexation"):
            if p[key]:
                check.error(
                    f"{path}.{key}",
                    _(
                        "A real price basis has no indexation (that would mix real and nominal "
                        "amounts): set it to 0 or choose the nominal price basis."
                    ),
                )
    bias = p["optimism_bias_pct"]
    if not isinstance(bias, list) or len(bias) != 6:
        check.error(
            f"{path}.optimism_bias_pct",
            _("Give six percentages, one for each confidence grade 1 to 6."),
        )
    else:
        for n, value in enumerate(bias):
            check.number(f"{path}.optimism_bias_pct[{n}]", value, 0, 100)
    if not isinstance(p["count_registered"], bool):
        check.error(f"{path}.count_registered", _("Write true or false (without quotes)."))
    p["monte_carlo_draws"] = check.number(
        f"{path}.monte_carlo_draws", p["monte_carlo_draws"], MIN_DRAWS, MAX_DRAWS, integer=True
    )
    p["seed"] = check.number(f"{path}.seed", p["seed"], 0, MAX_SEED, integer=True)
    return p


def _catalogue(check: _Checker, catalogue: dict) -> dict[str, Any]:
    """The embedded catalogue as arrays, with every reference checked."""
    path = "catalogue"
    domains = [
        check.obj(f"{path}.life_domains[{n}]", d)
        for n, d in enumerate(check.items(f"{path}.life_domains", catalogue.get("life_domains")))
    ]
    domain_index = check.unique(f"{path}.life_domains", domains)
    actors = [
        check.obj(f"{path}.actors[{n}]", a)
        for n, a in enumerate(check.items(f"{path}.actors", catalogue.get("actors")))
    ]
    actor_index = check.unique(f"{path}.actors", actors)
    outcomes = [
        check.obj(f"{path}.outcomes[{n}]", o)
        for n, o in enumerate(check.items(f"{path}.outcomes", catalogue.get("outcomes")))
    ]
    outcome_index = check.unique(f"{path}.outcomes", outcomes)
    types = [
        check.obj(f"{path}.intervention_types[{n}]", t)
        for n, t in enumerate(
            check.items(f"{path}.intervention_types", catalogue.get("intervention_types"))
        )
    ]
    type_index = check.unique(f"{path}.intervention_types", types)
    for section, items in (
        ("life_domains", domains),
        ("actors", actors),
        ("outcomes", outcomes),
        ("intervention_types", types),
    ):
        for n, item in enumerate(items):
            for key in ("name_nl", "name_en", "description"):
                check.text(f"{path}.{section}[{n}]", item, key, required=False)
    if not actor_index:
        check.error(f"{path}.actors", _("The catalogue has no actors."))
    if not type_index:
        check.error(f"{path}.intervention_types", _("The catalogue has no intervention types."))

    is_municipality = np.array(
        [
            check.boolean(f"{path}.actors[{n}]", a, "is_municipality", False)
            for n, a in enumerate(actors)
        ],
        dtype=bool,
    )
    for n, a in enumerate(actors):
        check.text(f"{path}.actors[{n}]", a, "sector", required=False)

    n_out = len(outcomes)
    arrays = {
        key: np.zeros(n_out) for key in ("drop_off", "deadweight", "attribution", "displacement")
    }
    lag = np.zeros(n_out, dtype=int)
    duration = np.ones(n_out, dtype=int)
    grade = np.full(n_out, 6, dtype=int)
    outcome_domain = np.zeros(n_out, dtype=int)
    ramp_rows: list[list[float]] = []
    values: list[tuple[int, int, int, bool, float]] = []
    for n, o in enumerate(outcomes):
        opath = f"{path}.outcomes[{n}]"
        d = check.code(
            f"{opath}.life_domain",
            domain_index,
            o.get("life_domain"),
            _("Unknown life domain “%(code)s”."),
        )
        outcome_domain[n] = d or 0
        lag[n] = check.number(f"{opath}.lag_years", o.get("lag_years", 0), 0, 30, integer=True) or 0
        duration[n] = (
            check.number(f"{opath}.duration_years", o.get("duration_years", 1), 1, 30, integer=True)
            or 1
        )
        for key in arrays:
            arrays[key][n] = (
                check.number(f"{opath}.{key}_pct", o.get(f"{key}_pct", 0), 0, 100) or 0
            ) / 100
        grade[n] = check.field(opath, o, "confidence_grade", low=1, high=6, integer=True) or 6
        ramp = check.items(f"{opath}.ramp_up", o.get("ramp_up"))
        if len(ramp) > MAX_RAMP_UP_YEARS:
            check.error(
                f"{opath}.ramp_up",
                _("The ramp-up covers at most %(n)s years.") % {"n": MAX_RAMP_UP_YEARS},
            )
            ramp = []
        ramp_rows.append(
            [
                check.number(f"{opath}.ramp_up[{m}]", share, 0, 1) or 0.0
                for m, share in enumerate(ramp)
            ]
        )
        for m, v in enumerate(check.items(f"{opath}.values", o.get("values"))):
            vpath = f"{opath}.values[{m}]"
            v = check.obj(vpath, v)
            a = check.code(
                f"{vpath}.actor", actor_index, v.get("actor"), _("Unknown actor “%(code)s”.")
            )
            value_type = check.choice(f"{vpath}.value_type", v.get("value_type"), VALUE_TYPES)
            transfer = check.boolean(vpath, v, "is_transfer", False)
            amount = check.field(vpath, v, "annual_amount", low=-MAX_AMOUNT, high=MAX_AMOUNT)
            if a is not None and amount is not None and value_type is not None:
                values.append((n, a, VALUE_TYPES.index(value_type), transfer, amount))
    width = max((len(r) for r in ramp_rows), default=0)
    ramp_up = np.ones((n_out, max(width, 1)))
    for n, row in enumerate(ramp_rows):
        ramp_up[n, : len(row)] = row

    n_types = len(types)
    unit_cost = np.zeros(n_types)
    phasing = np.zeros((n_types, PHASING_YEARS))
    payer = np.zeros(n_types, dtype=int)
    links: list[tuple[int, int, float]] = []
    for n, t in enumerate(types):
        tpath = f"{path}.intervention_types[{n}]"
        unit_cost[n] = check.field(tpath, t, "unit_cost", low=0, high=MAX_AMOUNT) or 0.0
        shares = t.get("cost_phasing", [1])
        if (
            not isinstance(shares, list)
            or not 1 <= len(shares) <= PHASING_YEARS
            or not all(_is_number(s) and 0 <= s <= 1 for s in shares)
            or abs(sum(shares) - 1) > 1e-9
        ):
            check.error(
                f"{tpath}.cost_phasing",
                _(
                    "The cost phasing is a list of 1 to %(n)s shares between 0 and 1 that add up "
                    "to 1, for example [0.6, 0.4]."
                )
                % {"n": PHASING_YEARS},
            )
        else:
            phasing[n, : len(shares)] = shares
        payer[n] = (
            check.code(
                f"{tpath}.paying_actor",
                actor_index,
                t.get("paying_actor"),
                _("Unknown actor “%(code)s”."),
            )
            or 0
        )
        linked: set[int] = set()
        for m, link in enumerate(check.items(f"{tpath}.outcomes", t.get("outcomes"))):
            lpath = f"{tpath}.outcomes[{m}]"
            link = check.obj(lpath, link)
            o = check.code(
                f"{lpath}.outcome",
                outcome_index,
                link.get("outcome"),
                _("Unknown outcome “%(code)s”."),
            )
            probability = check.field(lpath, link, "success_probability", low=0, high=1)
            if o is None or probability is None:
                continue
            if o in linked:
                check.error(lpath, _("An outcome is linked twice."))
                continue
            linked.add(o)
            links.append((n, o, probability))

    def names(items: list[dict]) -> dict:
        return {
            item["code"]: {
                "nl": item.get("name_nl") or item["code"],
                "en": item.get("name_en") or item["code"],
            }
            for item in items
            if isinstance(item.get("code"), str)
        }

    labels = {
        "actors": {**names(actors)},
        "domains": names(domains),
        "intervention_types": names(types),
        "outcomes": names(outcomes),
        "actor_sectors": {
            a["code"]: a.get("sector") or "" for a in actors if isinstance(a.get("code"), str)
        },
    }
    link_array = np.array(links, dtype=float).reshape(-1, 3)
    value_array = np.array(values, dtype=float).reshape(-1, 5)
    return {
        "actor_index": actor_index,
        "domain_index": domain_index,
        "outcome_index": outcome_index,
        "type_index": type_index,
        "is_municipality": is_municipality,
        "outcome_domain": outcome_domain,
        "lag": lag,
        "duration": duration,
        **arrays,
        "grade": grade,
        "ramp_up": ramp_up,
        "unit_cost": unit_cost,
        "phasing": phasing,
        "payer": payer,
        "link_type": link_array[:, 0].astype(int),
        "link_outcome": link_array[:, 1].astype(int),
        "link_probability": link_array[:, 2].copy(),
        "value_outcome": value_array[:, 0].astype(int),
        "value_actor": value_array[:, 1].astype(int),
        "value_type": value_array[:, 2].astype(int),
        "value_transfer": value_array[:, 3].astype(bool),
        "value_amount": value_array[:, 4].copy(),
        "value_factor": np.ones(n_out),
        "labels": labels,
    }


def _target(check: _Checker, path: str, item: dict, needs: tuple[str, ...], cat: dict):
    """The index an uncertainty or override entry points at (type, outcome or link)."""
    t = o = None
    if "intervention_type" in needs:
        t = check.code(
            f"{path}.intervention_type",
            cat["type_index"],
            item.get("intervention_type"),
            _("Unknown intervention type “%(code)s”."),
        )
    if "outcome" in needs:
        o = check.code(
            f"{path}.outcome",
            cat["outcome_index"],
            item.get("outcome"),
            _("Unknown outcome “%(code)s”."),
        )
    if needs == ("intervention_type", "outcome"):
        if t is None or o is None:
            return False, None
        match = np.flatnonzero((cat["link_type"] == t) & (cat["link_outcome"] == o))
        if not match.size:
            check.error(
                path,
                _("Intervention type “%(type)s” is not linked to outcome “%(outcome)s”.")
                % {"type": item.get("intervention_type"), "outcome": item.get("outcome")},
            )
            return False, None
        return True, int(match[0])
    if needs == ("intervention_type",):
        return t is not None, t
    if needs == ("outcome",):
        return o is not None, o
    return True, None


def _apply_overrides(check: _Checker, cat: dict, overrides: list) -> None:
    targets = {
        "unit_cost": ("intervention_type",),
        "success_probability": ("intervention_type", "outcome"),
        "value_factor": ("outcome",),
    }
    limits = {
        "unit_cost": (0, MAX_AMOUNT, False),
        "success_probability": (0, 1, False),
        "lag_years": (0, 30, True),
        "duration_years": (1, 30, True),
        "deadweight_pct": (0, 100, False),
        "attribution_pct": (0, 100, False),
        "displacement_pct": (0, 100, False),
        "drop_off_pct": (0, 100, False),
        "confidence_grade": (1, 6, True),
        "value_factor": (0, MAX_FACTOR, False),
    }
    seen = set()
    for n, item in enumerate(overrides):
        path = f"overrides[{n}]"
        item = check.obj(path, item)
        name = check.choice(f"{path}.parameter", item.get("parameter"), OVERRIDE_PARAMETERS)
        if name is None:
            continue
        ok, index = _target(check, path, item, targets.get(name, ("outcome",)), cat)
        low, high, integer = limits[name]
        value = check.field(path, item, "value", low=low, high=high, integer=integer)
        if not ok or value is None:
            continue
        if (name, index) in seen:
            check.error(path, _("This assumption is overridden twice."))
            continue
        seen.add((name, index))
        if name == "unit_cost":
            cat["unit_cost"][index] = value
        elif name == "success_probability":
            cat["link_probability"][index] = value
        elif name == "lag_years":
            cat["lag"][index] = value
        elif name == "duration_years":
            cat["duration"][index] = value
        elif name == "confidence_grade":
            cat["grade"][index] = value
        elif name == "value_factor":
            cat["value_factor"][index] = value
        else:
            cat[name.removesuffix("_pct")][index] = value / 100


def _programme(check, items, actor_index, n_actors, start, horizon):
    rows = []
    for n, item in enumerate(check.items("programme_costs", items)):
        path = f"programme_costs[{n}]"
        item = check.obj(path, item)
        category = check.choice(f"{path}.category", item.get("category"), PROGRAMME_CATEGORIES)
        check.text(path, item, "description", required=False)
        a = check.code(
            f"{path}.actor", actor_index, item.get("actor"), _("Unknown actor “%(code)s”.")
        )
        year = check.field(path, item, "year", low=start, high=start + horizon - 1, integer=True)
        amount = check.field(path, item, "amount", low=0, high=MAX_AMOUNT)
        if None not in (category, a, year, amount):
            rows.append((PROGRAMME_CATEGORIES.index(category), year - start, a, amount))
    programme = np.zeros((len(PROGRAMME_CATEGORIES), horizon, n_actors))
    for k, t, a, amount in rows:
        programme[k, t, a] += amount
    return PROGRAMME_CATEGORIES, programme


def _budget(check, items, start, horizon):
    if items is None:
        return None
    budget = np.zeros(horizon)
    for n, item in enumerate(check.items("budget", items)):
        path = f"budget[{n}]"
        item = check.obj(path, item)
        year = check.field(path, item, "year", low=start, high=start + horizon - 1, integer=True)
        amount = check.field(path, item, "amount", low=-MAX_AMOUNT, high=MAX_AMOUNT)
        if year is not None and amount is not None:
            budget[year - start] += amount
    return budget


def _base_value(kind: str, index: int | None, cat: dict, p: dict) -> float:
    if kind == "discount_rate":
        return p["discount_rate"]
    if kind in ("cost_factor", "benefit_factor"):
        return 1.0
    if kind == "unit_cost":
        return float(cat["unit_cost"][index])
    if kind == "success_probability":
        return float(cat["link_probability"][index])
    if kind == "value_factor":
        # Overridden values are already in the amounts: the range is relative to them.
        return 1.0
    return float(cat[kind][index])


def _uncertainty(check, items, cat, p) -> tuple[Parameter, ...]:
    parameters = []
    seen = set()
    for n, item in enumerate(check.items("uncertainty", items)):
        path = f"uncertainty[{n}]"
        item = check.obj(path, item)
        name = check.choice(f"{path}.parameter", item.get("parameter"), tuple(FILE_PARAMETERS))
        if name is None:
            continue
        kind, needs, percent = FILE_PARAMETERS[name]
        ok, index = _target(check, path, item, needs, cat)
        scale = 100.0 if percent else 1.0
        lower, upper = PARAMETER_KINDS[kind]["bounds"]
        upper = min(upper, FILE_UPPER_BOUNDS.get(kind, upper))
        low = check.field(path, item, "low", low=lower * scale, high=upper * scale)
        high = check.field(path, item, "high", low=lower * scale, high=upper * scale)
        if not ok or low is None or high is None:
            continue
        if (kind, index) in seen:
            check.error(path, _("This parameter has two ranges."))
            continue
        seen.add((kind, index))
        base = _base_value(kind, index, cat, p)
        if base is None:  # the parameter itself is wrong, and already reported
            continue
        written = (low, high, base * scale)
        low, high = low / scale, high / scale
        if not low <= base <= high:
            check.outside[n] = written
            check.error(
                path,
                _(
                    "The range %(low)s – %(high)s must contain the value used in the "
                    "calculation (%(base)s)."
                )
                % {
                    "low": _plain(low * scale),
                    "high": _plain(high * scale),
                    "base": _plain(base * scale),
                },
            )
            continue
        label = " · ".join([name] + [str(item[key]) for key in needs])
        parameters.append(Parameter(kind, index, low, base, high, label))
    return tuple(parameters)


def canonical_json(document: Any) -> str:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def inputs_hash(document: dict, registered: list[dict] | None = None) -> str:
    """What makes a result reproducible: the scenario as calculated and the engine's version."""
    payload = {"scenario": document, "registered": registered, "model": MODEL_VERSION}
    return hashlib.sha256(canonical_json(payload).encode()).hexdigest()


def calculate_document(
    document: dict, *, registered: list[dict] | None = None, progress=None
) -> dict:
    """Check and calculate a scenario document; the results carry the inputs hash."""
    from .engine import calculate

    parsed = parse_scenario(document, registered=registered)
    try:
        results = calculate(parsed.inputs, progress) if progress else calculate(parsed.inputs)
    except NonFiniteResult as error:
        raise ScenarioError(
            [
                (
                    "",
                    _(
                        "The calculation gives a figure too large to be a number (%(figure)s of "
                        "the results): check the scenario for extreme amounts, volumes or "
                        "factors, such as a tiny cost against large benefits."
                    )
                    % {"figure": error.figure},
                )
            ]
        ) from error
    results["meta"]["warnings"] = sorted(set(results["meta"]["warnings"]) | set(parsed.warnings))
    results["meta"]["inputs_hash"] = inputs_hash(document, registered)
    results["meta"]["seed"] = parsed.inputs.seed
    return results
