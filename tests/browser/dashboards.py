"""Checks every page with charts (``templates/includes/chart.html``) passes in a real browser, one
line each, for the run's results page and every dashboard that follows:

    problems = watch(page)              # before the first goto
    page.goto(url)
    assert_charts_render(page)          # every chart drew with data
    assert_tables_match_figures(page)   # each table toggle shows the numbers the chart plots
    assert_downloads_match(page)        # its CSV and XLSX hold exactly the table's rows
    problems.assert_none()              # no console error, no refusal by the security policy

A chart's table is compared with its figure (the JSON ``static/js/charts.js`` hands to plotly) as
a reader would: the table's texts are read in their Dutch notation (EUR 1.234, 12,5%, −3) and a
plotted value matches a cell when it rounds to what the cell shows. A cell shown as "<10" (or any
other text) must have no number behind it, in the figure or in a download.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl import load_workbook
from playwright.sync_api import expect

SUPPRESSED = "<10"
#: The first cell of a table's total row, which a chart need not plot.
TOTALS = ("Totaal", "Total", "Alle huishoudens", "All households")
_NOT_NUMBER = re.compile(r"[^0-9.,\-]")

# The page's own listener (added before any script of the page runs, through the DevTools
# protocol, so the policy does not apply to it) keeps every refusal of the policy.
_CSP_LISTENER = """
window.__siexPolicyViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__siexPolicyViolations.push({
    directive: event.effectiveDirective || event.violatedDirective,
    blocked: event.blockedURI,
    source: event.sourceFile,
    line: event.lineNumber,
    column: event.columnNumber,
    sample: event.sample,
  });
});
"""


# --- console errors and the content security policy ----------------------------------------------


@dataclass
class Problems:
    """What went wrong in the browser while the test ran: console errors, uncaught exceptions,
    answers of the server with an error (5xx) and refusals by the content security policy (of the
    page now open)."""

    page: Any
    console: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)

    def policy_violations(self) -> list[dict]:
        return self.page.evaluate("() => window.__siexPolicyViolations || []")

    def assert_none(self) -> None:
        violations = self.policy_violations()
        assert not violations, f"{self.page.url}: the security policy refused {violations}"
        assert not self.server_errors, f"{self.page.url}: server errors {self.server_errors}"
        assert not self.exceptions, f"{self.page.url}: uncaught {self.exceptions}"
        assert not self.console, f"{self.page.url}: console errors {self.console}"


def watch(page) -> Problems:
    """Collect ``page``'s console errors, exceptions and policy violations from now on (call it
    before the first ``goto``)."""
    problems = Problems(page)
    page.add_init_script(_CSP_LISTENER)

    def console(message) -> None:
        where = message.location.get("url", "")
        # The browser asks for /favicon.ico of its own accord; SIEX has none (a 404, no page's).
        if message.type == "error" and not where.endswith("/favicon.ico"):
            problems.console.append(f"{message.text} ({where})")

    page.on("console", console)
    page.on("pageerror", lambda error: problems.exceptions.append(str(error)))
    page.on(
        "response",
        lambda r: r.status >= 500 and problems.server_errors.append(f"{r.status} {r.url}"),
    )
    return problems


# --- reading a chart ------------------------------------------------------------------------------


def chart_ids(page) -> list[str]:
    """The element ids of the page's charts, in their order on the page."""
    return page.locator(".chart__figure[data-chart]").evaluate_all("els => els.map(e => e.id)")


def figure_of(page, chart_id: str) -> dict:
    """The figure of a chart as the server sent it (its ``json_script`` element)."""
    return json.loads(page.locator(f"#{chart_id}-figure").text_content())


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[str]]


def table_of(page, chart_id: str) -> Table:
    """A chart's data table, opened with its button as a reader opens it (and left open)."""
    table = page.locator(f"#{chart_id}-table")
    button = page.locator(f'[aria-controls="{chart_id}-table"]')
    if button.get_attribute("aria-expanded") != "true":
        button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(table).to_be_visible()
    headers = [text.strip() for text in table.locator("thead th").all_inner_texts()]
    rows = table.locator("tbody tr").evaluate_all(
        "rows => rows.map(r => Array.from(r.cells).map(c => c.innerText.trim()))"
    )
    return Table(headers, rows)


@dataclass(frozen=True)
class Shown:
    """A number as a cell shows it and how far the true value may be from it (half a unit of its
    last shown digit)."""

    value: float
    tolerance: float
    percent: bool = False

    def holds(self, value: float) -> bool:
        if self.percent and self._near(value / 100):
            return True  # plotted in percentage points on an axis with a % suffix
        return self._near(value)

    def _near(self, value: float) -> bool:
        return abs(value - self.value) <= self.tolerance + 1e-9 * max(1.0, abs(value))


