"""Rows loaded once per test session and inserted again in each test that needs them.

Loading Groningen's catalogue file the way the project lead does (parsing, checking every row,
writing the audit trail) takes one to three seconds; a few hundred tests need the catalogue. A
``Snapshot`` runs the real loader once per session inside a transaction that is rolled back,
keeps every row the loader added — in every table, the audit log included — and inserts those
rows again, with their keys, in each test that asks for them: the test sees exactly what the
loader would have left, in a few milliseconds.
"""

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, models, transaction


def _tables() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]


def _content_type_fields(model: type[models.Model]) -> list[str]:
    """The columns that refer to a content type (the audit log's): a transactional test empties
    every table and the content types come back with other keys, so they are kept by name."""
    return [
        field.attname
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model is ContentType
    ]


def _natural_key(content_type_id: int | None) -> tuple[str, str] | None:
    if content_type_id is None:
        return None
    return ContentType.objects.get_for_id(content_type_id).natural_key()


def _content_types(row: dict[str, Any], references: list[str]) -> dict[str, int | None]:
    return {
        name: ContentType.objects.get_for_model(apps.get_model(*row[name])).pk
        if row[name]
        else None
        for name in references
    }


def _keys(model: type[models.Model]) -> set[Any]:
    return set(model._base_manager.values_list("pk", flat=True))


class Snapshot:
    """``Snapshot(load)``: ``take()`` once (database access allowed), ``restore()`` per test."""

    def __init__(self, load: Callable[[], Any]):
        self._load = load
        self._rows: list[tuple[type[models.Model], list[dict[str, Any]]]] = []
        self.result: Any = None
        self.taken = False

    def take(self) -> None:
        with transaction.atomic():
            before = {model: _keys(model) for model in _tables()}
            self.result = self._load()
            for model, keys in before.items():
                added = model._base_manager.exclude(pk__in=keys) if keys else model._base_manager
                fields = [field.attname for field in model._meta.concrete_fields]
                rows = list(added.order_by("pk").values(*fields))
                for name in _content_type_fields(model):
                    for row in rows:
                        row[name] = _natural_key(row[name])
                if rows:
                    self._rows.append((model, rows))
            transaction.set_rollback(True)
        self.taken = True

    def restore(self) -> Any:
        """Insert the rows again (foreign keys are checked at commit, so the order of the tables
        does not matter) and move each table's key sequence past them."""
        with transaction.atomic():
            for model, rows in self._rows:
                references = _content_type_fields(model)
                model._base_manager.bulk_create(
                    [model(**{**row, **_content_types(row, references)}) for row in rows]
                )
            statements = connection.ops.sequence_reset_sql(
                no_style(), [model for model, _ in self._rows]
            )
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
        return self.result

    def __len__(self) -> int:
        return sum(len(rows) for _, rows in self._rows)
