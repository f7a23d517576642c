"""The result tables of a calculation as plain text, for the command line (``calculate --format
table``): readable in a terminal and in a diff, in the reader's language and notation."""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ..labels import WARNING_LABELS
from .cells import Cell, ResultTable
from .formats import cell_text, rate
from .tables import Results, run_tables


def _grid(table: ResultTable) -> list[str]:
    """The table's headings, a rule, its rows and its totals; the first column and the columns
    of text to the left, numbers to the right."""
    lines: list[list[str]] = [[str(column.label) for column in table.columns]]
    lines += [[cell_text(cell) for cell in row.cells] for row in table.rows]
    if table.totals is not None:
        lines.append([cell_text(cell) for cell in table.totals.cells])
    widths = [max(len(line[k]) for line in lines) for k in range(len(table.columns))]
    right = [k > 0 and column.is_number for k, column in enumerate(table.columns)]
    out = []
    for n, line in enumerate(lines):
        out.append(
            "  ".join(
                text.rjust(widths[k]) if right[k] else text.ljust(widths[k])
                for k, text in enumerate(line)
            ).rstrip()
        )
        if n == 0:
            out.append("  ".join("-" * width for width in widths))
    return out


def _notes(table: ResultTable) -> list[str]:
    return [
        f"  {cell_text(row.cells[0])}: {row.note}"
        for row in table.rows
        if row.note and isinstance(row.cells[0], Cell)
    ]


def table_text(table: ResultTable) -> list[str]:
    """One table: its title, its explanation, then its grid (or what it says when empty)."""
    if not table.rows and table.empty is None:
        return []
    lines = [str(table.title), str(table.explanation)]
    if not table.rows:
        return [*lines, str(table.empty)]
    return [*lines, *_grid(table), *_notes(table)]


def results_text(results: Results) -> str:
    """Every result table of a results document, below the settings of the calculation (in the
    words of the results page)."""
    meta = results["meta"]
    years = meta["years"]
    lines = [
        f"{_('Model version')}: {meta['model_version']}",
        f"{_('Inputs hash')}: {meta.get('inputs_hash', '–')}",
        f"{_('Random seed')}: {meta.get('seed', '–')}",
        _("%(first)s–%(last)s, discount rate %(rate)s.")
        % {"first": years[0], "last": years[-1], "rate": rate(meta["discount_rate"])}
        + " "
        + (
            _("Amounts in nominal (indexed) prices.")
            if meta["price_basis"] == "nominal"
            else _("Amounts in constant prices (real).")
        ),
    ]
    monte_carlo = results.get("monte_carlo")
    if monte_carlo:
        lines.append(
            _(
                "%(draws)s draws (seed %(seed)s), each uncertain parameter drawn from a "
                "Beta-PERT distribution over its range."
            )
            % {
                "draws": number_format(monte_carlo["draws"], use_l10n=True, force_grouping=True),
                "seed": monte_carlo["seed"],
            }
        )
    if meta.get("warnings"):
        lines.append(_("Take into account:"))
        lines += [f"- {WARNING_LABELS.get(code, code)}" for code in meta["warnings"]]
    for table in run_tables(results).values():
        shown = table_text(table)
        if shown:
            lines += ["", *shown]
    return "\n".join(lines) + "\n"