def shown_number(text: str) -> Shown | None:
    """A cell's text in Dutch notation as a number (EUR 1.234 → 1234, 12,5% → 0.125, −3 → -3),
    or None for a text that is no number ("<10", "–", a name)."""
    text = text.replace("\u2212", "-").replace("\xa0", " ").strip()
    if not text or text == SUPPRESSED:
        return None
    percent = text.endswith("%")
    bare = _NOT_NUMBER.sub("", text.replace("EUR", "").replace("€", ""))
    if not bare or not re.search(r"\d", bare) or re.search(r"[^\s\d.,%+\-EUR€]", text):
        return None
    integer, _, decimals = bare.replace(".", "").partition(",")
    try:
        value = float(Decimal(f"{integer}.{decimals or 0}"))
    except InvalidOperation:
        return None
    tolerance = 0.5 * 10 ** -len(decimals)
    if percent:
        value, tolerance = value / 100, tolerance / 100
    return Shown(value, tolerance, percent)


def _plotted(trace: dict) -> tuple[list[Any], list[Any]]:
    """(categories, values) of a trace: per point what it is about and the value it plots, one
    per table row. A heat map's rows of ``z`` are its values, its ``y`` the categories."""
    kind = trace.get("type", "scatter")
    if kind == "heatmap":
        return list(trace.get("y") or []), list(trace.get("z") or [])
    horizontal = trace.get("orientation") == "h"
    categories = list(trace.get("y" if horizontal else "x") or [])
    values = list(trace.get("x" if horizontal else "y") or [])
    base = trace.get("base")
    if base is not None:
        bases = base if isinstance(base, list) else [base] * len(values)
        values = [None if v is None else v + b for v, b in zip(values, bases, strict=True)]
    return categories, values


def _same_category(category: Any, header: str) -> bool:
    if isinstance(category, str):
        return category.strip() == header
    if isinstance(category, int) and header.isdigit():
        return category == int(header)
    return True  # a number on a continuous axis (a histogram's centres) names no row


# --- the checks -----------------------------------------------------------------------------------


def assert_charts_render(page, minimum: int = 1) -> list[str]:
    """Every chart on the page is drawn by plotly.js with data: its SVG is there, it holds at least
    one trace, and its figure plots at least one value (or disclosure control hid them all).
    Returns the charts' ids."""
    ids = chart_ids(page)
    assert len(ids) >= minimum, f"{page.url}: {len(ids)} charts, expected at least {minimum}"
    for chart_id in ids:
        container = page.locator(f"#{chart_id}")
        expect(container.locator("svg.main-svg").first).to_be_attached()
        drawn = container.evaluate("el => (el._fullData || []).length")
        assert drawn > 0, f"{chart_id}: plotly drew no trace"
        figure = figure_of(page, chart_id)
        values = [
            value
            for trace in figure["data"]
            for value in _flat(_plotted(trace)[1])
            if value is not None
        ]
        if values:
            assert container.locator("g.trace, g.hm").count() > 0, f"{chart_id}: no trace drawn"
        else:
            # Nothing to plot only when disclosure control hid every value: the table then
            # shows no number, and "<10" where the counts were.
            table = table_of(page, chart_id)
            cells = [cell for row in table.rows for cell in row[1:]]
            assert SUPPRESSED in cells, f"{chart_id}: the figure plots no value"
            assert all(shown_number(cell) is None for cell in cells), (chart_id, table.rows)
    return ids


def _flat(values: list[Any]) -> list[Any]:
    return [v for value in values for v in (value if isinstance(value, list) else [value])]


def _in_row(plotted: float, row: list[str]) -> bool:
    """Whether one of the row's numbers, as shown, is the plotted value (or its negative: costs
    are drawn below the axis and listed as amounts)."""
    for text in row[1:]:
        cell = shown_number(text)
        if cell is not None and (cell.holds(plotted) or cell.holds(-plotted)):
            return True
    return False


def _row_of(categories: list[Any], values: list[Any], table: Table) -> list[int] | None:
    """The table row of each point of a trace: by its category when every category names a row
    (a year, an actor); else in order when the trace has a point per row (a histogram's bars over
    their centres); else None (points placed apart, such as a marked end value)."""
    headers = [row[0] for row in table.rows]
    if categories and len(categories) == len(values):
        rows = []
        for category in categories:
            found = [i for i, header in enumerate(headers) if _names(category, header)]
            if len(found) != 1:
                break
            rows.append(found[0])
        else:
            return rows
    if len(values) == len(headers):
        for category, header in zip(categories, headers, strict=False):
            assert _same_category(category, header), (category, header)
        return list(range(len(headers)))
    return None


def _names(category: Any, header: str) -> bool:
    if isinstance(category, str):
        return category.strip() == header
    return isinstance(category, int) and header.isdigit() and category == int(header)


