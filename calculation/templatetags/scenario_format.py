"""Formatting of calculation results for the Dutch locale: ratios, rates, break-even years.

Amounts and counts use the project's filters in ``siex.core.templatetags.siex``; these add what a
results page needs on top (a multiplier as 1,38; a rate of 0.0225 as 2,25%; "not reached").
"""

import math
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from calculation.labels import step_label
from siex.core.templatetags.siex import count, euro, percentage

register = template.Library()

NOT_AVAILABLE = "–"


def _rounded(value, decimals: int) -> Decimal:
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-int(decimals)), ROUND_HALF_UP)


def _missing(value) -> bool:
    return value is None or value == "" or (isinstance(value, float) and math.isnan(value))


@register.filter
def ratio(value, decimals: int = 2) -> str:
    """A multiplier or other ratio: 1,38 in Dutch."""
    if _missing(value):
        return NOT_AVAILABLE
    rounded = _rounded(value, decimals)
    sign = "−" if rounded < 0 else ""
    return sign + number_format(abs(rounded), decimal_pos=int(decimals), use_l10n=True)


@register.filter
def rate(value, decimals: int = 2) -> str:
    """A fraction shown as a percentage: 0.0225 → 2,25%."""
    if _missing(value):
        return NOT_AVAILABLE
    shown = percentage(Decimal(str(value)) * 100, decimals)
    return shown.replace("-", "−", 1)


@register.filter
def number(value, decimals: int = 4) -> str:
    """A number as entered, without trailing zeros: 0,4; 12.500; 0,0225."""
    if _missing(value):
        return NOT_AVAILABLE
    rounded = _rounded(value, decimals).normalize()
    places = max(0, -rounded.as_tuple().exponent)
    sign = "−" if rounded < 0 else ""
    return sign + number_format(
        abs(rounded), decimal_pos=places, use_l10n=True, force_grouping=True
    )


@register.filter
def years(value) -> str:
    """A break-even or payback time in years after the start, or "not reached"."""
    if _missing(value):
        return _("not reached")
    rounded = _rounded(value, 1)
    return ngettext("%(n)s year", "%(n)s years", 1 if rounded == 1 else 2) % {
        "n": number_format(rounded, decimal_pos=1, use_l10n=True)
    }


@register.filter
def seconds(value) -> str:
    if _missing(value):
        return NOT_AVAILABLE
    return _("%(n)s s") % {"n": number_format(_rounded(value, 2), decimal_pos=2, use_l10n=True)}


@register.filter
def amount(value) -> str:
    """A euro amount in whole euros (results are estimates; cents suggest false precision)."""
    if _missing(value):
        return NOT_AVAILABLE
    return euro(value, 0)


@register.filter
def signed(value, kind: str) -> str:
    """A difference between two values of ``kind``, with its sign."""
    if _missing(value):
        return NOT_AVAILABLE
    if kind == "rate":
        shown = number(Decimal(str(value)) * 100, 1)
        text = _("%(value)s percentage points") % {"value": shown.lstrip("−")}
    elif kind == "years":
        text = ngettext("%(n)s year", "%(n)s years", 2) % {
            "n": number_format(_rounded(abs(value), 1), decimal_pos=1, use_l10n=True)
        }
    elif kind == "year":
        text = ngettext("%(n)s year", "%(n)s years", abs(int(value))) % {"n": abs(int(value))}
    else:
        text = kpi(abs(value), kind)
    if value > 0:
        return "+" + text
    if value < 0:
        return "−" + text
    return text


@register.filter
def kpi(value, kind: str) -> str:
    """A key figure formatted for its kind (see ``calculation.presentation.KPIS``)."""
    if kind == "years":
        return years(value)
    if _missing(value):
        return NOT_AVAILABLE
    if kind == "euro":
        return amount(value)
    if kind == "ratio":
        return ratio(value)
    if kind == "rate":
        return rate(value, 1)
    if kind == "year":
        return str(int(value))
    if kind == "count":
        return count(round(float(value)))
    return number(value)


@register.filter
def parameter_value(value, kind: str) -> str:
    """A parameter value in the engine's units: a unit cost in euros, a share as a percentage,
    a factor as a ratio."""
    if _missing(value):
        return NOT_AVAILABLE
    if kind == "unit_cost":
        return amount(value)
    if kind in ("cost_factor", "benefit_factor", "value_factor"):
        return ratio(value)
    return rate(value, 1)


@register.filter
def run_step(step: str) -> str:
    """What a running calculation is doing, in words."""
    return step_label(step or "")
