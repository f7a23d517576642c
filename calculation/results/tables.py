"""Every result table of a calculation run, declared once: its key, title and explanation, the rows
it reads from the results document (``readers``) and its columns with their label and kind.

The command line (``results.text``), the results page, the API (``calculation-runs/{id}/tables/``)
and the Excel workbook (``table_rows``) render from these declarations.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from django.utils.translation import gettext_lazy as _

from . import readers
from .cells import Cell, Column, Kind, Results, ResultTable, Table

TABLES: tuple[Table, ...] = (
    Table(
        key="key_figures",
        title=_("Key figures"),
        explanation=_("The key figures of the calculation, with the year they fall in."),
        columns=(
            Column("measure", _("Key figure"), Kind.TEXT),
            Column("value", _("Value")),
            Column("calendar_year", _("Calendar year"), Kind.YEAR),
        ),
        rows=readers.key_figures,
        row_key="key",
        row_note="hint",
        facts=True,
    ),
    Table(
        key="monte_carlo",
        title=_("Uncertainty: Monte Carlo"),
        explanation=_("Spread of the results (10th, 50th and 90th percentile)"),
        columns=(
            readers.name_column(_("Measure")),
            Column("p10", "P10"),
            Column("p50", "P50"),
            Column("p90", "P90"),
        ),
        rows=readers.monte_carlo,
    ),
    Table(
        key="monte_carlo_probabilities",
        title=_("Monte Carlo: probabilities"),
        explanation=_("How often the draws give a positive NPV and reach break-even."),
        columns=readers.facts_columns(),
        rows=readers.monte_carlo_probabilities,
        facts=True,
    ),
    Table(
        key="year_table",
        title=_("Year table"),
        explanation=_("Costs and benefits per year (benefits to society: transfers left out)"),
        columns=(
            Column("year", _("Year"), Kind.YEAR),
            Column("intake", _("Intake"), Kind.NUMBER),
            Column("costs_interventions", _("Intervention costs")),
            Column("costs_programme", _("Programme costs")),
            Column("costs", _("Costs")),
            Column("benefits", _("Benefits")),
            Column("net", _("Net")),
            Column("cumulative", _("Cumulative")),
            Column("discount_factor", _("Discount factor"), Kind.NUMBER, decimals=4),
            Column("net_discounted", _("Net, discounted")),
            Column("cumulative_discounted", _("Cumulative, discounted")),
            Column("transfers", _("Transfers")),
        ),
        rows=readers.year_rows,
        totals=readers.year_totals,
        row_key="year",
    ),
    Table(
        key="periods",
        title=_("Periods"),
        explanation=_("Per period of five years"),
        columns=(
            Column("period", _("Period"), Kind.TEXT),
            Column("costs", _("Costs")),
            Column("benefits", _("Benefits")),
            Column("net", _("Net")),
            Column("cumulative_net", _("Cumulative net")),
        ),
        rows=readers.period_rows,
        row_key="period",
    ),
    Table(
        key="actors",
        title=_("Benefits per actor"),
        explanation=_(
            "Benefits per actor over the horizon. Each actor's own view includes transfers (a "
            "stopped benefit payment is a gain for one and a loss for another); the society total "
            "leaves them out."
        ),
        columns=(
            readers.name_column(_("Actor")),
            Column("benefits", _("Benefits, own view")),
            Column("transfers", _("Of which transfers")),
            Column("society", _("Benefits to society")),
            Column("pv_benefits", _("Present value, own view")),
        ),
        rows=readers.actors,
        row_key="code",
    ),
    Table(
        key="domains",
        title=_("Benefits per life domain"),
        explanation=_("Benefits to society per life domain"),
        columns=(
            readers.name_column(_("Life domain")),
            Column("benefits", _("Benefits")),
            Column("pv_benefits", _("Present value")),
            Column("share", _("Share"), Kind.SHARE),
        ),
        rows=readers.domains,
        row_key="code",
    ),
    Table(
        key="value_types",
        title=_("Benefits per value type"),
        explanation=_("Benefits to society per value type"),
        columns=(
            readers.name_column(_("Value type")),
            Column("benefits", _("Benefits")),
            Column("pv_benefits", _("Present value")),
        ),
        rows=readers.value_types,
        row_key="code",
    ),
    Table(
        key="actor_domain_matrix",
        title=_("Actor × life domain"),
        explanation=_(
            "Actor × life domain (effecten-arena): benefits to society over the horizon, "
            "undiscounted. Actors and domains without benefits are left out."
        ),
        columns=readers.matrix_columns,
        rows=readers.matrix,
        totals=readers.matrix_totals,
        empty=_("No benefits."),
        row_key="code",
    ),
    Table(
        key="group_domain_matrix",
        title=_("Benefits per group"),
        explanation=_(
            "Actor group × life domain (the effecten-arena by group): benefits to society over "
            "the horizon, undiscounted; each group is the sum of its actors. Groups without "
            "benefits are left out."
        ),
        columns=readers.group_columns,
        rows=readers.groups,
        totals=readers.matrix_totals,
        empty=_("No benefits, or no actor is in a group."),
        row_key="code",
    ),
    Table(
        key="who_pays_who_benefits",
        title=_("Who pays, who benefits"),
        explanation=_(
            "Per actor over the horizon, undiscounted: costs borne and benefits received (own "
            "view, with transfers)"
        ),
        columns=(
            readers.name_column(_("Actor")),
            Column("costs", _("Costs")),
            Column("benefits", _("Benefits")),
            Column("net", _("Net")),
            Column("cost_share", _("Share of the costs"), Kind.SHARE),
            Column("benefit_share", _("Share of the benefits"), Kind.SHARE),
            Column(
                "cost_share_minus_benefit_share",
                _("Share of costs minus share of benefits"),
                Kind.SHARE,
            ),
        ),
        rows=readers.who_pays,
        row_key="actor",
    ),
    Table(
        key="cost_allocation_by_domain",
        title=_("Cost allocation by life domain"),
        explanation=_("Cost allocation by life domain: the costs laid where the benefits arise"),
        columns=readers.allocation_columns(_("Life domain")),
        rows=readers.allocation("by_domain", "domains"),
        empty=_("No benefits."),
        row_key="code",
    ),
    Table(
        key="cost_allocation_by_actor",
        title=_("Cost allocation by actor"),
        explanation=_("Cost allocation by actor: the costs laid where the benefits arise"),
        columns=readers.allocation_columns(_("Actor")),
        rows=readers.allocation("by_actor", "actors"),
        empty=_("No benefits."),
        row_key="code",
    ),
    Table(
        key="intervention_types",
        title=_("Per intervention"),
        explanation=_(
            "Costs and benefits per intervention (interventions without intake are left out)"
        ),
        columns=(
            readers.name_column(_("Intervention")),
            # None only where disclosure control hid a small count (``disclosure``).
            Column("households", _("Households"), Kind.NUMBER, missing=readers.SUPPRESSED),
            Column("costs", _("Costs")),
            Column("benefits", _("Benefits")),
            Column("pv_costs", _("Present value of the costs")),
            Column("pv_benefits", _("Present value of the benefits")),
            Column("multiplier_discounted", _("Multiplier, discounted"), Kind.RATIO),
            Column("multiplier_undiscounted", _("Multiplier, undiscounted"), Kind.RATIO),
        ),
        rows=readers.intervention_types,
        empty=_("No intake."),
        row_key="intervention_type",
    ),
    Table(
        key="programme_costs",
        title=_("Programme costs"),
        explanation=_("Programme costs over the horizon"),
        columns=(readers.name_column(_("Category")), Column("costs", _("Costs"))),
        rows=readers.programme,
        row_key="code",
    ),
    Table(
        key="ledger",
        title=_("Exploitation ledger of the municipality (GREX view)"),
        explanation=_(
            "The municipality's end value at the end of the horizon and its present value at the "
            "start, discounted at the BBV rate."
        ),
        columns=readers.facts_columns(),
        rows=readers.ledger_summary,
        facts=True,
    ),
    Table(
        key="ledger_years",
        title=_("Book value per year"),
        explanation=_(
            "Book value per year: opening book value plus interest plus the municipality's costs "
            "minus its cashable benefits"
        ),
        columns=(
            Column("year", _("Year"), Kind.YEAR),
            Column("opening_book_value", _("Opening book value")),
            Column("interest", _("Interest")),
            Column("costs", _("Costs")),
            Column("revenues", _("Revenues (cashable benefits)")),
            Column("closing_book_value", _("Closing book value")),
        ),
        rows=readers.ledger_rows,
        row_key="year",
    ),
    Table(
        key="budget_position",
        title=_("Budget position (schuiven met geld)"),
        explanation=_(
            "When money must be brought forward from later years within the budget envelope, "
            "and when it is paid back."
        ),
        columns=readers.facts_columns(),
        rows=readers.budget_summary,
        empty=_("This scenario has no budget envelope, so no budget position was calculated."),
        facts=True,
    ),
    Table(
        key="budget_years",
        title=_("Funding position per year"),
        explanation=_(
            "Funding position per year: opening position plus interest plus budget plus the "
            "municipality's cashable benefits minus its costs"
        ),
        columns=(
            Column("year", _("Year"), Kind.YEAR),
            Column("opening", _("Opening")),
            Column("interest", _("Interest")),
            Column("budget", _("Budget")),
            Column("revenues", _("Revenues (cashable benefits)")),
            Column("costs", _("Costs")),
            Column("closing", _("Closing")),
            Column("brought_forward", _("Brought forward"), Kind.FLAG),
        ),
        rows=readers.budget_rows,
        row_key="year",
    ),
    Table(
        key="tornado",
        title=_("Tornado"),
        explanation=_(
            "Tornado: each parameter with a range moved alone to its low and high end, sorted by "
            "the swing in NPV"
        ),
        columns=(
            Column("label", _("Parameter"), Kind.TEXT),
            Column("low", _("Low")),
            Column("base", _("Base")),
            Column("high", _("High")),
            Column("npv_low", _("NPV at low")),
            Column("npv_high", _("NPV at high")),
            Column("swing", _("Swing")),
        ),
        rows=readers.tornado,
        empty=_("No uncertainty ranges, so there is no tornado."),
        row_key="parameter",
    ),
    Table(
        key="switching_values",
        title=_("Switching values"),
        explanation=_(
            "Switching values: the value of a parameter at which the NPV becomes zero, the "
            "others at their base values"
        ),
        columns=(
            Column("label", _("Parameter"), Kind.TEXT),
            Column("base", _("Base")),
            Column("switching_value", _("Switching value")),
        ),
        rows=readers.switching,
        row_key="parameter",
    ),
)

TABLE_KEYS = tuple(table.key for table in TABLES)
_BY_KEY = {table.key: table for table in TABLES}


def run_tables(results: Results, keys: Sequence[str] = TABLE_KEYS) -> dict[str, ResultTable]:
    """The result tables of a results document (those of ``keys``), by key, in their order."""
    return {key: _BY_KEY[key].build(results) for key in keys}


def table_rows(results: Results) -> Iterator[tuple[ResultTable, list[list[Cell | None]]]]:
    """Each table of a results document with its rows of typed cells (headings first, totals
    last): what a workbook writes, one sheet or block per table."""
    for table in run_tables(results).values():
        yield table, list(table.sheet_rows())
