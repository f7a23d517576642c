"""Template filters for calculation results in the Dutch locale (``calculation.results.formats``):
ratios, rates, numbers, break-even years, amounts, a cell of a result table and the step of a
running calculation.

Amounts and counts in general use the project's filters in ``siex.core.templatetags.siex``.
"""

from typing import Any

from django import template

from calculation.labels import step_label
from calculation.results import formats
from calculation.results.cells import Cell, Kind

register = template.Library()

register.filter("ratio", formats.ratio)
register.filter("rate", formats.rate)
register.filter("number", formats.number)
register.filter("years", formats.years)
register.filter("seconds", formats.seconds)
register.filter("amount", formats.amount)


@register.filter
def cell(value: Cell | None) -> str:
    """A cell of a result table (``calculation.results``) as the reader sees it."""
    return formats.cell_text(value)


@register.filter
def signed(value: Any, kind: str) -> str:
    """A difference between two values of ``kind`` (a ``Kind``), with its sign."""
    return formats.difference_text(value, Kind(kind))


@register.filter
def run_step(step: str) -> str:
    """What a running calculation is doing, in words."""
    return step_label(step or "")
