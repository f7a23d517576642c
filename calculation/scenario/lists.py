"""The lists of a scenario file that give volumes and amounts per year: the planned intake, the
registered interventions, the programme costs and the budget envelope, as the engine's arrays."""

from __future__ import annotations

from typing import Any

import numpy as np
from django.utils.translation import gettext_lazy as _

from .checker import Checker
from .fields import MAX_AMOUNT, MAX_HOUSEHOLDS, MAX_YEAR, MIN_YEAR, PROGRAMME_CATEGORIES


def intake_arrays(
    check: Checker, items: Any, cat: dict[str, Any], start: int, horizon: int
) -> tuple[np.ndarray, np.ndarray]:
    """The planned intake: households per intervention type and year, and the unit cost of each
    cohort (the catalogue's, unless a row prices its cohort differently)."""
    n_types = len(cat["unit_cost"])
    planned = np.zeros((n_types, horizon))
    planned_cost = np.repeat(cat["unit_cost"][:, None], horizon, axis=1)
    seen: set[tuple[int, int]] = set()
    for n, item in enumerate(check.items("intake", items)):
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
    return planned, planned_cost


def registered_arrays(
    check: Checker, rows: Any, cat: dict[str, Any], start: int, horizon: int
) -> tuple[np.ndarray, np.ndarray, float]:
    """Registered interventions per intervention type and start year, with their cost in total;
    and how many households started outside the horizon (not counted)."""
    n_types = len(cat["unit_cost"])
    counts = np.zeros((n_types, horizon))
    costs = np.zeros((n_types, horizon))
    outside = 0.0
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
        if i is None or year is None or households is None or cost is None:
            continue
        if not start <= year < start + horizon:
            outside += households
            continue
        counts[i, year - start] += households
        costs[i, year - start] += cost
    return counts, costs, outside


def programme_costs(
    check: Checker,
    items: Any,
    actor_index: dict[str, int],
    n_actors: int,
    start: int,
    horizon: int,
) -> tuple[tuple[str, ...], np.ndarray]:
    """Programme costs per category, year and paying actor (on top of the interventions)."""
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
        if category is not None and a is not None and year is not None and amount is not None:
            rows.append((PROGRAMME_CATEGORIES.index(category), year - start, a, amount))
    programme = np.zeros((len(PROGRAMME_CATEGORIES), horizon, n_actors))
    for k, t, a, amount in rows:
        programme[k, t, a] += amount
    return PROGRAMME_CATEGORIES, programme


def budget_envelope(check: Checker, items: Any, start: int, horizon: int) -> np.ndarray | None:
    """The municipality's budget per year, or None when the file gives no envelope."""
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
