"""The templates of the indicator file upload: a long CSV file and a wide one (CBS kerncijfers),
each with an example row, and a workbook that adds the allowed indicator codes with their units and
the area codes. Written through the one spreadsheet writer (``siex.core.spreadsheets``)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from monitoring.indicators.models import UNIT_DOMAINS, Indicator, Unit
from monitoring.selectors import current_districts
from siex.core.spreadsheets import csv_text, xlsx_append, xlsx_bytes, xlsx_sheet, xlsx_workbook

LONG_HEADER = ["gebied", "jaar", "indicator", "waarde", "status", "bron"]
WIDE_FIRST = ["gebied", "jaar"]
EXAMPLE_VALUES: dict[str, Decimal] = {
    Unit.PERCENTAGE: Decimal("12.5"),
    Unit.COUNT: Decimal(140),
    Unit.PER_1000: Decimal("35.2"),
    Unit.THOUSAND_EUROS: Decimal("24.3"),
    Unit.EUROS: Decimal(1250),
    Unit.SCORE: Decimal("6.8"),
}


def current_indicators() -> list[Indicator]:
    """The latest definition version of every indicator code, by theme and code."""
    latest: dict[str, Indicator] = {}
    for indicator in Indicator.objects.order_by("code", "version"):
        latest[indicator.code] = indicator
    return sorted(latest.values(), key=lambda i: (i.theme, i.code))


def _example_area() -> str:
    district = current_districts().defer("geometry").first()
    return district.code if district else settings.SIEX_MUNICIPALITY_CODE


def _example_year() -> int:
    return timezone.localdate().year - 1


def _example(indicator: Indicator) -> Decimal:
    return EXAMPLE_VALUES.get(indicator.unit, Decimal(1))


def _allowed(indicator: Indicator) -> str:
    low, high, whole = UNIT_DOMAINS[indicator.unit]
    parts = []
    if low is not None and high is not None:
        parts.append(_("from %(low)s to %(high)s") % {"low": low, "high": high})
    elif low is not None:
        parts.append(_("%(low)s or more") % {"low": low})
    else:
        parts.append(_("any number"))
    if whole:
        parts.append(_("whole numbers"))
    return ", ".join(parts)


def long_template_csv() -> str:
    indicators = current_indicators()
    rows = []
    if indicators:
        first = indicators[0]
        rows.append(
            [_example_area(), _example_year(), first.code, _example(first), "definitief", "CBS"]
        )
    return csv_text(LONG_HEADER, rows)


def wide_template_csv() -> str:
    indicators = current_indicators()
    header = [*WIDE_FIRST, *(indicator.code for indicator in indicators)]
    example = [_example_area(), _example_year(), *(_example(i) for i in indicators)]
    return csv_text(header, [example])


def template_xlsx() -> bytes:
    indicators = current_indicators()
    workbook = xlsx_workbook()
    values = xlsx_sheet(workbook, "Waarden", LONG_HEADER, widths=(14, 8, 40, 12, 12, 30))
    if indicators:
        first = indicators[0]
        xlsx_append(
            values,
            [_example_area(), _example_year(), first.code, _example(first), "definitief", "CBS"],
        )
    codes = xlsx_sheet(
        workbook,
        _("Indicators"),
        [_("code"), _("label"), _("unit"), _("allowed values"), _("valid from"), _("other codes")],
        widths=(40, 60, 24, 28, 12, 40),
    )
    for indicator in indicators:
        xlsx_append(
            codes,
            [
                indicator.code,
                indicator.label_nl,
                str(Unit(indicator.unit).label),
                _allowed(indicator),
                indicator.valid_from,
                ", ".join(str(alias) for alias in indicator.aliases),
            ],
        )
    areas = xlsx_sheet(workbook, _("Areas"), [_("code"), _("name")], widths=(14, 40))
    for area in current_districts().defer("geometry"):
        xlsx_append(areas, [area.code, area.name])
    return xlsx_bytes(workbook)
