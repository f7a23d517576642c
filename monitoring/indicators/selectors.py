"""Reads for the indicators: definitions with their versions, the series of an indicator in an
area with its breaks marked, the values of an area by period, and the context notes."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet

from .models import ContextNote, Indicator, IndicatorValue


@dataclass(frozen=True)
class SeriesPoint:
    period: int
    value: Decimal | None  # None: withheld (never 0)
    withheld: bool
    status: str
    indicator_version: int
    area_id: int
    #: The definition or the area changed since the previous point: the two do not compare.
    break_before: bool


def indicator_versions(*, code: str | None = None) -> QuerySet[Indicator]:
    queryset = Indicator.objects.order_by("theme", "code", "version")
    return queryset.filter(code=code) if code else queryset


def indicator_series(*, code: str, area_code: str) -> list[SeriesPoint]:
    """The values of an indicator in an area over the periods, every version of its definition
    and every version of the area (by code) together; a point whose definition version or area
    version differs from the previous point's starts a new series (``break_before``)."""
    values = (
        IndicatorValue.objects.filter(indicator__code=code, area__code=area_code.strip().upper())
        .select_related("indicator")
        .order_by("period")
    )
    points: list[SeriesPoint] = []
    previous: IndicatorValue | None = None
    for value in values:
        points.append(
            SeriesPoint(
                period=value.period,
                value=value.value,
                withheld=value.withheld,
                status=value.status,
                indicator_version=value.indicator.version,
                area_id=value.area_id,
                break_before=previous is not None
                and (
                    previous.indicator.version != value.indicator.version
                    or previous.area_id != value.area_id
                ),
            )
        )
        previous = value
    return points


@dataclass
class AreaValueRow:
    indicator: Indicator
    cells: list[IndicatorValue | None] = field(default_factory=list)


@dataclass
class AreaValueTable:
    area_code: str
    periods: list[int]
    rows: list[AreaValueRow]


def area_values_by_period(*, area_code: str, theme: str | None = None) -> AreaValueTable:
    """The values of an area (every version of its code) as a table: a row per indicator
    version with values, a column per period."""
    values = IndicatorValue.objects.filter(area__code=area_code.strip().upper()).select_related(
        "indicator"
    )
    if theme:
        values = values.filter(indicator__theme=theme)
    periods = sorted({value.period for value in values})
    by_indicator: dict[int, AreaValueRow] = {}
    for value in values:
        row = by_indicator.get(value.indicator_id)
        if row is None:
            row = by_indicator[value.indicator_id] = AreaValueRow(
                value.indicator, [None] * len(periods)
            )
        row.cells[periods.index(value.period)] = value
    rows = sorted(
        by_indicator.values(),
        key=lambda row: (row.indicator.theme, row.indicator.code, row.indicator.version),
    )
    return AreaValueTable(area_code=area_code.strip().upper(), periods=periods, rows=rows)


def context_notes_for(
    *, area_code: str | None = None, period_from: int | None = None, period_to: int | None = None
) -> QuerySet[ContextNote]:
    """The notes that hold everywhere or in the area (by code), overlapping the periods."""
    notes = ContextNote.objects.select_related("area").order_by("period_from", "key")
    if area_code:
        notes = notes.filter(Q(area__isnull=True) | Q(area__code=area_code.strip().upper()))
    if period_to is not None:
        notes = notes.filter(period_from__lte=period_to)
    if period_from is not None:
        notes = notes.filter(Q(period_to__isnull=True) | Q(period_to__gte=period_from))
    return notes
