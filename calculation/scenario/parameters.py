"""The parameters of a scenario file, and its overrides and uncertainty ranges of catalogue
assumptions: checked, and applied to the catalogue's arrays."""

from __future__ import annotations

from typing import Any

import numpy as np
from django.utils.translation import gettext_lazy as _

from ..engine import PARAMETER_KINDS, Parameter
from .checker import Checker, plain
from .fields import (
    DEFAULT_PARAMETERS,
    FILE_PARAMETERS,
    FILE_UPPER_BOUNDS,
    MAX_AMOUNT,
    MAX_DRAWS,
    MAX_FACTOR,
    MAX_HORIZON,
    MAX_SEED,
    MAX_YEAR,
    MIN_DRAWS,
    MIN_YEAR,
    OVERRIDE_PARAMETERS,
    PRICE_BASES,
    RATE_LIMITS,
)


def check_parameters(check: Checker, params: dict) -> dict[str, Any]:
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


def target(check: Checker, path: str, item: dict, needs: tuple[str, ...], cat: dict):
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


def apply_overrides(check: Checker, cat: dict, overrides: list) -> None:
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
        ok, index = target(check, path, item, targets.get(name, ("outcome",)), cat)
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


def base_value(kind: str, index: int | None, cat: dict, p: dict) -> float:
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


def uncertainty_ranges(check, items, cat, p) -> tuple[Parameter, ...]:
    parameters = []
    seen = set()
    for n, item in enumerate(check.items("uncertainty", items)):
        path = f"uncertainty[{n}]"
        item = check.obj(path, item)
        name = check.choice(f"{path}.parameter", item.get("parameter"), tuple(FILE_PARAMETERS))
        if name is None:
            continue
        kind, needs, percent = FILE_PARAMETERS[name]
        ok, index = target(check, path, item, needs, cat)
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
        base = base_value(kind, index, cat, p)
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
                    "low": plain(low * scale),
                    "high": plain(high * scale),
                    "base": plain(base * scale),
                },
            )
            continue
        label = " · ".join([name] + [str(item[key]) for key in needs])
        parameters.append(Parameter(kind, index, low, base, high, label))
    return tuple(parameters)
