"""Read helpers for the scenario pages and the API: results laid out as table rows, a version's
lists with their names, and the place in a scenario that a service's message points at.

Nothing here writes; the numbers are those of ``engine.calculate`` (read, never recomputed),
except for sums and shares a table shows beside them.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from . import selectors
from .labels import (
    PARAMETER_LABELS,
    PROGRAMME_CATEGORY_LABELS,
    VALUE_TYPE_LABELS,
    WARNING_LABELS,
    catalogue_labels,
    name,
    parameter_label,
)
from .models import CalculationRun, RunStatus, ScenarioVersion
from .scenario import FILE_PARAMETERS

#: Key figures: (key in ``kpis``, label, kind for formatting, key of the calendar year).
KPIS = {
    "npv": (_("Net present value (NPV)"), "euro", None),
    "pv_costs": (_("Present value of the costs"), "euro", None),
    "pv_benefits": (_("Present value of the benefits"), "euro", None),
    "multiplier_discounted": (_("Multiplier, discounted"), "ratio", None),
    "multiplier_undiscounted": (_("Multiplier, undiscounted"), "ratio", None),
    "net_sroi": (_("Net SROI (NPV / present value of the costs)"), "ratio", None),
    "municipality_financial_return": (
        _("Financial return for the municipality"),
        "ratio",
        None,
    ),
    "irr": (_("Internal rate of return (IRR)"), "rate", None),
    "break_even_years": (
        _("Break-even, undiscounted"),
        "years",
        "break_even_calendar_year",
    ),
    "break_even_calendar_year": (_("Break-even year, undiscounted"), "year", None),
    "break_even_discounted_years": (
        _("Break-even, discounted"),
        "years",
        "break_even_discounted_calendar_year",
    ),
    "municipality_payback_years": (
        _("Payback for the municipality"),
        "years",
        "municipality_payback_calendar_year",
    ),
    "costs_undiscounted": (_("Costs, undiscounted"), "euro", None),
    "benefits_undiscounted": (_("Benefits, undiscounted"), "euro", None),
    "households": (_("Households"), "count", None),
}
KPI_CARDS = (
    "npv",
    "pv_costs",
    "pv_benefits",
    "multiplier_discounted",
    "multiplier_undiscounted",
    "net_sroi",
    "municipality_financial_return",
    "irr",
    "break_even_years",
    "break_even_discounted_years",
    "municipality_payback_years",
)
KPI_HINTS = {
    "municipality_financial_return": _(
        "Present value of the municipality's cashable benefits per euro of its costs."
    ),
    "irr": _("Only where the net flows change sign."),
    "break_even_years": _(
        "From when the cumulative net stays at or above zero until the end of the horizon; "
        "“not reached” when it ends below zero."
    ),
    "break_even_discounted_years": _("The same, on the discounted net flows."),
    "municipality_payback_years": _(
        "The same rule on the municipality's own flows: its cashable benefits minus its costs."
    ),
}


# --- messages of the services ---------------------------------------------------------------------

_PATH = re.compile(r"^([a-z_]+(?:\[\d+\])?(?:\.[a-z_]+(?:\[\d+\])?)*): (.+)$", re.DOTALL)
_STEP = re.compile(r"([a-z_]+)(?:\[(\d+)\])?")


def service_messages(error: ValidationError) -> list[str]:
    """Every message of a service's ValidationError, a field's name in front where it has one."""
    if hasattr(error, "error_dict"):
        return [
            message if field == "__all__" else f"{field}: {message}"
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    return list(error.messages)


def split_message(message: str) -> tuple[list[tuple[str, int | None]], str]:
    """A scenario message "intake[2].year: Must lie …" as its path [("intake", 2), ("year",
    None)] and its text; a message without a path has an empty one."""
    match = _PATH.match(message)
    if not match:
        return [], message
    steps = [(key, int(index) if index else None) for key, index in _STEP.findall(match.group(1))]
    return steps, match.group(2)


def api_errors(error: ValidationError) -> dict[str, list[str]]:
    """A service's ValidationError as REST framework errors, keyed by the field they are about:
    "parameters.horizon_years: …" under ``horizon_years``, "intake[0].year: …" under ``intake``
    (the message keeps its place in the list)."""
    if hasattr(error, "error_dict"):
        return {
            "non_field_errors" if field == "__all__" else field: messages
            for field, messages in error.message_dict.items()
        }
    errors: dict[str, list[str]] = {}
    for message in error.messages:
        path, text = split_message(message)
        if not path:
            errors.setdefault("non_field_errors", []).append(message)
        elif path[0][0] == "parameters" and len(path) > 1:
            field, index = path[1]
            whole_field = len(path) == 2 and index is None
            errors.setdefault(field, []).append(text if whole_field else message)
        else:
            errors.setdefault(path[0][0], []).append(message)
    return errors


# --- the scenario list ----------------------------------------------------------------------------


def scenario_rows() -> list[dict]:
    """Every scenario with its newest version, that version's newest run and, when that run
    finished, its NPV and multiplier. A fixed number of queries, whatever the number of rows."""
    scenarios = list(selectors.scenario_list())
    newest_run = CalculationRun.objects.filter(scenario_version=OuterRef("pk")).order_by(
        "-created_at", "-id"
    )
    versions = {
        version.pk: version
        for version in ScenarioVersion.objects.filter(
            pk__in=[s.latest_version_id for s in scenarios if s.latest_version_id]
        )
        .only("pk", "number", "status", "fixed_at", "updated_at", "start_year", "horizon_years")
        .annotate(latest_run_id=Subquery(newest_run.values("pk")[:1]))
    }
    runs = {
        row["pk"]: row
        for row in CalculationRun.objects.filter(
            pk__in=[v.latest_run_id for v in versions.values() if v.latest_run_id]
        ).values(
            "pk",
            "status",
            "progress",
            "finished_at",
            "results__kpis__npv",
            "results__kpis__multiplier_discounted",
        )
    }
    rows = []
    for scenario in scenarios:
        version = versions.get(scenario.latest_version_id)
        run = runs.get(version.latest_run_id) if version else None
        if run is not None:
            run = {
                **run,
                "status_label": RunStatus(run["status"]).label,
                "finished": run["status"] == RunStatus.SUCCEEDED,
                "npv": run["results__kpis__npv"],
                "multiplier": run["results__kpis__multiplier_discounted"],
            }
        rows.append({"scenario": scenario, "version": version, "run": run})
    return rows


def comparable_versions():
    """Versions with at least one finished run, for the comparison page."""
    finished = CalculationRun.objects.filter(
        scenario_version=OuterRef("pk"), status=RunStatus.SUCCEEDED
    )
    return (
        ScenarioVersion.objects.filter(Exists(finished))
        .select_related("scenario")
        .only("pk", "number", "status", "scenario__name", "scenario__code")
        .order_by("scenario__name", "-number")
    )


def comparison(versions: list[ScenarioVersion]) -> dict:
    """KPIs of the newest finished run of each version side by side, with each version's
    difference from the first."""
    runs = [selectors.latest_result(version) for version in versions]
    rows = []
    for row in selectors.kpi_comparison(runs):
        label, kind, _calendar = KPIS[row["key"]]
        first = row["values"][0]
        differences = [
            None if first is None or value is None else value - first for value in row["values"][1:]
        ]
        rows.append(
            {
                "key": row["key"],
                "label": label,
                "kind": kind,
                "values": row["values"],
                "differences": differences,
            }
        )
    return {"versions": versions, "runs": runs, "rows": rows}


# --- a version ------------------------------------------------------------------------------------


def version_sections(version: ScenarioVersion) -> dict:
    """A version's lists as table rows, with the names of its catalogue snapshot."""
    labels = catalogue_labels(version.catalogue)
    unit_costs = {
        item.get("code"): item.get("unit_cost")
        for item in (version.catalogue or {}).get("intervention_types", [])
        if isinstance(item, dict)
    }

    def target(item: dict) -> str:
        parts = []
        if item.get("intervention_type"):
            parts.append(name(labels, "intervention_types", item["intervention_type"]))
        if item.get("outcome"):
            parts.append(name(labels, "outcomes", item["outcome"]))
        return " – ".join(parts)

    def parameter_kind(parameter: str) -> str:
        if parameter in FILE_PARAMETERS:
            kind, _needs, percent = FILE_PARAMETERS[parameter]
            return "percent" if percent else kind
        return "percent" if parameter.endswith("_pct") else "plain"

    return {
        "intake": [
            {
                **row,
                "name": name(labels, "intervention_types", row.get("intervention_type")),
                "catalogue_unit_cost": unit_costs.get(row.get("intervention_type")),
            }
            for row in version.intake or []
        ],
        "programme_costs": [
            {
                **row,
                "category_label": PROGRAMME_CATEGORY_LABELS.get(
                    row.get("category"), row.get("category")
                ),
                "actor_name": name(labels, "actors", row.get("actor")),
            }
            for row in version.programme_costs or []
        ],
        "budget": version.budget,
        "uncertainty": [
            {
                **row,
                "label": PARAMETER_LABELS.get(row.get("parameter"), row.get("parameter")),
                "target": target(row),
                "kind": parameter_kind(row.get("parameter", "")),
            }
            for row in version.uncertainty or []
        ],
        "overrides": [
            {
                **row,
                "label": PARAMETER_LABELS.get(row.get("parameter"), row.get("parameter")),
                "target": target(row),
                "kind": parameter_kind(row.get("parameter", "")),
            }
            for row in version.overrides or []
        ],
        "catalogue_counts": {
            group: len(labels[group]) for group in ("intervention_types", "outcomes", "actors")
        },
    }


