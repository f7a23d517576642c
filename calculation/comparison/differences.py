"""The comparison of results documents against a baseline: pure functions, no database.

Each version enters as a ``Compared`` (a key, a name and its results document as the reader may
see them); ``compare`` gives every line of the comparison with each version's value and its
difference to the baseline. Years are aligned by calendar year: a version without a year has no
value there (and no difference). Actors and life domains are matched by their codes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from ..labels import name
from ..models import PriceBasis
from ..results.cells import Kind, Results
from ..results.figures import FIGURES
from ..results.formats import rate
from ..selectors import KPI_KEYS as SCENARIO_KPIS

#: The key figures compared, in the order they are shown: the scenarios' and the households.
KPI_KEYS = (*SCENARIO_KPIS, "households")
#: Kinds whose difference is also meaningful as a share of the baseline.
RELATIVE_KINDS = (Kind.MONEY, Kind.NUMBER)
#: Below this an amount counts as nothing (a row of zeros is left out).
NOTHING = 0.005


@dataclass(frozen=True)
class Compared:
    """A version in the comparison: its key (the version's id), its name and its results."""

    key: str
    label: str
    results: Results


@dataclass(frozen=True)
class Line:
    """A line of the comparison: a value per version (None where the version has none), and per
    version its difference to the baseline and that difference as a share of the baseline (None
    where it is not meaningful)."""

    key: Any
    label: str
    kind: Kind
    values: tuple[float | None, ...]
    differences: tuple[float | None, ...]
    relative: tuple[float | None, ...]


@dataclass(frozen=True)
class Comparison:
    """Versions side by side, the baseline first, and the lines of each part."""

    versions: tuple[Compared, ...]
    kpis: tuple[Line, ...]
    years: tuple[Line, ...]
    cumulative: tuple[Line, ...]
    actors: tuple[Line, ...]
    domains: tuple[Line, ...]
    warnings: tuple[str, ...]

    @property
    def baseline(self) -> Compared:
        return self.versions[0]

    @property
    def others(self) -> tuple[Compared, ...]:
        return self.versions[1:]


def _number(value: Any) -> float | None:
    return None if value is None or isinstance(value, bool) else float(value)


def line(key: Any, label: str, kind: Kind, values: Sequence[float | None]) -> Line:
    """A line with each value's difference to the first (the baseline) and, for amounts and
    counts over a positive baseline, that difference as a share of the baseline."""
    base = values[0]
    differences = tuple(None if base is None or value is None else value - base for value in values)
    relative = tuple(
        difference / base
        if difference is not None and base is not None and base > 0 and kind in RELATIVE_KINDS
        else None
        for difference in differences
    )
    return Line(key, label, kind, tuple(values), differences, relative)


def ordered(versions: Sequence[Compared], baseline: str) -> tuple[Compared, ...]:
    """``versions`` with the baseline first, the others in their order."""
    first = [version for version in versions if version.key == baseline]
    if not first:
        raise ValueError(f"The baseline {baseline!r} is not among the compared versions.")
    return (first[0], *(version for version in versions if version.key != baseline))


def kpi_lines(versions: Sequence[Compared]) -> tuple[Line, ...]:
    lines = []
    for key in KPI_KEYS:
        figure = FIGURES[key]
        values = [_number((v.results.get("kpis") or {}).get(key)) for v in versions]
        lines.append(line(key, str(figure.label), figure.kind, values))
    return tuple(lines)


def calendar_years(versions: Sequence[Compared]) -> list[int]:
    """Every calendar year of any version, in order."""
    return sorted({int(row["year"]) for v in versions for row in v.results.get("year_table") or []})


def _per_year(versions: Sequence[Compared], field: str) -> tuple[Line, ...]:
    by_year = [
        {int(row["year"]): _number(row.get(field)) for row in v.results.get("year_table") or []}
        for v in versions
    ]
    return tuple(
        line(year, str(year), Kind.MONEY, [values.get(year) for values in by_year])
        for year in calendar_years(versions)
    )


def year_lines(versions: Sequence[Compared]) -> tuple[Line, ...]:
    """The net (benefits minus costs, undiscounted) per calendar year."""
    return _per_year(versions, "net")


def cumulative_lines(versions: Sequence[Compared]) -> tuple[Line, ...]:
    """The cumulative net per calendar year, each version from its own start."""
    return _per_year(versions, "cumulative")


def _per_code(versions: Sequence[Compared], group: str, field: str) -> tuple[Line, ...]:
    """The benefits over the horizon per code of ``group`` (actors or domains); None for a
    version without that code; codes without benefits in any version left out."""
    codes: list[str] = []
    labels: dict[str, str] = {}
    for version in versions:
        meta = version.results.get("meta") or {}
        for code in meta.get(group) or []:
            if code not in labels:
                codes.append(code)
                labels[code] = name(meta.get("labels"), group, code)
    lines = []
    for code in codes:
        values = []
        for version in versions:
            series = (version.results.get(field) or {}).get(code)
            values.append(None if series is None else float(sum(series)))
        if any(value is not None and abs(value) > NOTHING for value in values):
            lines.append(line(code, labels[code], Kind.MONEY, values))
    return tuple(lines)


def actor_lines(versions: Sequence[Compared]) -> tuple[Line, ...]:
    return _per_code(versions, "actors", "benefits_by_actor")


def domain_lines(versions: Sequence[Compared]) -> tuple[Line, ...]:
    return _per_code(versions, "domains", "benefits_by_domain")


def _setting_warning(
    versions: Sequence[Compared], key: str, shown: Callable[[Any], str], message: str
) -> str | None:
    values = [(version.results.get("meta") or {}).get(key) for version in versions]
    if len(set(values)) <= 1:
        return None
    listed = "; ".join(
        f"{version.label}: {shown(value)}" for version, value in zip(versions, values, strict=True)
    )
    return message % {"list": listed}


def _price_basis(value: Any) -> str:
    try:
        return str(PriceBasis(value).label)
    except ValueError:
        return str(value)


def basis_warnings(versions: Sequence[Compared]) -> tuple[str, ...]:
    """Settings that make the versions' amounts not directly comparable: a different price basis
    or discount rate."""
    warnings = (
        _setting_warning(
            versions,
            "price_basis",
            _price_basis,
            _(
                "The versions use different price bases (%(list)s): their amounts are not in "
                "the same euros."
            ),
        ),
        _setting_warning(
            versions,
            "discount_rate",
            lambda value: rate(value),
            _(
                "The versions use different discount rates (%(list)s): their present values "
                "and the NPV are not directly comparable."
            ),
        ),
    )
    return tuple(warning for warning in warnings if warning)


def compare(versions: Sequence[Compared], baseline: str) -> Comparison:
    """``versions`` (two or more) side by side against the version keyed ``baseline``."""
    if len(versions) < 2:
        raise ValueError("A comparison needs at least two versions.")
    chosen = ordered(versions, baseline)
    return Comparison(
        versions=chosen,
        kpis=kpi_lines(chosen),
        years=year_lines(chosen),
        cumulative=cumulative_lines(chosen),
        actors=actor_lines(chosen),
        domains=domain_lines(chosen),
        warnings=basis_warnings(chosen),
    )
