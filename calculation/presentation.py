"""Read helpers for the scenario pages and the API: the scenario list, a version's lists with
their names, what a results page shows around its tables, and the place in a scenario that a
service's message points at. Nothing here writes.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Subquery
from django.template.loader import render_to_string
from django.utils.translation import get_language

from monitoring.suppression import DisclosureRules
from siex.core.cached import cached_forever

from . import selectors
from .labels import (
    PARAMETER_LABELS,
    PROGRAMME_CATEGORY_LABELS,
    WARNING_LABELS,
    catalogue_labels,
    name,
    parameter_label,
)
from .models import CalculationRun, RunStatus, ScenarioVersion
from .results.cells import ResultTable
from .results.charts import KEY_CHARTS, run_charts
from .results.disclosure import SEE_HOUSEHOLDS, results_for
from .results.tables import run_tables
from .scenario import FILE_PARAMETERS

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


def scenario_rows(*, fixed_only: bool = False) -> list[dict]:
    """Every scenario with its newest version, that version's newest run and, when that run
    finished, its NPV and multiplier. A fixed number of queries, whatever the number of rows.
    With ``fixed_only`` (the council's list) the newest fixed version of the scenarios that have
    one."""
    scenarios = list(selectors.scenario_list(fixed_only=fixed_only))
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
        stored = runs.get(version.latest_run_id) if version else None
        run: dict[str, Any] | None = None
        if stored is not None:
            run = {
                **stored,
                "status_label": RunStatus(stored["status"]).label,
                "finished": stored["status"] == RunStatus.SUCCEEDED,
                "npv": stored["results__kpis__npv"],
                "multiplier": stored["results__kpis__multiplier_discounted"],
            }
        rows.append({"scenario": scenario, "version": version, "run": run})
    return rows


# --- a version ------------------------------------------------------------------------------------


def _catalogue_names(version: ScenarioVersion) -> tuple[dict, dict]:
    """The names and unit costs of a version's catalogue snapshot, cached per version as stored
    (every change raises ``version`` and ``updated_at``): the snapshot is most of a version's
    row, and its page needs only these."""

    def read() -> tuple[dict, dict]:
        catalogue = version.catalogue or {}
        unit_costs = {
            item.get("code"): item.get("unit_cost")
            for item in catalogue.get("intervention_types", [])
            if isinstance(item, dict)
        }
        return catalogue_labels(catalogue), unit_costs

    stamp = version.updated_at.isoformat() if version.updated_at else ""
    return cached_forever(f"catalogue-names:{version.pk}:{version.version}:{stamp}", read)


def version_sections(version: ScenarioVersion) -> dict:
    """A version's lists as table rows, with the names of its catalogue snapshot."""
    labels, unit_costs = _catalogue_names(version)

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


def results_page(results: dict) -> dict:
    """What a results page shows: every result table (``results.tables``), and around them the
    run's settings, its warnings in words and the uncertain parameters of the Monte Carlo
    analysis."""
    meta = results["meta"]
    labels = meta.get("labels", {})
    monte_carlo = results.get("monte_carlo") or {}
    return {
        "meta": meta,
        "warnings": [WARNING_LABELS.get(code, code) for code in meta.get("warnings", [])],
        "monte_carlo": monte_carlo,
        "monte_carlo_parameters": [
            parameter_label(label, labels) for label in monte_carlo.get("parameters", [])
        ],
        "funding_gap": results["ledger"]["funding_gap"],
        "tables": run_tables(results),
    }


def key_figures(results: dict) -> ResultTable:
    """The key figures of a results document (the cards at the top of a results page)."""
    return run_tables(results, ["key_figures"])["key_figures"]


#: Rendered results of finished runs kept by this process (``results_html``), newest last.
RENDERED_KEEP = 16
_rendered: OrderedDict[tuple, tuple[str, bool]] = OrderedDict()
_rendered_lock = threading.Lock()


def results_html(run: CalculationRun, user, part: str = "all") -> tuple[str, bool]:
    """The results of a finished run as HTML, and whether they hold charts: ``all`` of them (the
    run's page) or its ``key`` figures and charts (its version's page).

    A finished run's results never change, so each process renders them once per language and
    kind of reader (with or without the disclosure control) and keeps the newest RENDERED_KEEP.
    A process that starts anew (a new release) renders them again, with its own templates.
    """
    key = (
        part,
        run.pk,
        run.finished_at,
        get_language(),
        user.has_perm(SEE_HOUSEHOLDS),
        DisclosureRules.from_settings(),
    )
    with _rendered_lock:
        found = _rendered.get(key)
        if found is not None:
            _rendered.move_to_end(key)
            return found
    results = results_for(selectors.run_results(run), user)
    if part == "key":
        charts = run_charts(results, KEY_CHARTS)
        html = render_to_string(
            "calculation/partials/key_results.html",
            {"result": run, "key_figures": key_figures(results), "charts": charts},
        )
    else:
        charts = run_charts(results)
        html = render_to_string(
            "calculation/partials/run_results.html",
            {
                "run": run,
                "version": run.scenario_version,
                "page": results_page(results),
                "charts": charts,
            },
        )
    found = (html, bool(charts))
    with _rendered_lock:
        _rendered[key] = found
        while len(_rendered) > RENDERED_KEEP:
            _rendered.popitem(last=False)
    return found
