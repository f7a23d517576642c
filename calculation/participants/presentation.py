"""The distribution of participant-level returns as a reader may see it, and its charts.

Whoever sees households (the project lead) reads the figures as computed. Anyone else (a council
member) reads them through ``monitoring.suppression``: the counts per return class as a line with
its total, the counts per group and class as a table with row and column totals (primary and
secondary suppression, counts rounded); the mean, median and P10/P90 of a group, and its share
without return, only when its count is shown (never over fewer than the threshold). The minimum
and maximum are never shown: each is one household's value. DESIGN §4 and §6."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from monitoring.models import Area
from monitoring.suppression import DisclosureRules, protect_line, protect_table
from siex.core.charts import PALETTE, Chart, DataCell, base_layout
from siex.core.templatetags.siex import count as count_text
from siex.core.templatetags.siex import euro

from ..results.cells import Cell, Kind
from ..results.charts import data_cell
from ..results.formats import amount, rate
from . import distribution, snapshots
from .distribution import BASES, BOUNDS, CLASSES, NEGATIVE, NONE, GroupStatistics
from .selectors import ParticipantReturns

SEE_HOUSEHOLDS = "interventions.view_household_data"


def class_labels() -> dict[str, str]:
    """The return classes in words: EUR 1.000 – EUR 2.500."""
    labels = {NEGATIVE: _("Net loss (below EUR 0)"), NONE: _("No return (EUR 0)")}
    low = 0
    for key, bound in zip(CLASSES[2:], BOUNDS, strict=False):
        labels[key] = f"{euro(low, 0)} – {euro(bound, 0)}"
        low = bound
    labels[CLASSES[-1]] = _("More than %(amount)s") % {"amount": euro(BOUNDS[-1], 0)}
    return labels


def basis_label(basis: str) -> str:
    return _("Expected") if basis == "expected" else _("Realised so far")


def measure_phrase(basis: str, measure: str) -> str:
    """The return a chart is about, as part of a sentence ("the median %s")."""
    return {
        ("expected", "benefits"): _("expected return"),
        ("expected", "net"): _("expected net return"),
        ("realised", "benefits"): _("realised return"),
        ("realised", "net"): _("realised net return"),
    }[(basis, measure)]


def dimension_label(dimension: str) -> str:
    return {"type": _("Intervention type"), "wijk": _("Wijk"), "cohort": _("Cohort")}[dimension]


def group_names(returns: ParticipantReturns, dimension: str) -> dict[Any, str]:
    """The names of the groups: intervention types from the version's frozen catalogue, wijken
    from the areas, cohorts as their year."""
    if dimension == "type":
        name = "name_en" if (get_language() or "nl").startswith("en") else "name_nl"
        return {
            item["code"]: item.get(name) or item["code"]
            for item in (returns.version.catalogue or {}).get("intervention_types", [])
        }
    if dimension == "wijk":
        return {
            code: f"{area_name} ({code})"
            for code, area_name in Area.objects.order_by("year").values_list("code", "name")
        }
    return {}


@dataclass(frozen=True)
class Summary:
    """The figures of one group (or of all households) as shown: None where hidden."""

    label: str
    households: int | None
    mean: float | None = None
    median: float | None = None
    p10: float | None = None
    p90: float | None = None
    share_none: float | None = None
    counts: list[int | None] = field(default_factory=list)


@dataclass(frozen=True)
class Distribution:
    """What the participants page shows for one measure, basis and dimension."""

    measure: str
    basis: str
    dimension: str
    classes: list[str]
    labels: dict[str, str]
    #: Per basis: the count of each class (of ``classes``) and all households.
    histogram: dict[str, list[int | None]]
    histogram_totals: dict[str, int | None]
    overall: dict[str, Summary]
    groups: list[Summary]
    class_totals: list[int | None]
    group_total: int | None
    suppressed: bool
    threshold: int


def _summary(label: str, stats: GroupStatistics, shown: int | None, counts) -> Summary:
    if shown is None:
        return Summary(label, None, counts=list(counts))
    return Summary(
        label,
        shown,
        stats.mean,
        stats.median,
        stats.p10,
        stats.p90,
        stats.share_none,
        list(counts),
    )


def distribution_for(
    returns: ParticipantReturns,
    *,
    measure: str,
    basis: str,
    dimension: str,
    suppress: bool,
    rules: DisclosureRules | None = None,
) -> Distribution:
    """The distribution of ``measure`` (benefits or net) per household: the classes for both
    bases, the statistics of ``basis`` per group of ``dimension``; with ``suppress`` as a reader
    without household access may see it."""
    rules = rules or DisclosureRules.from_settings()
    # Benefits are never negative: the class of a net loss only belongs to the net return.
    keys = list(CLASSES) if measure == "net" else list(CLASSES[1:])
    offset = len(CLASSES) - len(keys)
    frame = returns.households
    histogram: dict[str, list[int | None]] = {}
    histogram_totals: dict[str, int | None] = {}
    overall: dict[str, Summary] = {}
    for each in BASES:
        stats = distribution.overall(frame, each, measure)
        counts = stats.counts[offset:]
        if suppress:
            line = protect_line(counts, rules)
            histogram[each], histogram_totals[each] = line.cells, line.total
            shown = line.total if stats.households >= rules.threshold else None
        else:
            histogram[each] = list(counts)
            histogram_totals[each] = stats.households
            shown = stats.households if stats.households else None
        overall[each] = _summary(_("All households"), stats, shown, [])
    pairs = dimension == "type"
    groups = distribution.by_group(
        returns.pairs if pairs else frame, distribution.DIMENSIONS[dimension], basis, measure
    )
    names = group_names(returns, dimension)
    labels = [names.get(g.group, str(g.group) or _("not known")) for g in groups]
    matrix = [g.counts[offset:] for g in groups]
    if suppress and groups:
        table = protect_table(matrix, rules)
        rows = [
            _summary(label, g, total if g.households >= rules.threshold else None, cells)
            for label, g, total, cells in zip(
                labels, groups, table.row_totals, table.cells, strict=True
            )
        ]
        class_totals, group_total = table.column_totals, table.total
    else:
        rows = [
            _summary(label, g, g.households, counts)
            for label, g, counts in zip(labels, groups, matrix, strict=True)
        ]
        class_totals = [sum(column) for column in zip(*matrix, strict=True)] if matrix else []
        group_total = sum(g.households for g in groups)
    return Distribution(
        measure=measure,
        basis=basis,
        dimension=dimension,
        classes=keys,
        labels=class_labels(),
        histogram=histogram,
        histogram_totals=histogram_totals,
        overall=overall,
        groups=rows,
        class_totals=list(class_totals),
        group_total=group_total,
        suppressed=suppress,
        threshold=rules.threshold,
    )


#: How long a distribution stays cached (seconds); its key changes with the snapshot it is of.
CACHE_SECONDS = 60 * 60
#: What the page shows when the reader chose nothing.
DEFAULT_CHOICES = {"dimension": "type", "basis": "expected", "measure": "benefits"}


def _shown(
    snapshot: snapshots.Snapshot,
    returns: ParticipantReturns | None,
    *,
    measure: str,
    basis: str,
    dimension: str,
    suppress: bool,
) -> tuple[snapshots.Snapshot, Distribution]:
    """``distribution_for`` of ``snapshot`` (its ``returns`` when at hand), cached: the key holds
    the run, the reference date, the snapshot's register stamp, the reader's kind, the language
    and the disclosure rules."""
    rules = DisclosureRules.from_settings()

    def key_of(of: snapshots.Snapshot) -> str:
        parts = (
            "siex:participants",
            of.version.pk,
            of.run.pk,
            of.reference.isoformat(),
            of.stamp,
            measure,
            basis,
            dimension,
            int(suppress),
            get_language(),
            rules.threshold,
            rules.rounding,
        )
        return ":".join(str(part) for part in parts)

    shown = cache.get(key_of(snapshot))
    if shown is None:
        if returns is None:
            snapshot, returns = snapshots.returns_of(snapshot)
        shown = distribution_for(
            returns,
            measure=measure,
            basis=basis,
            dimension=dimension,
            suppress=suppress,
            rules=rules,
        )
        cache.set(key_of(snapshot), shown, CACHE_SECONDS)
    return snapshot, shown


def cached_distribution(
    version, run, *, reference, measure: str, basis: str, dimension: str, suppress: bool
) -> tuple[snapshots.Snapshot, Distribution]:
    """The distribution of the newest snapshot of the run's participant returns
    (``snapshots.newest``: which register it shows, and whether that is current), cached, so
    every breakdown, basis, measure, reader and language is worked out from the register read
    once."""
    snapshot, returns = snapshots.newest(version, run, reference=reference)
    return _shown(
        snapshot, returns, measure=measure, basis=basis, dimension=dimension, suppress=suppress
    )


def renew(*, version_id: int, run_id: int, reference) -> None:
    """The job's work (``tasks.refresh_participants``): a new snapshot of the run's participant
    returns, and the page as first opened (the default choices, for each reader's kind and
    language) worked out from it, so the readers after the job find it ready."""
    found = snapshots.refresh(version_id=version_id, run_id=run_id, reference=reference)
    if found is None:
        return
    snapshot, returns = found
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for suppress in (True, False):
                _shown(snapshot, returns, suppress=suppress, **DEFAULT_CHOICES)


# --- charts -----------------------------------------------------------------------------------


def _count(value: int | None) -> DataCell:
    return data_cell(Cell(value, Kind.NUMBER, 0, missing=count_text(None)))


def _money(value: float | None) -> DataCell:
    return data_cell(Cell(value, Kind.MONEY))


def _share(value: float | None) -> DataCell:
    return data_cell(Cell(value, Kind.SHARE, 0))


def _text(value: str) -> DataCell:
    return DataCell(value, value)


def histogram_summary(shown: Distribution) -> str:
    expected, realised = shown.overall["expected"], shown.overall["realised"]
    if expected.households is None:
        return _(
            "Fewer than %(threshold)s households participate: the distribution is not shown."
        ) % {"threshold": shown.threshold}
    values = {
        "households": count_text(expected.households),
        "share": rate(expected.share_none, 0),
        "median": amount(expected.median),
        "realised_share": rate(realised.share_none, 0),
    }
    if (expected.median or 0.0) <= 0:
        # Half or more bring nothing (or, net, less than their costs): "half bring more than
        # EUR 0" would say the opposite.
        return (
            _(
                "Of the %(households)s households, %(share)s are expected to bring no return; "
                "the median household is expected to bring %(median)s; so far "
                "%(realised_share)s have realised no return."
            )
            % values
        )
    if shown.measure == "net":
        return (
            _(
                "Of the %(households)s households, %(share)s are expected to bring no return; "
                "half are expected to bring more than %(median)s net of their costs; so far "
                "%(realised_share)s have realised no return."
            )
            % values
        )
    return (
        _(
            "Of the %(households)s households, %(share)s are expected to bring no return; half "
            "are expected to bring more than %(median)s; so far %(realised_share)s have realised "
            "no return."
        )
        % values
    )


def histogram_chart(shown: Distribution, file_stem: str = "") -> Chart:
    """Households per return class, expected and realised side by side."""
    labels = [shown.labels[key] for key in shown.classes]
    data = [
        {
            "type": "bar",
            "name": basis_label(each),
            "x": labels,
            "y": shown.histogram[each],
            "marker": {"color": PALETTE[index]},
            "hovertemplate": "%{x}: %{y}<extra></extra>",
        }
        for index, each in enumerate(BASES)
    ]
    headers = (
        _("Return per household"),
        *(_("%(basis)s: households") % {"basis": basis_label(each)} for each in BASES),
    )
    rows = tuple(
        (_text(label), *(_count(shown.histogram[each][i]) for each in BASES))
        for i, label in enumerate(labels)
    ) + ((_text(_("Total")), *(_count(shown.histogram_totals[each]) for each in BASES)),)
    return Chart(
        key="classes",
        title=_("Households per return class, expected and realised"),
        summary=histogram_summary(shown),
        data=data,
        layout=base_layout(
            barmode="group",
            xaxis={"type": "category", "title": {"text": str(headers[0])}},
            yaxis={"title": {"text": _("Households")}, "rangemode": "tozero"},
        ),
        headers=tuple(str(header) for header in headers),
        rows=rows,
        file_stem=file_stem,
    )


def _shown_medians(shown: Distribution) -> list[Summary]:
    return [row for row in shown.groups if row.median is not None]


def groups_summary(shown: Distribution) -> str:
    rows = _shown_medians(shown)
    if not rows:
        return (
            _("No group has enough households to show its figures.")
            if shown.groups
            else _("There are no households in this breakdown.")
        )
    high = max(rows, key=lambda row: row.median or 0.0)
    low = min(rows, key=lambda row: row.median or 0.0)
    return _(
        "The median %(measure)s is highest for %(high_group)s (%(high)s) and lowest for "
        "%(low_group)s (%(low)s)."
    ) % {
        "measure": measure_phrase(shown.basis, shown.measure),
        "high_group": high.label,
        "high": amount(high.median),
        "low_group": low.label,
        "low": amount(low.median),
    }


def groups_chart(shown: Distribution, file_stem: str = "") -> Chart:
    """Per group the median as a bar with P10 and P90 as whiskers (a box without the extremes)."""
    rows = _shown_medians(shown)
    data = [
        {
            "type": "bar",
            "name": _("Median"),
            "x": [row.label for row in rows],
            "y": [row.median for row in rows],
            "marker": {"color": PALETTE[0]},
            "error_y": {
                "type": "data",
                "symmetric": False,
                "array": [(row.p90 or 0.0) - (row.median or 0.0) for row in rows],
                "arrayminus": [(row.median or 0.0) - (row.p10 or 0.0) for row in rows],
                "color": PALETTE[7],
            },
            "customdata": [[row.p10, row.p90] for row in rows],
            "hovertemplate": "%{x}: EUR %{y:,.0f} (P10 EUR %{customdata[0]:,.0f}, "
            "P90 EUR %{customdata[1]:,.0f})<extra></extra>",
        }
    ]
    headers = (
        dimension_label(shown.dimension),
        _("Households"),
        _("Without return"),
        _("Mean"),
        "P10",
        _("Median"),
        "P90",
    )
    overall = shown.overall[shown.basis]
    body = tuple(
        (
            _text(row.label),
            _count(row.households),
            _share(row.share_none),
            _money(row.mean),
            _money(row.p10),
            _money(row.median),
            _money(row.p90),
        )
        for row in [*shown.groups, overall]
    )
    return Chart(
        key="groups",
        title=_("Median %(measure)s per %(dimension)s, with P10 and P90")
        % {
            "measure": measure_phrase(shown.basis, shown.measure),
            "dimension": dimension_label(shown.dimension).lower(),
        },
        summary=groups_summary(shown),
        data=data,
        layout=base_layout(
            xaxis={"type": "category", "title": {"text": str(headers[0])}},
            yaxis={"tickprefix": "EUR ", "tickformat": ",.0f", "zeroline": True},
            showlegend=False,
        ),
        headers=tuple(str(header) for header in headers),
        rows=body,
        file_stem=file_stem,
    )


def spread_summary(shown: Distribution) -> str:
    rows = [row for row in shown.groups if row.share_none is not None]
    if not rows:
        return groups_summary(shown)
    most = max(rows, key=lambda row: row.share_none or 0.0)
    return _("%(group)s has the largest share of households without return: %(share)s.") % {
        "group": most.label,
        "share": rate(most.share_none, 0),
    }


def spread_chart(shown: Distribution, file_stem: str = "") -> Chart:
    """Households per group and return class as stacked bars, with the totals."""
    labels = [row.label for row in shown.groups]
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "name": shown.labels[key],
            "y": labels,
            "x": [row.counts[i] for row in shown.groups],
            "marker": {"color": PALETTE[i % len(PALETTE)]},
            "hovertemplate": f"%{{y}}, {shown.labels[key]}: %{{x}}<extra></extra>",
        }
        for i, key in enumerate(shown.classes)
    ]
    headers = (
        dimension_label(shown.dimension),
        *(shown.labels[key] for key in shown.classes),
        _("Total"),
    )
    body = tuple(
        (_text(row.label), *(_count(cell) for cell in row.counts), _count(row.households))
        for row in shown.groups
    ) + (
        (
            _text(_("Total")),
            *(_count(cell) for cell in shown.class_totals),
            _count(shown.group_total),
        ),
    )
    return Chart(
        key="spread",
        title=_("Households per %(dimension)s and return class (%(measure)s)")
        % {
            "dimension": dimension_label(shown.dimension).lower(),
            "measure": measure_phrase(shown.basis, shown.measure),
        },
        summary=spread_summary(shown),
        data=data,
        layout=base_layout(
            barmode="stack",
            yaxis={"type": "category", "autorange": "reversed"},
            xaxis={"title": {"text": _("Households")}},
            margin={"l": 200, "r": 24, "t": 32, "b": 96},
        ),
        headers=tuple(str(header) for header in headers),
        rows=body,
        file_stem=file_stem,
    )


#: The charts of the participants page, by key, in the order of the page.
CHARTS = {"classes": histogram_chart, "groups": groups_chart, "spread": spread_chart}


def participant_charts(
    shown: Distribution, keys: Sequence[str] = tuple(CHARTS), file_stem: str = ""
) -> dict[str, Chart]:
    return {key: CHARTS[key](shown, file_stem) for key in keys}
