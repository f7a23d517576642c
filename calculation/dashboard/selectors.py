"""Reads for the dashboard and the council brief: the newest fixed version of each scenario (the
exploitation), the other fixed versions with their key figures, the versions the project lead may
pick, and the assumptions of a version with the lowest confidence grades. Nothing here writes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery

from ..models import CalculationRun, RunStatus, ScenarioVersion, VersionStatus
from ..selectors import scenario_list

#: Confidence grades a council brief lists as the least founded (5 estimate, 6 expert guess).
LOW_GRADES = (5, 6)


def _newest_result() -> QuerySet[CalculationRun]:
    return CalculationRun.objects.filter(
        scenario_version=OuterRef("pk"), status=RunStatus.SUCCEEDED
    ).order_by("-finished_at", "-id")


def exploitation_versions() -> list[ScenarioVersion]:
    """The newest fixed version of every scenario that has one: real exploitations first, the
    reference scenarios after them, each group by name."""
    ids = [s.latest_version_id for s in scenario_list(fixed_only=True)]
    return list(
        ScenarioVersion.objects.filter(pk__in=ids)
        .select_related("scenario", "fixed_by")
        .order_by("scenario__is_reference", "scenario__name")
    )


def other_fixed_versions(
    versions: Iterable[ScenarioVersion],
) -> dict[int, list[dict[str, Any]]]:
    """Per scenario of ``versions``, its other fixed versions (newest first), each with its newest
    finished run and that run's NPV and multiplier: two queries, whatever their number."""
    shown = {version.scenario_id: version.pk for version in versions}
    rows = list(
        ScenarioVersion.objects.filter(scenario_id__in=shown, status=VersionStatus.FIXED)
        .exclude(pk__in=shown.values())
        .annotate(result_id=Subquery(_newest_result().values("pk")[:1]))
        .order_by("scenario_id", "-number")
        .values("pk", "scenario_id", "number", "fixed_at", "result_id")
    )
    # The two figures in a second query: read as values of the JSON field, not through a
    # subquery (SQLite and PostgreSQL give a JSON value from a subquery differently).
    figures = {
        pk: (npv, multiplier)
        for pk, npv, multiplier in CalculationRun.objects.filter(
            pk__in=[row["result_id"] for row in rows if row["result_id"]]
        ).values_list("pk", "results__kpis__npv", "results__kpis__multiplier_discounted")
    }
    for row in rows:
        row["npv"], row["multiplier"] = figures.get(row["result_id"], (None, None))
    others: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        others.setdefault(row["scenario_id"], []).append(row)
    return others


def versions_to_pick() -> QuerySet[ScenarioVersion]:
    """Every version, drafts included, for the project lead's choice on the dashboard."""
    return (
        ScenarioVersion.objects.select_related("scenario")
        .only("pk", "number", "status", "scenario__name", "scenario__is_reference")
        .order_by("scenario__is_reference", "scenario__name", "-number")
    )


def version_for_dashboard(pk: int) -> ScenarioVersion | None:
    return ScenarioVersion.objects.select_related("scenario", "fixed_by").filter(pk=pk).first()


def _used_types(results: Mapping[str, Any]) -> set[str] | None:
    """The intervention types with households in the results as the reader sees them (a type
    hidden by the disclosure control has none); None when the results do not say."""
    rows = results.get("by_intervention_type")
    if rows is None:
        return None
    return {row["intervention_type"] for row in rows if row.get("households")}


def lowest_grade_assumptions(
    catalogue: Mapping[str, Any], results: Mapping[str, Any], language: str
) -> list[dict[str, Any]]:
    """The assumptions of a version's catalogue snapshot with a confidence grade of 5 or 6 that
    its results rest on: the outcomes of the intervention types with households and those types'
    unit costs; the least founded (highest grade) first, with their source text."""
    used = _used_types(results)
    types = [
        item
        for item in catalogue.get("intervention_types", ())
        if isinstance(item, dict) and (used is None or item.get("code") in used)
    ]
    outcome_codes = {
        link.get("outcome") for item in types for link in item.get("outcomes", ()) or ()
    }
    name_key = "name_nl" if language.startswith("nl") else "name_en"

    def shown_name(item: Mapping[str, Any]) -> str:
        return str(item.get(name_key) or item.get("name_nl") or item.get("code") or "")

    rows: list[dict[str, Any]] = []
    for item in catalogue.get("outcomes", ()):
        if not isinstance(item, dict) or item.get("code") not in outcome_codes:
            continue
        if item.get("confidence_grade") in LOW_GRADES:
            rows.append(
                {
                    "kind": "outcome",
                    "code": item["code"],
                    "name": shown_name(item),
                    "grade": item["confidence_grade"],
                    "source": item.get("source") or "",
                }
            )
    for item in types:
        if item.get("cost_confidence_grade") in LOW_GRADES:
            rows.append(
                {
                    "kind": "unit_cost",
                    "code": item.get("code"),
                    "name": shown_name(item),
                    "grade": item["cost_confidence_grade"],
                    "source": item.get("cost_source") or "",
                }
            )
    rows.sort(key=lambda row: (-row["grade"], row["kind"] != "outcome", row["name"]))
    return rows
