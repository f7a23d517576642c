"""The peer group (vergelijkbare gemeenten) of a municipality: the municipalities most like it.

"Most like" is defined as the nearest municipalities on a few context indicators
(``SIEX_PEER_GROUP_INDICATORS``; by default inhabitants, the average standardised household
income, the share of households on or around the social minimum and the share of corporation
rented dwellings): each indicator is turned into a z-score over every municipality with a value
for all of them in the period (mean 0, standard deviation 1, so no indicator weighs more for its
unit), and the ``SIEX_PEER_GROUP_SIZE`` (10) municipalities at the smallest Euclidean distance
from the municipality in that space form its peer group. An indicator that does not vary is left
out. The period is the latest one at or before the photo's year in which the municipality and at
least that many others have all of them (else the latest with any other municipality).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.conf import settings

from ..indicators.models import IndicatorValue
from ..models import AreaLevel


@dataclass(frozen=True)
class Peer:
    code: str
    name: str
    distance: float


def nearest(own: str, table: dict[str, list[float]], size: int) -> list[tuple[str, float]]:
    """The ``size`` codes nearest ``own`` on z-scores of the columns of ``table`` (code -> the
    values of the context indicators, all present), nearest first; ties by code."""
    codes = sorted(table)
    if own not in table or len(codes) < 2:
        return []
    matrix = np.array([table[code] for code in codes], dtype=float)
    spread = matrix.std(axis=0)
    varying = spread > 0
    scores = (matrix[:, varying] - matrix[:, varying].mean(axis=0)) / spread[varying]
    distances = np.sqrt(((scores - scores[codes.index(own)]) ** 2).sum(axis=1))
    ranked = sorted(
        (float(distance), code) for code, distance in zip(codes, distances, strict=True)
    )
    return [(code, distance) for distance, code in ranked if code != own][:size]


def peer_group(*, municipality_code: str, year: int) -> tuple[int | None, list[Peer]]:
    """The period used and the municipalities most like ``municipality_code`` then."""
    codes = list(settings.SIEX_PEER_GROUP_INDICATORS)
    values = IndicatorValue.objects.filter(
        indicator__code__in=codes,
        area__level=AreaLevel.MUNICIPALITY,
        period__lte=year,
        withheld=False,
    ).values_list("indicator__code", "area__code", "area__name", "period", "value")
    by_period: dict[int, dict[str, dict[str, float]]] = {}
    names: dict[str, str] = {}
    for indicator, area, name, period, value in values:
        if value is not None:
            by_period.setdefault(period, {}).setdefault(area, {})[indicator] = float(value)
        names[area] = name
    size = settings.SIEX_PEER_GROUP_SIZE
    tables: list[tuple[int, dict[str, list[float]]]] = []
    for period in sorted(by_period, reverse=True):
        rows = by_period[period]
        if len(rows.get(municipality_code, {})) < len(codes):
            continue
        table = {
            code: [row[indicator] for indicator in codes]
            for code, row in rows.items()
            if len(row) == len(codes)
        }
        if len(table) > 1:
            tables.append((period, table))
    # The latest period with a full peer group; else the latest with any other municipality.
    chosen = next(((p, t) for p, t in tables if len(t) > size), tables[0] if tables else None)
    if chosen is None:
        return None, []
    period, table = chosen
    found = nearest(municipality_code, table, size)
    return period, [Peer(code, names[code], round(distance, 4)) for code, distance in found]
