"""The key figures of a calculation (a results document's ``kpis``): each once, with its label,
kind, calendar year and hint; the results page, the comparison of versions and the result tables
read them from here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from .cells import Cell, Kind, Label


@dataclass(frozen=True)
class Figure:
    """A key figure of a results document's ``kpis``: its label, kind, the key of its calendar
    year (a break-even time in years after the start is also a calendar year) and a hint."""

    label: Label
    kind: Kind
    calendar_year: str | None = None
    hint: Label | None = None


FIGURES: dict[str, Figure] = {
    "npv": Figure(
        _("Net present value (NPV)"),
        Kind.MONEY,
        hint=_(
            "Social view (MKBA): the costs and benefits of every party, at the discount rate of "
            "the version. The municipality's own exploitation (GREX, BBV) is a different view."
        ),
    ),
    "pv_costs": Figure(_("Present value of the costs"), Kind.MONEY),
    "pv_benefits": Figure(_("Present value of the benefits"), Kind.MONEY),
    "multiplier_discounted": Figure(_("Multiplier, discounted"), Kind.RATIO),
    "multiplier_undiscounted": Figure(_("Multiplier, undiscounted"), Kind.RATIO),
    "net_sroi": Figure(_("Net SROI (NPV / present value of the costs)"), Kind.RATIO),
    "municipality_financial_return": Figure(
        _("Financial return for the municipality"),
        Kind.RATIO,
        hint=_("Present value of the municipality's cashable benefits per euro of its costs."),
    ),
    "irr": Figure(
        _("Internal rate of return (IRR)"),
        Kind.PERCENT,
        hint=_("Only where the net flows change sign."),
    ),
    "break_even_years": Figure(
        _("Break-even, undiscounted"),
        Kind.YEARS,
        calendar_year="break_even_calendar_year",
        hint=_(
            "From when the cumulative net stays at or above zero until the end of the horizon; "
            "“not reached” when it ends below zero."
        ),
    ),
    "break_even_discounted_years": Figure(
        _("Break-even, discounted"),
        Kind.YEARS,
        calendar_year="break_even_discounted_calendar_year",
        hint=_("The same, on the discounted net flows."),
    ),
    "municipality_payback_years": Figure(
        _("Payback for the municipality"),
        Kind.YEARS,
        calendar_year="municipality_payback_calendar_year",
        hint=_(
            "The same rule on the municipality's own flows: its cashable benefits minus its costs."
        ),
    ),
    # Compared between scenarios, and in the totals of the year table.
    "break_even_calendar_year": Figure(_("Break-even year, undiscounted"), Kind.YEAR),
    "costs_undiscounted": Figure(_("Costs, undiscounted"), Kind.MONEY),
    "benefits_undiscounted": Figure(_("Benefits, undiscounted"), Kind.MONEY),
    "households": Figure(_("Households"), Kind.NUMBER),
}

#: The key figures at the top of a results page, in their order.
KEY_FIGURES = (
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


def figure_cell(key: str, value: Any) -> Cell:
    """A value of the key figure ``key``, typed by its kind."""
    kind = FIGURES[key].kind
    return Cell(value, kind, kind.default_decimals)