# --- results --------------------------------------------------------------------------------------


def kpi_cards(kpis: dict) -> list[dict]:
    cards = []
    for key in KPI_CARDS:
        label, kind, calendar_key = KPIS[key]
        cards.append(
            {
                "key": key,
                "label": label,
                "kind": kind,
                "value": kpis.get(key),
                "calendar_year": kpis.get(calendar_key) if calendar_key else None,
                "hint": KPI_HINTS.get(key),
            }
        )
    return cards


#: Amounts smaller than this are rounding noise, not a row worth showing.
CENT = 0.005


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def results_tables(results: dict) -> dict:
    """Everything the results page shows, as rows with names in the reader's language."""
    meta = results["meta"]
    labels = meta.get("labels", {})
    kpis = results["kpis"]
    factors = [row["discount_factor"] for row in results["year_table"]]

    def pv(series: list[float]) -> float:
        return sum(value * factor for value, factor in zip(series, factors, strict=True))

    benefits_by_actor = results["benefits_by_actor"]
    transfers_by_actor = results["transfers_by_actor"]
    actors = []
    for code in meta["actors"]:
        total = sum(benefits_by_actor.get(code, []))
        transfers = sum(transfers_by_actor.get(code, []))
        actors.append(
            {
                "name": name(labels, "actors", code),
                "benefits": total,
                "transfers": transfers,
                "society": total - transfers,
                "pv_benefits": pv(benefits_by_actor.get(code, [])),
            }
        )

    domain_total = sum(sum(series) for series in results["benefits_by_domain"].values())
    domains = [
        {
            "name": name(labels, "domains", code),
            "benefits": sum(results["benefits_by_domain"].get(code, [])),
            "pv_benefits": pv(results["benefits_by_domain"].get(code, [])),
            "share": _share(sum(results["benefits_by_domain"].get(code, [])), domain_total),
        }
        for code in meta["domains"]
    ]
    value_types = [
        {
            "name": VALUE_TYPE_LABELS.get(code, code),
            "benefits": sum(series),
            "pv_benefits": pv(series),
        }
        for code, series in results["benefits_by_value_type"].items()
    ]

    matrix = results["actor_domain_matrix"]
    used_domains = [
        k
        for k in range(len(matrix["domains"]))
        if any(abs(row[k]) > CENT for row in matrix["undiscounted"])
    ]
    matrix_rows = [
        {
            "name": name(labels, "actors", code),
            "cells": [row[k] for k in used_domains],
            "total": sum(row),
        }
        for code, row in zip(matrix["actors"], matrix["undiscounted"], strict=True)
        if any(abs(value) > CENT for value in row)
    ]
    matrix_view = {
        "domains": [name(labels, "domains", matrix["domains"][k]) for k in used_domains],
        "rows": matrix_rows,
        "totals": [sum(row[k] for row in matrix["undiscounted"]) for k in used_domains],
        "total": sum(sum(row) for row in matrix["undiscounted"]),
    }

    who_pays = [
        {**row, "name": name(labels, "actors", row["actor"])}
        for row in results["who_pays_who_benefits"]
    ]
    allocation = {
        key: [
            {**row, "name": name(labels, group, row["code"])}
            for row in results["cost_allocation"][key]
            if abs(row["benefits"]) > CENT or abs(row["allocated_costs"]) > CENT
        ]
        for key, group in (("by_domain", "domains"), ("by_actor", "actors"))
    }
    types = [
        {**row, "name": name(labels, "intervention_types", row["intervention_type"])}
        for row in results["by_intervention_type"]
        if row["households"] or row["costs"] or row["benefits"]
    ]
    programme = [
        {"name": PROGRAMME_CATEGORY_LABELS.get(code, code), "costs": sum(series)}
        for code, series in (results.get("costs_by_programme_category") or {}).items()
        if sum(series)
    ]
    tornado = [
        {**row, "label": parameter_label(row["parameter"], labels)} for row in results["tornado"]
    ]
    switching = [
        {**row, "label": parameter_label(row["parameter"], labels)}
        for row in results["switching_values"]
    ]
    monte_carlo = results.get("monte_carlo") or {}
    return {
        "meta": meta,
        "kpis": kpis,
        "cards": kpi_cards(kpis),
        "warnings": [WARNING_LABELS.get(code, code) for code in meta.get("warnings", [])],
        "year_table": results["year_table"],
        "periods": results["periods"],
        "actors": actors,
        "domains": domains,
        "value_types": value_types,
        "matrix": matrix_view,
        "who_pays": who_pays,
        "allocation": allocation,
        "types": types,
        "programme": programme,
        "ledger": results["ledger"],
        "budget": results.get("budget_position"),
        "tornado": tornado,
        "switching": switching,
        "monte_carlo": monte_carlo,
        "monte_carlo_parameters": [
            parameter_label(label, labels) for label in monte_carlo.get("parameters", [])
        ],
    }
