"""Calculation results in words and figures for the Dutch locale: a multiplier as 1,38, a rate of
0.0225 as 2,25%, a break-even time as 3,5 years or "not reached", and a cell of a result table
by its kind.

Amounts and counts use the project's formatting (``siex.core.templatetags.siex``); the template
filters of ``calculation.templatetags.scenario_format`` are these functions.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from siex.core.templatetags.siex import euro, percentage

from .cells import Cell, Kind

NOT_AVAILABLE = "–"


def _rounded(value: Any, decimals: int) -> Decimal:
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-int(decimals)), ROUND_HALF_UP)


def missing(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, float) and math.isnan(value))


def ratio(value: Any, decimals: int = 2) -> str:
    """A multiplier or other ratio: 1,38 in Dutch."""
    if missing(value):
        return NOT_AVAILABLE
    rounded = _rounded(value, decimals)
    sign = "−" if rounded < 0 else ""
    return sign + number_format(abs(rounded), decimal_pos=int(decimals), use_l10n=True)


def rate(value: Any, decimals: int = 2) -> str:
    """A fraction shown as a percentage: 0.0225 → 2,25%."""
    if missing(value):
        return NOT_AVAILABLE
    shown = percentage(Decimal(str(value)) * 100, decimals)
    return shown.replace("-", "−", 1)


def number(value: Any, decimals: int = 4) -> str:
    """A number as entered, without trailing zeros: 0,4; 12.500; 0,0225."""
    if missing(value):
        return NOT_AVAILABLE
    rounded = _rounded(value, decimals).normalize()
    places = max(0, -int(rounded.as_tuple().exponent))
    sign = "−" if rounded < 0 else ""
    return sign + number_format(
        abs(rounded), decimal_pos=places, use_l10n=True, force_grouping=True
    )


def years(value: Any) -> str:
    """A break-even or payback time in years after the start, or "not reached"."""
    if missing(value):
        return _("not reached")
    rounded = _rounded(value, 1)
    return ngettext("%(n)s year", "%(n)s years", 1 if rounded == 1 else 2) % {
        "n": number_format(rounded, decimal_pos=1, use_l10n=True)
    }


def seconds(value: Any) -> str:
    if missing(value):
        return NOT_AVAILABLE
    return _("%(n)s s") % {"n": number_format(_rounded(value, 2), decimal_pos=2, use_l10n=True)}


def amount(value: Any) -> str:
    """A euro amount in whole euros (results are estimates; cents suggest false precision)."""
    if missing(value):
        return NOT_AVAILABLE
    return euro(value, 0)


def cell_text(cell: Cell | None) -> str:
    """A cell of a result table as the reader sees it; an empty cell (None) as nothing."""
    if cell is None:
        return ""
    value, kind = cell.value, cell.kind
    if kind is Kind.YEAR_LIST:
        return ", ".join(str(year) for year in value) if value else str(cell.missing or _("none"))
    if missing(value):
        if cell.missing is not None:
            return str(cell.missing)
        return years(value) if kind is Kind.YEARS else NOT_AVAILABLE
    if kind is Kind.MONEY:
        return euro(value, cell.decimals)
    if kind is Kind.NUMBER:
        return number(value, cell.decimals)
    if kind is Kind.RATIO:
        return ratio(value, cell.decimals)
    if kind in (Kind.PERCENT, Kind.SHARE):
        return rate(value, cell.decimals)
    if kind is Kind.YEAR:
        return str(int(value))
    if kind is Kind.YEARS:
        return years(value)
    if kind is Kind.FLAG:
        yes, no = _("yes,no").split(",")
        return yes if value else no
    return str(value)


def difference_text(value: Any, kind: Kind, decimals: int | None = None) -> str:
    """A difference between two values of ``kind``, with its sign: +EUR 1.200, −0,5 percentage
    points, +2,0 years."""
    if missing(value):
        return NOT_AVAILABLE
    if kind is Kind.PERCENT:
        shown = number(Decimal(str(value)) * 100, 1)
        text = _("%(value)s percentage points") % {"value": shown.lstrip("−")}
    elif kind is Kind.YEARS:
        text = ngettext("%(n)s year", "%(n)s years", 2) % {
            "n": number_format(_rounded(abs(value), 1), decimal_pos=1, use_l10n=True)
        }
    elif kind is Kind.YEAR:
        text = ngettext("%(n)s year", "%(n)s years", abs(int(value))) % {"n": abs(int(value))}
    else:
        places = kind.default_decimals if decimals is None else decimals
        text = cell_text(Cell(abs(value), kind, places))
    if value > 0:
        return "+" + text
    if value < 0:
        return "−" + text
    return text