def assert_table_matches_figure(page, chart_id: str) -> Table:
    """The chart's table holds what it plots: each point of each trace is one of its row's
    numbers as shown (its row found by its category — a year, an actor — or by its place; a point
    placed apart, such as a marked end value, in some row), no row is left without a point, and
    where a cell is shown as a text ("<10") nothing is plotted behind it."""
    table = table_of(page, chart_id)
    figure = figure_of(page, chart_id)
    assert table.rows, f"{chart_id}: the table is empty"
    covered: set[int] = set()
    headers = [row[0] for row in table.rows]
    for number, trace in enumerate(figure["data"]):
        name = f"{chart_id} trace {number} ({trace.get('name', trace.get('type'))})"
        if trace.get("fill") == "toself":
            # A shape (a wijk on the map): its coordinates are no data; its label "Wijk: value"
            # and its legend entry (the class) are, and must be its row's.
            label, _, shown = str(trace.get("text", "")).partition(": ")
            assert label in headers, f"{name}: {label!r} is no row of the table"
            row = table.rows[headers.index(label)]
            assert shown in row[1:] and str(trace.get("name")) in row[1:], (name, shown, row)
            covered.add(headers.index(label))
            continue
        categories, values = _plotted(trace)
        rows = _row_of(categories, values, table)
        for index, value in enumerate(values):
            points = [p for p in (value if isinstance(value, list) else [value]) if p is not None]
            if rows is not None:
                row = table.rows[rows[index]]
                covered.add(rows[index])
                for plotted in points:
                    assert _in_row(plotted, row), f"{name}: {plotted} is not among the row {row}"
                continue
            for plotted in points:
                found = [i for i, row in enumerate(table.rows) if _in_row(plotted, row)]
                assert found, f"{name}: {plotted} is in no row of the table"
                covered.update(found)
    missing = [
        row
        for i, row in enumerate(table.rows)
        if i not in covered
        and row[0] not in TOTALS
        and any(shown_number(cell) is not None for cell in row[1:])  # not all hidden
    ]
    assert not missing, f"{chart_id}: rows the chart does not plot: {missing}"
    return table


def assert_tables_match_figures(page) -> dict[str, Table]:
    """``assert_table_matches_figure`` for every chart on the page; returns the tables by id."""
    return {chart_id: assert_table_matches_figure(page, chart_id) for chart_id in chart_ids(page)}


def _download(page, link) -> tuple[str, bytes]:
    """The file behind a download link, fetched with the page's session (its cookies)."""
    response = page.request.get(link.get_attribute("href"))
    assert response.ok, (link.get_attribute("href"), response.status)
    disposition = response.headers.get("content-disposition", "")
    assert "attachment" in disposition, disposition
    return disposition.rsplit("filename=", 1)[-1].strip('"'), response.body()


def csv_rows(content: bytes) -> list[list[Any]]:
    """A downloaded CSV file (UTF-8 with its byte order mark, ``;`` and decimal commas): numbers
    as numbers, the rest as text."""
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))

    def cell(text: str) -> Any:
        try:
            return float(text.replace(",", "."))
        except ValueError:
            return text

    return [rows[0], *([cell(text) for text in row] for row in rows[1:])]


def xlsx_rows(content: bytes) -> list[list[Any]]:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _assert_download_matches(name: str, rows: list[list[Any]], table: Table) -> None:
    headers, body = rows[0], rows[1:]
    assert [str(h) for h in headers] == table.headers, (name, headers, table.headers)
    assert len(body) == len(table.rows), (name, len(body), len(table.rows))
    for line, (got, shown) in enumerate(zip(body, table.rows, strict=True)):
        assert len(got) == len(shown), (name, line, got, shown)
        for value, text in zip(got, shown, strict=True):
            number = shown_number(text)
            if isinstance(value, int | float) and not isinstance(value, bool):
                assert number is not None and number.holds(value), (name, line, value, text)
            else:
                value = "" if value is None else str(value).lstrip("'")
                if value == text:
                    continue  # the same text (a year as a label)
                assert number is None, (name, line, value, text)
                assert value == "" or text in (SUPPRESSED, "–"), (name, line, value, text)


def assert_downloads_match(page) -> int:
    """Each chart's CSV and XLSX, fetched through its links as the signed-in reader, hold exactly
    its table's rows: the same headings, as many rows, and per cell the value the table shows (a
    number that rounds to the shown text; no number where the table shows a text such as "<10").
    Returns how many files were checked."""
    checked = 0
    for chart_id in chart_ids(page):
        table = table_of(page, chart_id)
        actions = page.locator(f"#{chart_id}").locator("xpath=..").locator(".chart__actions")
        links = actions.locator("a[download]")
        assert links.count() == 2, f"{chart_id}: expected a CSV and an XLSX download"
        for index in range(links.count()):
            file_name, content = _download(page, links.nth(index))
            rows = csv_rows(content) if file_name.endswith(".csv") else xlsx_rows(content)
            assert file_name.endswith((".csv", ".xlsx")), file_name
            _assert_download_matches(f"{chart_id} {file_name}", rows, table)
            checked += 1
    return checked


def assert_dashboard(page, shoot=None, name: str = "", accessible=None) -> dict[str, Table]:
    """All the chart checks of a page at once, then axe and a screenshot (when given)."""
    assert_charts_render(page)
    tables = assert_tables_match_figures(page)
    assert_downloads_match(page)
    if accessible is not None:
        accessible(page)
    if shoot is not None:
        shoot(page, name or "dashboard")
    return tables
