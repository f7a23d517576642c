"""One sheet of an uploaded file (or a CSV file) as its column names and its numbered rows."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass
class Table:
    """One sheet (or CSV file): its normalised header cells and its rows with their numbers as
    the officer sees them in the spreadsheet (the header is row 1). ``kind`` is what the importer
    recognised the sheet as (empty until it has)."""

    kind: str
    sheet: str
    header: list[str]
    rows: Iterable[tuple[int, tuple]]
    close: Callable[[], None] = lambda: None
    done: Callable[[], float] = lambda: 0.0  # the share of the sheet read so far
