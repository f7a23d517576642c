"""The CBS values shipped with SIEX (``monitoring/data/cbs/``), loaded through the import service
like any file: the 2022 and 2023 kerncijfers of Groningen's wijken, the 2022 benchmark of all
municipalities, the series of poverty indicators per municipality and the published validation
anchors. Loading them twice changes nothing."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from monitoring.selectors import AreaResolver
from monitoring.services import CBS_ATTRIBUTION, areas_load_versions, municipalities_load

from .importing import LONG, WIDE, CommitResult, indicator_values_check, indicator_values_commit

CBS_DIR = Path(__file__).resolve().parent.parent / "data" / "cbs"
BENCHMARK_2022 = CBS_DIR / "gemeenten_kerncijfers_2022_benchmark.csv"
WIJKEN_2022 = CBS_DIR / "groningen_wijken_kerncijfers_2022.csv"
WIJKEN_2023 = CBS_DIR / "groningen_wijken_kerncijfers_2023.csv"
POVERTY_SERIES = CBS_DIR / "gemeenten_armoede_reeks.csv"
VALIDATION_ANCHORS = CBS_DIR / "validation_anchors.csv"


@dataclass(frozen=True)
class CbsFile:
    path: Path
    file_format: str
    period: int | None
    source: str


CBS_FILES = (
    CbsFile(BENCHMARK_2022, WIDE, 2022, f"{CBS_ATTRIBUTION}; KWB 2022 (85318NED)"),
    CbsFile(WIJKEN_2022, WIDE, 2022, f"{CBS_ATTRIBUTION}; KWB 2022 (85318NED)"),
    CbsFile(WIJKEN_2023, WIDE, 2023, f"{CBS_ATTRIBUTION}; KWB 2023 (85618NED)"),
    CbsFile(POVERTY_SERIES, LONG, None, f"{CBS_ATTRIBUTION}; KWB per jaar"),
    CbsFile(VALIDATION_ANCHORS, LONG, None, "validation_anchors.csv"),
)


@dataclass
class CbsLoadResult:
    file_name: str
    result: CommitResult
    left_out: int = 0


def series_of_known_areas(path: Path) -> tuple[bytes, int]:
    """The series file without the rows of municipalities that SIEX does not know (those that
    were merged into another before 2022, except the ones in ``areas.json``), and how many rows
    were left out."""
    resolver = AreaResolver()
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        column = header.index("gemeentecode")
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        left_out = 0
        for row in reader:
            if resolver.known(row[column].strip().upper()):
                writer.writerow(row)
            else:
                left_out += 1
    return out.getvalue().encode("utf-8"), left_out


def columns_not_supplied_marked(path: Path) -> bytes:
    """A wide CBS file in which a column that is empty for every area of one kind (soort_regio)
    is marked "n.v.t." for those areas: the source did not supply it for them, so it is left out
    rather than stored as withheld. (The 2022 wijk file carries the poverty columns for the
    gemeente only; an empty cell among values of the same kind stays withheld.)"""
    with path.open(encoding="utf-8", newline="") as source:
        rows = list(csv.reader(source))
    header, body = rows[0], rows[1:]
    if "soort_regio" not in header:
        return path.read_bytes()
    kind = header.index("soort_regio")
    groups: dict[str, list[list[str]]] = {}
    for row in body:
        groups.setdefault(row[kind], []).append(row)
    for members in groups.values():
        for index, name in enumerate(header):
            if name == "soort_regio" or any(row[index].strip() for row in members):
                continue
            for row in members:
                row[index] = "n.v.t."
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows([header, *body])
    return out.getvalue().encode("utf-8")


@transaction.atomic
def cbs_values_load(*, user=None) -> list[CbsLoadResult]:
    """Load the areas they need (the country, area versions, all municipalities) and every CBS
    file shipped with SIEX. Any problem in any file stores nothing."""
    areas_load_versions()
    municipalities_load(path=BENCHMARK_2022, year=2022)
    results = []
    for cbs_file in CBS_FILES:
        left_out = 0
        if cbs_file.path == POVERTY_SERIES:
            data, left_out = series_of_known_areas(cbs_file.path)
        elif cbs_file.file_format == WIDE:
            data = columns_not_supplied_marked(cbs_file.path)
        else:
            data = cbs_file.path.read_bytes()
        report = indicator_values_check(
            data=data,
            file_name=cbs_file.path.name,
            file_format=cbs_file.file_format,
            period=cbs_file.period,
            source=cbs_file.source,
        )
        if not report.ok:
            raise ValidationError([f"{cbs_file.path.name}: {m}" for m in report.messages()])
        results.append(
            CbsLoadResult(
                cbs_file.path.name, indicator_values_commit(report=report, user=user), left_out
            )
        )
    return results
