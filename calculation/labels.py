"""Names in the reader's language: of the codes a scenario and its results use (programme cost
categories, value types, parameters, warnings, the steps of a job) and of a catalogue's entries.

Pure: no database; the pages, the forms, the result tables and the API read them from here.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from interventions.catalogue.groups import default_group, groups_of_codes

from .scenario import FILE_PARAMETERS

PROGRAMME_CATEGORY_LABELS = {
    "staff": _("Staff"),
    "neighbourhood_teams": _("Neighbourhood teams' time"),
    "monitoring_research": _("Monitoring and research"),
    "other": _("Other programme costs"),
}

VALUE_TYPE_LABELS = {
    "fiscal_cashable": _("Fiscal, cashable"),
    "fiscal_non_cashable": _("Fiscal, not cashable"),
    "economic": _("Economic"),
    "social": _("Social"),
}

#: Uncertainty and override parameters as a file names them, and the engine's kinds.
PARAMETER_LABELS = {
    "discount_rate": _("Discount rate"),
    "cost_factor": _("Cost factor (all costs)"),
    "benefit_factor": _("Benefit factor (all benefits)"),
    "unit_cost": _("Unit cost"),
    "success_probability": _("Success probability"),
    "deadweight_pct": _("Deadweight (%)"),
    "attribution_pct": _("Attribution (%)"),
    "displacement_pct": _("Displacement (%)"),
    "drop_off_pct": _("Drop-off (%)"),
    "value_factor": _("Value factor (money values of the outcome)"),
    "lag_years": _("Lag (years)"),
    "duration_years": _("Duration (years)"),
    "confidence_grade": _("Confidence grade"),
    "deadweight": _("Deadweight"),
    "attribution": _("Attribution"),
    "displacement": _("Displacement"),
    "drop_off": _("Drop-off"),
}

WARNING_LABELS = {
    "horizon_above_10": _(
        "The horizon is longer than 10 years: effects far ahead are less certain (a GREX runs "
        "10 years)."
    ),
    "costs_beyond_horizon": _(
        "Part of the intervention costs falls after the last year of the horizon and is not "
        "counted."
    ),
    "no_uncertainty_ranges": _(
        "This scenario has no uncertainty ranges: the tornado and the Monte Carlo analysis show "
        "no spread."
    ),
    "registered_outside_horizon": _(
        "Some registered interventions started outside the horizon and are not counted."
    ),
}

STEP_LABELS = {
    "": _("waiting for a worker"),
    "reading": _("reading the scenario"),
    "deterministic": _("calculating costs and benefits"),
    "breakdowns": _("breaking down per actor and domain"),
    "sensitivity": _("sensitivity analysis"),
    "monte_carlo": _("Monte Carlo simulation"),
    "done": _("done"),
}


def language() -> str:
    return "en" if (get_language() or "nl").startswith("en") else "nl"


def name(labels: dict | None, group: str, code: Any) -> str:
    """The name of ``code`` in the reader's language (``meta.labels`` of a results document, or
    ``catalogue_labels`` of a version)."""
    entry = (labels or {}).get(group, {}).get(code)
    if not entry:
        return "" if code is None else str(code)
    return entry.get(language()) or entry.get("nl") or str(code)


def group_order(labels: dict | None) -> list[str]:
    """The codes of the actor groups of a results document (``meta.labels``), in their order.
    Results of before the groups were data hold only each actor's group code
    (``actor_sectors``): their groups are the ones those codes name."""
    labels = labels or {}
    if "actor_group_order" in labels:
        return list(labels["actor_group_order"])
    return [
        entry["code"] for entry in groups_of_codes((labels.get("actor_sectors") or {}).values())
    ]


def group_name(labels: dict | None, code: str) -> str:
    """The name of the actor group ``code`` in the reader's language; for results of before the
    groups were data, the name of the default group of that code."""
    if not code:
        return str(_("Without a group"))
    if code in (labels or {}).get("actor_groups", {}):
        return name(labels, "actor_groups", code)
    entry = default_group(code)
    if entry is None:
        return code
    return entry["name_en"] if language() == "en" else entry["name_nl"]


def catalogue_labels(catalogue: dict | None) -> dict:
    """A catalogue snapshot's names, shaped like ``meta.labels`` of a results document."""

    def names(items) -> dict:
        return {
            item.get("code"): {
                "nl": item.get("name_nl") or item.get("code"),
                "en": item.get("name_en") or item.get("code"),
            }
            for item in items or []
            if isinstance(item, dict)
        }

    catalogue = catalogue if isinstance(catalogue, dict) else {}
    return {
        "actors": names(catalogue.get("actors")),
        "domains": names(catalogue.get("life_domains")),
        "intervention_types": names(catalogue.get("intervention_types")),
        "outcomes": names(catalogue.get("outcomes")),
    }


def catalogue_choices(catalogue: dict | None, group: str) -> list[tuple[str, str]]:
    """(code, name) pairs of a catalogue snapshot's actors, intervention types or outcomes."""
    labels = catalogue_labels(catalogue)
    return sorted(
        ((code, name(labels, group, code)) for code in labels[group]),
        key=lambda pair: pair[1].lower(),
    )


def parameter_targets(parameter: str) -> tuple[str, ...]:
    """What an uncertainty range or override of ``parameter`` must name (as ``scenario.py``
    checks it): an intervention type, an outcome, or both."""
    if parameter in FILE_PARAMETERS:
        return FILE_PARAMETERS[parameter][1]
    return ("outcome",)


def parameter_label(label: str, labels: dict | None) -> str:
    """The engine's label of a ranged parameter ("unit_cost · budgetcoaching") in words."""
    first, *codes = label.split(" · ")
    words = str(PARAMETER_LABELS.get(first, first))
    groups = {"intervention_type": "intervention_types", "outcome": "outcomes"}
    pairs = zip(parameter_targets(first), codes, strict=False)
    targets = [name(labels, groups[need], code) for need, code in pairs]
    return " – ".join([words, *targets]) if targets else words


def step_label(step: str) -> str:
    return str(STEP_LABELS.get(step, step))
