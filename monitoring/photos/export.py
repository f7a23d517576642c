"""A neighbourhood photo as a table, for its CSV and XLSX downloads (written through
``siex.core.spreadsheets``): a row per indicator with its benchmarks and trend, then the programme's
figures in the same columns. Hidden counts stay hidden ("<10")."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from siex.core.spreadsheets import (
    csv_text,
    xlsx_append,
    xlsx_bytes,
    xlsx_sheet,
    xlsx_workbook,
)

HEADERS = [
    gettext_lazy("Part"),
    gettext_lazy("Code"),
    gettext_lazy("Description"),
    gettext_lazy("Period"),
    gettext_lazy("Value"),
    gettext_lazy("Status"),
    gettext_lazy("Withheld"),
    gettext_lazy("Definition break"),
    gettext_lazy("Trend"),
    gettext_lazy("Municipality"),
    gettext_lazy("Netherlands"),
    gettext_lazy("Peer municipalities (mean)"),
    gettext_lazy("Peers with a value"),
    gettext_lazy("Period of the peers' mean"),
]


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def change_label(change: str | None) -> str:
    labels = {
        "better": _("better"),
        "worse": _("worse"),
        "equal": _("equal"),
        "up": _("higher"),
        "down": _("lower"),
    }
    return labels.get(change or "", "")


def _count(value: int | None, suppressed: bool, threshold: int) -> Any:
    if value is None:
        return f"<{threshold}" if suppressed else ""
    return value


def rows(content: dict[str, Any], *, english: bool = False) -> Iterator[list[Any]]:
    label = "label_en" if english else "label_nl"
    for entry in content["indicators"]:
        latest = entry["latest"]
        marks = entry["benchmarks"]
        peers = marks["peers"] or {}
        yield [
            _("Indicator"),
            entry["code"],
            entry[label],
            latest["period"],
            _decimal(latest["value"]),
            latest["status"],
            _("yes") if latest["withheld"] else "",
            _("yes") if entry["definition_break"] else "",
            change_label(entry["trend_direction"]),
            _decimal((marks["municipality"] or {}).get("value")),
            _decimal((marks["country"] or {}).get("value")),
            _decimal(peers.get("value")),
            peers.get("count"),
            peers.get("period"),
        ]
    programme = content["programme"]
    hidden = bool(programme.get("suppressed"))
    threshold = programme.get("threshold", 10)
    part = _("Programme")
    participants = programme["participants"]
    yield [
        part,
        "participants_active",
        _("Households taking part"),
        None,
        _count(participants["active"], hidden, threshold),
    ]
    yield [
        part,
        "participants_ended",
        _("Households whose participation ended"),
        None,
        _count(participants["ended"], hidden, threshold),
    ]
    name = "name_en" if english else "name_nl"
    for row in programme["interventions"]:
        yield [part, row["code"], row[name], None, _count(row["count"], hidden, threshold)]
    yield [part, "spend", _("Spend (actual costs, EUR)"), None, _decimal(programme["spend"])]
    expected = programme["expected_returns"]
    yield [
        part,
        "expected_returns",
        _("Expected returns (EUR)"),
        None,
        None if expected is None else Decimal(str(expected["benefits"])),
    ]
    realised = programme["realised_returns"]
    yield [
        part,
        "realised_returns",
        _("Realised returns (EUR)"),
        None,
        _("not yet measured") if realised is None else Decimal(str(realised)),
    ]


def photo_csv(content: dict[str, Any], *, english: bool = False) -> str:
    return csv_text(HEADERS, rows(content, english=english))


def photo_xlsx(content: dict[str, Any], *, title: str, english: bool = False) -> bytes:
    workbook = xlsx_workbook()
    sheet = xlsx_sheet(
        workbook, title, HEADERS, widths=[12, 30, 50, 8, 12, 12, 8, 8, 10, 12, 12, 14, 8]
    )
    for row in rows(content, english=english):
        xlsx_append(sheet, row)
    return xlsx_bytes(workbook)
