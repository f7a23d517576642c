"""Plan versus actual of the intervention costs, split into volume, price and timing.

Pure (no ORM): per intervention type, the planned and actual volumes and costs of the years that
carry actuals in, the split out, in whole cents, so that the identity of ``docs/revision.md``
holds exactly: volume + price + Σ timing = Σ (actual − planned cost), and Σ timing = 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def cents(value: float | Decimal | int) -> Decimal:
    """An amount in whole cents (half up), from the float the engine and the register give."""
    return Decimal(str(value)).quantize(CENT, ROUND_HALF_UP)


def volume(value: float | Decimal | int) -> Decimal:
    """A volume (households, possibly a fraction in a plan) as an exact decimal."""
    return Decimal(str(round(float(value), 6)))


@dataclass(frozen=True)
class TypeSeries:
    """One intervention type over the years that carry actuals: volumes and costs per year,
    planned and actual, and the unit cost that prices volume when the plan had no volume."""

    code: str
    name: str
    planned_volume: Sequence[float]
    planned_cost: Sequence[float]
    actual_volume: Sequence[float]
    actual_cost: Sequence[float]
    reference_unit_cost: float


@dataclass(frozen=True)
class YearVariance:
    year: int
    planned_volume: Decimal
    actual_volume: Decimal
    planned_cost: Decimal
    actual_cost: Decimal
    difference: Decimal
    volume: Decimal
    price: Decimal
    timing: Decimal


@dataclass(frozen=True)
class TypeVariance:
    code: str
    name: str
    years: tuple[YearVariance, ...]
    planned_volume: Decimal
    actual_volume: Decimal
    planned_cost: Decimal
    actual_cost: Decimal
    difference: Decimal
    planned_unit_cost: Decimal
    actual_unit_cost: Decimal | None
    volume: Decimal
    price: Decimal
    timing: Decimal


def shares(weights: Sequence[Decimal]) -> list[Decimal]:
    """Weights as fractions of their sum; equal shares when they sum to nothing."""
    if not weights:
        return []  # no year carries actuals yet (a version that starts this year)
    total = sum(weights, Decimal(0))
    if total == 0:
        return [Decimal(1) / len(weights)] * len(weights)
    return [weight / total for weight in weights]


def allocate(amount: Decimal, fractions: Sequence[Decimal]) -> list[Decimal]:
    """``amount`` (whole cents) over the years by ``fractions``, in whole cents that add up to
    it exactly: each share rounded half up, the rounding rest to the year with the largest share
    (the first of them)."""
    parts = [(amount * fraction).quantize(CENT, ROUND_HALF_UP) for fraction in fractions]
    rest = amount - sum(parts, Decimal(0))
    if rest:
        largest = max(range(len(fractions)), key=lambda n: (fractions[n], -n))
        parts[largest] += rest
    return parts


def split(series: TypeSeries, years: Sequence[int]) -> TypeVariance:
    """The variance of one type over ``years`` (docs/revision.md):

    - volume = (Σq_a − Σq_p) · p_p with p_p = ΣK_p / Σq_p (the reference unit cost when nothing
      was planned);
    - price = ΣΔK − volume, which is (p_a − p_p) · Σq_a with p_a = ΣK_a / Σq_a;
    - timing[t] = ΔK[t] − volume share[t] − price share[t]: volume shared by the planned volumes
      of the years, price by the actual volumes (equal shares where those are all zero).
    """
    n = len(years)
    q_p = [volume(series.planned_volume[t]) for t in range(n)]
    q_a = [volume(series.actual_volume[t]) for t in range(n)]
    k_p = [cents(series.planned_cost[t]) for t in range(n)]
    k_a = [cents(series.actual_cost[t]) for t in range(n)]
    delta = [k_a[t] - k_p[t] for t in range(n)]
    total_q_p, total_q_a = sum(q_p, Decimal(0)), sum(q_a, Decimal(0))
    total_k_p, total_k_a = sum(k_p, Decimal(0)), sum(k_a, Decimal(0))
    total_delta = total_k_a - total_k_p

    unit_p = total_k_p / total_q_p if total_q_p else Decimal(str(series.reference_unit_cost))
    unit_a = total_k_a / total_q_a if total_q_a else None
    volume_total = ((total_q_a - total_q_p) * unit_p).quantize(CENT, ROUND_HALF_UP)
    price_total = total_delta - volume_total

    price_shares = shares(q_a)
    volume_shares = shares(q_p) if total_q_p else price_shares
    volume_parts = allocate(volume_total, volume_shares) if n else []
    price_parts = allocate(price_total, price_shares) if n else []
    rows = tuple(
        YearVariance(
            year=years[t],
            planned_volume=q_p[t],
            actual_volume=q_a[t],
            planned_cost=k_p[t],
            actual_cost=k_a[t],
            difference=delta[t],
            volume=volume_parts[t],
            price=price_parts[t],
            timing=delta[t] - volume_parts[t] - price_parts[t],
        )
        for t in range(n)
    )
    return TypeVariance(
        code=series.code,
        name=series.name,
        years=rows,
        planned_volume=total_q_p,
        actual_volume=total_q_a,
        planned_cost=total_k_p,
        actual_cost=total_k_a,
        difference=total_delta,
        planned_unit_cost=unit_p.quantize(CENT, ROUND_HALF_UP),
        actual_unit_cost=None if unit_a is None else unit_a.quantize(CENT, ROUND_HALF_UP),
        volume=volume_total,
        price=price_total,
        timing=sum((row.timing for row in rows), Decimal(0)),
    )
