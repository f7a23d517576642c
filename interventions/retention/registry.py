"""Where other packages say what retention must anonymise or delete of a household.

The register's own rows (households, interventions) are handled by retention itself. A package
that keeps more data about a household (the follow-up: assessments, surveys, outcome events)
registers a ``RetentionHandler`` in an ``AppConfig.ready`` (a package in a lower layer than this one
through ``interventions/apps.py``, see docs/retention.md); every run calls each handler with the
ids of the households due, inside the run's transaction, before the household itself is changed
or deleted.

A handler returns the records it changed or is about to delete as ``{model: [primary keys]}``:
retention redacts (anonymise) or removes (delete) their change history with the household's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from django.db import models

#: ``{model class: primary keys}`` of the records whose change history must go too.
HistoryRecords = Mapping[type[models.Model], Iterable[int]]


@dataclass(frozen=True)
class RetentionHandler:
    """``anonymise(household_ids)`` keeps what the aggregates need (e.g. an outcome event's outcome
    and year) and removes the rest; ``delete(household_ids)`` removes the package's rows of those
    households. Both must be idempotent and return the records whose history must go."""

    name: str
    anonymise: Callable[[list[int]], HistoryRecords]
    delete: Callable[[list[int]], HistoryRecords]


_HANDLERS: dict[str, RetentionHandler] = {}


def retention_handler_add(handler: RetentionHandler) -> None:
    """Register ``handler`` (again under the same name: replaced, so a reload adds no twin)."""
    _HANDLERS[handler.name] = handler


def retention_handler_remove(name: str) -> None:
    _HANDLERS.pop(name, None)


def retention_handlers() -> list[RetentionHandler]:
    return list(_HANDLERS.values())
