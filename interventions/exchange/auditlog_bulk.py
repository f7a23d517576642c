"""The change history (django-auditlog) of records written in bulk, as auditlog itself writes it
for each save.

A bulk write sends no signal, so auditlog logs nothing of it: the import writes the entries itself,
the same ones auditlog writes for the same save through a form, without auditlog's per-record cost
(its own diff takes about 5 seconds for 100,000 interventions, this about one, and the entries go
in with COPY). To write the same entries it relies on these internals of auditlog, which is why
``pyproject.toml`` allows only the versions tried (``django-auditlog>=3.0,<3.5``), and
``tests/interventions/test_import_history.py`` compares the entries with auditlog's own:

- ``auditlog.diff``: ``track_field``, ``get_field_value``, ``get_mask_function`` and
  ``is_primitive``, the pieces of ``model_instance_diff`` (which fields are compared, how a value
  is read, masked and written);
- ``auditlog.registry.auditlog``: ``get_model_fields`` and ``get_serialize_options`` (a model's
  include, exclude and mask fields, and whether its data is serialised), ``contains``;
- ``LogEntry.objects._get_serialized_data_or_none`` and auditlog's ``pre_save`` receiver on
  LogEntry, which fills in the request's address (``log_entry_common``);
- ``auditlog.cid.get_cid`` (the correlation id) and ``auditlog.models.DEFAULT_OBJECT_REPR``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from auditlog import get_logentry_model
from auditlog.cid import get_cid
from auditlog.diff import get_field_value, get_mask_function, is_primitive, track_field
from auditlog.models import DEFAULT_OBJECT_REPR
from auditlog.registry import auditlog
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection
from django.db.models import DateTimeField, JSONField
from django.db.models.signals import pre_save
from django.utils import timezone
from django.utils.encoding import smart_str
from django.utils.functional import Promise

from .bulk import BATCH_SIZE, copy_in, copy_values

HISTORY_CHUNK = 10_000  # change-history entries written at a time


class AuditedModel:
    """How django-auditlog sees one registered model when it logs a save (``model_instance_diff``
    in auditlog/diff.py): the fields it compares, with the registration's include and exclude
    fields applied (for households and interventions: all but ``updated_at`` and ``version``),
    every value as its ``get_field_value`` reads it, and the pair of values as the diff writes it
    (text, ``"None"`` for nothing, a foreign key as its id). The usual kinds of field are read
    straight from the instance, exactly as get_field_value reads them: for 100,000 interventions
    ``model_instance_diff`` itself takes about 5 seconds, this about one. Any other kind (a reverse
    relation, a JSON field, a foreign key logged as text) goes through get_field_value itself."""

    def __init__(self, model):
        registration = auditlog.get_model_fields(model)
        include, exclude = registration["include_fields"], registration["exclude_fields"]
        self.use_json = settings.AUDITLOG_STORE_JSON_CHANGES
        self.masked = set(registration["mask_fields"])
        self.mask = get_mask_function(registration.get("mask_callable"))
        tracked = [
            f
            for f in model._meta.get_fields()
            if track_field(f) and (not include or f.name in include) and f.name not in exclude
        ]
        # A new record is compared with no record at all ("None"); a changed one field by field.
        self.on_create = []
        for f in tracked:
            nothing = get_field_value(None, f, self.use_json)
            (nothing_logged,) = self._pair(f.name, nothing)
            plain = not self.use_json and f.name not in self.masked
            self.on_create.append((f.name, self._reader(f), nothing, nothing_logged, plain))
        self.concrete = [(f, self._reader(f)) for f in tracked if f in model._meta.fields]
        self._compared: dict[tuple[str, ...], list] = {}
        self.content_type_id = ContentType.objects.get_for_model(model).pk
        self.serialize = auditlog.get_serialize_options(model)["serialize_data"]

    def _reader(self, field) -> Callable[[Any], Any]:
        use_json = self.use_json
        if field.concrete and not use_json and not isinstance(field, JSONField):
            attname = field.attname
            if isinstance(field, DateTimeField):

                def read_datetime(instance):
                    value = field.to_python(getattr(instance, attname))
                    if value is not None and settings.USE_TZ and not timezone.is_naive(value):
                        value = timezone.make_naive(value, UTC)
                    return value

                return read_datetime
            if field.many_to_one or field.one_to_one:
                if not settings.AUDITLOG_USE_FK_STRING_REPRESENTATION:

                    def read_id(instance):
                        value = getattr(instance, attname)
                        if value is None or type(value) is int:
                            return value
                        return smart_str(value, strings_only=True)

                    return read_id
            elif not field.is_relation:

                def read_value(instance):
                    value = _logged_text(getattr(instance, attname))
                    return str(value) if isinstance(value, Promise) else value

                return read_value
        return lambda instance: get_field_value(instance, field, use_json)

    def _pair(self, name: str, *values: Any) -> list:
        """Values as the diff writes them (``_pair(name, value)`` makes a pair's half)."""
        if name in self.masked:
            return [self.mask(smart_str(value)) for value in values]
        if not self.use_json:
            return [_logged_text(value) for value in values]
        return [value if is_primitive(value) else smart_str(value) for value in values]

    def created(self, instance) -> dict:
        """The changes auditlog logs when ``instance`` is created."""
        changes = {}
        for name, read, nothing, nothing_logged, plain in self.on_create:
            value = read(instance)
            if nothing != value:
                if plain:
                    changes[name] = [nothing_logged, _logged_text(value)]
                else:
                    changes[name] = [nothing_logged, *self._pair(name, value)]
        return changes

    def updated(self, before, after, written: tuple[str, ...]) -> dict:
        """The changes auditlog logs when ``after`` is saved over ``before`` with
        ``update_fields=written``; a value written another way (1250 over 1250.00) is no change."""
        compared = self._compared.get(written)
        if compared is None:
            compared = self._compared[written] = [
                (f.name, f.attname, read)
                for f, read in self.concrete
                if f.name in written or f.attname in written
            ]
        changes = {}
        for name, attname, read in compared:
            if getattr(before, attname) == getattr(after, attname):
                continue
            old, new = read(before), read(after)
            if old != new:
                changes[name] = self._pair(name, old, new)
        return changes

    def entry(self, instance, action: int, changes: dict) -> dict:
        """A LogEntry's own values, by attribute name, as ``LogEntry.objects.log_create`` fills
        them (those of the write as a whole: ``log_entry_common``)."""
        pk = instance.pk
        try:
            text = smart_str(instance)
        except ObjectDoesNotExist:  # pragma: no cover - as auditlog does
            text = DEFAULT_OBJECT_REPR
        return {
            "content_type_id": self.content_type_id,
            "object_pk": smart_str(pk),
            "object_id": pk if isinstance(pk, int) else None,
            "object_repr": text,
            "serialized_data": (
                get_logentry_model().objects._get_serialized_data_or_none(instance)
                if self.serialize
                else None
            ),
            "action": action,
            "changes": changes,
        }


_STR_IS_SMART_STR = frozenset({int, bool, float, Decimal, date, datetime, type(None)})


def _logged_text(value: Any) -> Any:
    """``smart_str(value)``, as auditlog writes a value, without its cost for the kinds of value
    that fields hold (for 100,000 records its checks take seconds)."""
    if isinstance(value, str):
        return value
    if type(value) in _STR_IS_SMART_STR:
        return str(value)
    return smart_str(value)


def log_entry_common(*, actor, timestamp: datetime, additional_data: dict | None) -> dict:
    """What every entry of one bulk write holds, by attribute name: the actor, the time, the
    additional data, and what auditlog adds to an entry it writes during a request (correlation
    id, the client's address and port)."""
    log_entry = get_logentry_model()
    template = log_entry(
        actor=actor,
        actor_email=getattr(actor, "email", None),
        cid=get_cid(),
        timestamp=timestamp,
        additional_data=additional_data,
    )
    # What auditlog's middleware knows of the request (the client's address and port) reaches an
    # entry through auditlog's pre_save receiver, while the request lasts; a bulk write sends no
    # signal, so this one unsaved entry receives it and every entry of the write copies it.
    pre_save.send(sender=log_entry, instance=template, raw=False, using=connection.alias)
    return {
        f.attname: getattr(template, f.attname)
        for f in log_entry._meta.concrete_fields
        if not f.primary_key and f.attname not in _PER_RECORD
    }


# The fields of a LogEntry that differ per record (``AuditedModel.entry``); the others are the same
# for every record of a bulk write (``log_entry_common``).
_PER_RECORD = frozenset(
    {"content_type_id", "object_pk", "object_id", "object_repr", "serialized_data"}
    | {"action", "changes"}
)


def change_entries(
    model, *, created: Iterable, updated: Iterable[tuple[Any, Any]], written: tuple[str, ...]
) -> Iterator[dict]:
    """The entries auditlog logs for ``model`` (nothing when it is not registered): a "create" for
    every instance in ``created``, an "update" with the changed fields for every (before, after)
    pair in ``updated`` saved with ``update_fields=written`` (none when nothing it logs changed).
    """
    if not auditlog.contains(model):
        return
    log_entry = get_logentry_model()
    create, update = log_entry.Action.CREATE, log_entry.Action.UPDATE
    audited = AuditedModel(model)
    for instance in created:
        yield audited.entry(instance, create, audited.created(instance))
    for before, after in updated:
        changes = audited.updated(before, after, written)
        if changes:
            yield audited.entry(after, update, changes)


def log_entries_write(entries: Iterator[dict], common: dict) -> None:
    """Write change-history entries (by attribute name, with ``common`` what they share), a chunk
    at a time: on PostgreSQL with COPY, every entry turned into COPY text as soon as it is made
    (100,000 entries kept as Python objects until written would cost memory and, through the
    garbage collector going over them again and again, twice the time); elsewhere with
    bulk_create."""
    log_entry = get_logentry_model()
    fields = [f for f in log_entry._meta.concrete_fields if not f.primary_key]
    for first in entries:
        chunk = itertools.chain([first], itertools.islice(entries, HISTORY_CHUNK - 1))
        if connection.vendor == "postgresql":
            copy_in(log_entry, *copy_values(chunk, fields, common))
        else:
            log_entry.objects.bulk_create(
                [log_entry(**common, **values) for values in chunk], batch_size=BATCH_SIZE
            )
