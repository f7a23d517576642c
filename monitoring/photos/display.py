"""A photo document as the pages show it: values in Dutch notation with their unit, changes in
words, hidden counts as "<10"."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import get_language

from ..views import shown_value
from .export import change_label


def _text(value: str | None, unit: str, decimals: int) -> str:
    return shown_value(None if value is None else Decimal(value), unit, decimals)


def _label(entry: dict[str, Any]) -> str:
    english = (get_language() or "nl").startswith("en")
    return entry["label_en"] if english else entry["label_nl"]


def indicator_rows(content: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for entry in content["indicators"]:
        unit, decimals = entry["unit"], entry["decimals"]
        latest = entry["latest"]
        marks = entry["benchmarks"]
        rows.append(
            {
                "code": entry["code"],
                "label": _label(entry),
                "version": entry["version"],
                "period": latest["period"],
                "withheld": latest["withheld"],
                "provisional": latest["status"] == "provisional",
                "text": _text(latest["value"], unit, decimals),
                "definition_break": entry["definition_break"],
                "change": entry["trend_direction"],
                "change_text": change_label(entry["trend_direction"]),
                "municipality": _benchmark(marks["municipality"], unit, decimals),
                "country": _benchmark(marks["country"], unit, decimals),
                "peers": _peers_text(marks["peers"], latest["period"], unit, decimals),
                "trend": [
                    {
                        "period": point["period"],
                        "withheld": point["withheld"],
                        "text": _text(point["value"], unit, decimals),
                        "break_before": point["break_before"],
                    }
                    for point in entry["trend"]
                ],
            }
        )
    return rows


def _benchmark(mark: dict[str, Any] | None, unit: str, decimals: int) -> dict[str, Any] | None:
    if mark is None:
        return None
    return {"withheld": mark["withheld"], "text": _text(mark["value"], unit, decimals)}


def comparison_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    shown = []
    for row in rows:
        unit, decimals = row["unit"], row["decimals"]
        shown.append(
            {
                "label": _label(row),
                "first": _point(row["first"], unit, decimals),
                "second": _point(row["second"], unit, decimals),
                "difference": _text(row["difference"], "", decimals),
                "change": row["change"],
                "change_text": change_label(row["change"]),
                "definition_break": row["definition_break"],
            }
        )
    return shown


def _point(point: dict[str, Any] | None, unit: str, decimals: int) -> dict[str, Any] | None:
    if point is None:
        return None
    return {
        "period": point["period"],
        "withheld": point["withheld"],
        "text": _text(point["value"], unit, decimals),
    }


def _peers_text(peers: dict[str, Any] | None, period: int, unit: str, decimals: int) -> str:
    """The peers' mean; with its period when it is an earlier one than the area's value."""
    if not peers:
        return ""
    text = _text(peers.get("value"), unit, decimals)
    earlier = peers.get("period")
    return f"{text} ({earlier})" if earlier is not None and earlier != period else text
