"""Reads for the neighbourhood photo: the photo of an area at a date (as a JSON-able document, the
form in which a photo is also kept), the kept photos, the comparison of two photos, and the values
of an indicator for the wijken (the map)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Max, QuerySet

from ..indicators.models import Direction, Indicator, IndicatorValue, Theme
from ..indicators.selectors import context_notes_for
from ..models import Area, AreaLevel
from ..selectors import current_districts
from .models import PhotoSnapshot
from .peers import peer_group
from .programme import ProgrammeFigures, programme_figures

#: How a change reads for an indicator's direction (a neutral one only goes up or down).
BETTER, WORSE, EQUAL, UP, DOWN = "better", "worse", "equal", "up", "down"


def change_of(old: Decimal | None, new: Decimal | None, direction: str) -> str | None:
    """better/worse/equal by the indicator's direction (up/down for a neutral one); None when one
    of the two has no number."""
    if old is None or new is None:
        return None
    if new == old:
        return EQUAL
    higher = new > old
    if direction == Direction.HIGHER_IS_BETTER:
        return BETTER if higher else WORSE
    if direction == Direction.HIGHER_IS_WORSE:
        return WORSE if higher else BETTER
    return UP if higher else DOWN


def _number(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def programme_area_ids(area: Area) -> list[int]:
    """The wijken whose households make the programme in ``area``: a wijk itself; for a
    municipality every wijk of every division year that is part of it."""
    if area.level == AreaLevel.DISTRICT:
        return [area.pk]
    if area.level == AreaLevel.MUNICIPALITY:
        return list(
            Area.objects.filter(
                level=AreaLevel.DISTRICT, parent__code=area.code, division=area.division
            ).values_list("pk", flat=True)
        )
    return []


def _series(area_code: str, year: int) -> dict[str, list[IndicatorValue]]:
    values = (
        IndicatorValue.objects.filter(area__code=area_code, period__lte=year)
        .select_related("indicator")
        .order_by("indicator__code", "period")
    )
    series: dict[str, list[IndicatorValue]] = {}
    for value in values:
        series.setdefault(value.indicator.code, []).append(value)
    return series


#: (area code, indicator id, period) -> (value, withheld)
Benchmarks = dict[tuple[str, int, int], tuple[Decimal | None, bool]]


def _benchmark_values(codes: list[str], year: int) -> Benchmarks:
    """(area code, indicator id, period) -> (value, withheld), for the benchmark areas."""
    levels = [AreaLevel.MUNICIPALITY, AreaLevel.COUNTRY]
    values = IndicatorValue.objects.filter(
        area__code__in=codes,
        period__lte=year,
        area__level__in=levels,
    ).values_list("area__code", "indicator_id", "period", "value", "withheld")
    return {
        (code, indicator, period): (value, withheld)
        for code, indicator, period, value, withheld in values
    }


def _benchmark(
    found: Benchmarks, code: str, indicator_id: int, period: int
) -> dict[str, Any] | None:
    hit = found.get((code, indicator_id, period))
    if hit is None:
        return None
    value, withheld = hit
    return {"code": code, "value": _number(value), "withheld": withheld}


def _peer_mean(
    found: Benchmarks, peers: list[str], indicator_id: int, period: int
) -> dict[str, Any] | None:
    """The mean of the peers' values of the period; when no peer has one (CBS publishes the
    municipalities' figures later than the wijken'), of the latest earlier period that has,
    with that period said."""
    periods = sorted(
        {p for (code, indicator, p) in found if indicator == indicator_id and p <= period},
        reverse=True,
    )
    for candidate in periods:
        numbers = [
            number
            for code in peers
            if (number := found.get((code, indicator_id, candidate), (None, True))[0]) is not None
        ]
        if numbers:
            mean = sum(numbers, Decimal(0)) / Decimal(len(numbers))
            return {
                "value": _number(mean.quantize(Decimal("0.0001"))),
                "count": len(numbers),
                "period": candidate,
            }
    return None


def _indicator_entry(indicator: Indicator, points: list[IndicatorValue]) -> dict[str, Any]:
    trend: list[dict[str, Any]] = []
    previous: IndicatorValue | None = None
    for point in points:
        broken = previous is not None and (
            previous.indicator_id != point.indicator_id or previous.area_id != point.area_id
        )
        trend.append(
            {
                "period": point.period,
                "value": _number(point.value),
                "withheld": point.withheld,
                "status": point.status,
                "version": point.indicator.version,
                "break_before": broken,
                "change": None
                if previous is None or broken
                else change_of(previous.value, point.value, indicator.direction),
            }
        )
        previous = point
    latest = trend[-1]
    # The direction of the trend: the latest number against the nearest earlier one in the same
    # series (a break ends the search: across it the numbers do not compare).
    direction = None
    if latest["value"] is not None:
        for i in range(len(trend) - 1, 0, -1):
            if trend[i]["break_before"]:
                break
            earlier = trend[i - 1]
            if earlier["value"] is not None:
                direction = change_of(
                    _decimal(earlier["value"]), _decimal(latest["value"]), indicator.direction
                )
                break
    broken_series = any(point["break_before"] for point in trend)
    return {
        "code": indicator.code,
        "version": indicator.version,
        "label_nl": indicator.label_nl,
        "label_en": indicator.label_en,
        "unit": indicator.unit,
        "decimals": indicator.decimals,
        "direction": indicator.direction,
        "theme": indicator.theme,
        "latest": latest,
        "trend": trend,
        "trend_direction": direction,
        "definition_break": broken_series,
    }


def area_photo(*, area: Area, on_date: date) -> dict[str, Any]:
    """The neighbourhood photo of ``area`` at ``on_date``: per indicator its latest value at or
    before the date's year (a withheld one stays withheld), the benchmarks of that same period
    (the municipality, the country, the mean of the peer group), the trend with its direction
    and breaks; the context notes over those periods; the programme in the area at the date.
    A JSON-able document: this is what a kept photo holds."""
    year = on_date.year
    series = _series(area.code, year)
    own = settings.SIEX_MUNICIPALITY_CODE
    country = settings.SIEX_COUNTRY_CODE
    peer_period, peers = peer_group(municipality_code=own, year=year)
    peer_codes = [peer.code for peer in peers]
    found = _benchmark_values([own, country, *peer_codes], year)
    indicators = []
    for code in sorted(series, key=lambda c: (series[c][-1].indicator.theme, c)):
        points = series[code]
        latest = points[-1]
        entry = _indicator_entry(latest.indicator, points)
        period, indicator_id = latest.period, latest.indicator_id
        entry["benchmarks"] = {
            "municipality": _benchmark(found, own, indicator_id, period),
            "country": _benchmark(found, country, indicator_id, period),
            "peers": _peer_mean(found, peer_codes, indicator_id, period),
        }
        indicators.append(entry)
    first = min((points[0].period for points in series.values()), default=year)
    notes = context_notes_for(area_code=area.code, period_from=first, period_to=year)
    return {
        "area": {"code": area.code, "name": area.name, "level": area.level, "year": area.year},
        "date": on_date.isoformat(),
        "year": year,
        "indicators": indicators,
        "peer_group": {
            "municipality": own,
            "period": peer_period,
            "indicators": list(settings.SIEX_PEER_GROUP_INDICATORS),
            "members": [
                {"code": peer.code, "name": peer.name, "distance": peer.distance} for peer in peers
            ],
        },
        "context_notes": [
            {
                "key": note.key,
                "title": note.title,
                "text": note.text,
                "period_from": note.period_from,
                "period_to": note.period_to,
                "area": note.area.code if note.area else None,
            }
            for note in notes
        ],
        "programme": _programme(area, on_date),
    }


def _programme(area: Area, on_date: date) -> dict[str, Any]:
    area_ids = programme_area_ids(area)
    # Households are registered by wijk: a buurt or the country has no programme figures (not 0).
    figures = programme_figures(area_ids, on_date) if area_ids else ProgrammeFigures()
    expected = figures.expected_returns
    return {
        "participants": {
            "active": figures.participants_active,
            "ended": figures.participants_ended,
        },
        "interventions": [
            {"code": code, "name_nl": name_nl, "name_en": name_en, "count": count}
            for code, name_nl, name_en, count in figures.interventions_by_type or []
        ],
        "spend": _number(figures.spend),
        "expected_returns": None
        if expected is None
        else {
            "benefits": round(expected.benefits, 2),
            "benefits_pv": round(expected.benefits_pv, 2),
            "scenario": expected.scenario_name,
            "version": expected.version_number,
            "first_year": expected.first_year,
            "last_year": expected.last_year,
        },
        # None: not yet measured (no provider of realised returns).
        "realised_returns": figures.realised_returns,
    }


def photos_kept(*, area_code: str | None = None) -> QuerySet[PhotoSnapshot]:
    photos = PhotoSnapshot.objects.select_related("area", "taken_by").defer("content")
    return photos.filter(area__code=area_code.strip().upper()) if area_code else photos


def photos_compared(first: dict[str, Any], second: dict[str, Any]) -> list[dict[str, Any]]:
    """Two photos of one area side by side (``first`` the earlier): per indicator both latest
    values, the difference, better/worse by the indicator's direction, and whether the series
    breaks between them (another definition or area version: the difference does not count)."""
    earlier = {entry["code"]: entry for entry in first["indicators"]}
    later = {entry["code"]: entry for entry in second["indicators"]}
    rows = []
    for code in [*earlier, *(code for code in later if code not in earlier)]:
        a, b = earlier.get(code), later.get(code)
        entry = b or a or {}
        old = a["latest"] if a else None
        new = b["latest"] if b else None
        broken = False
        if a and b and old and new:
            broken = a["version"] != b["version"] or any(
                point["break_before"] and old["period"] < point["period"] <= new["period"]
                for point in b["trend"]
            )
        old_value = _decimal(old["value"]) if old else None
        new_value = _decimal(new["value"]) if new else None
        difference = None
        change = None
        if not broken and old_value is not None and new_value is not None:
            difference = _number(new_value - old_value)
            change = change_of(old_value, new_value, entry["direction"])
        rows.append(
            {
                "code": code,
                "label_nl": entry["label_nl"],
                "label_en": entry["label_en"],
                "unit": entry["unit"],
                "decimals": entry["decimals"],
                "direction": entry["direction"],
                "first": old,
                "second": new,
                "difference": difference,
                "change": change,
                "definition_break": broken,
            }
        )
    return rows


# --- the map of the wijken ------------------------------------------------------------------------


@dataclass(frozen=True)
class DistrictValues:
    """The values of one indicator for the municipality's current wijken in one period: the
    latest period at or before the chosen year in which any wijk has a value, so that every wijk
    is coloured by the same year and definition. ``rows``: every wijk with its value (None: no
    value in that period)."""

    indicator: Indicator
    period: int
    rows: list[tuple[Area, IndicatorValue | None]]


def district_indicators() -> list[Indicator]:
    """The indicators (their latest definition) with a value for a wijk of the municipality, the
    poverty theme first, then by theme and label."""
    codes = set(
        IndicatorValue.objects.filter(
            area__level=AreaLevel.DISTRICT,
            area__parent__code=settings.SIEX_MUNICIPALITY_CODE,
        )
        .values_list("indicator__code", flat=True)
        .distinct()
    )
    latest: dict[str, Indicator] = {}
    for indicator in Indicator.objects.filter(code__in=codes).order_by("code", "version"):
        latest[indicator.code] = indicator
    themes = [value for value, _label in Theme.choices]
    return sorted(
        latest.values(),
        key=lambda i: (themes.index(i.theme) if i.theme in themes else len(themes), i.label_nl),
    )


def district_values(*, indicator_code: str, year: int) -> DistrictValues | None:
    """The values of the indicator for the current wijken (with their boundaries) in the latest
    period at or before ``year`` that has one; None when no wijk has any. A value belongs to a
    wijk by its code (a value of an earlier version of the wijk counts for the wijk now)."""
    districts = list(current_districts())
    if not districts:
        return None
    by_code = {area.code: area for area in districts}
    values = IndicatorValue.objects.filter(
        indicator__code=indicator_code,
        area__code__in=list(by_code),
        area__level=AreaLevel.DISTRICT,
        period__lte=year,
    ).select_related("indicator", "area")
    period = values.aggregate(latest=Max("period"))["latest"]
    if period is None:
        return None
    found: dict[str, IndicatorValue] = {}
    for value in values.filter(period=period).order_by("area__year", "indicator__version"):
        found[value.area.code] = value  # the latest area and definition version win
    indicator = max(found.values(), key=lambda value: value.indicator.version).indicator
    rows = [(area, found.get(area.code)) for area in districts]
    return DistrictValues(indicator=indicator, period=period, rows=rows)
