"""Reads for the audit pages: the access log and django-auditlog's change history, newest first,
page by page without counting the table."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from siex.core.templatetags.siex import euro

from .masks import MASK
from .models import AccessLogEntry

PAGE_SIZE = 50
# Which kinds of record a user finds in the change history (an object-level rule, given the
# model label).
CHANGE_HISTORY_PERMISSION = "siex.view_change_history_of"

# Kinds of data the access log names, with their names in the filter; log_access accepts any model
# label, these are the ones SIEX logs (household data, and reads of the audit logs themselves).
ACCESS_LOGGED_MODELS = {
    "interventions.household": _("Households"),
    "interventions.intervention": _("Interventions"),
    "audit.accesslogentry": _("Access log"),
    "auditlog.logentry": _("Change history"),
}

CHANGE_ACTIONS = [
    (LogEntry.Action.CREATE, pgettext_lazy("change history action", "created")),
    (LogEntry.Action.UPDATE, _("changed")),
    (LogEntry.Action.DELETE, _("deleted")),
]
_CHANGE_ACTION_LABELS = dict(CHANGE_ACTIONS) | {LogEntry.Action.ACCESS: _("accessed")}


def model_name(label: str) -> str:
    """The readable name of a model label ("interventions.household" -> "Households")."""
    if label in ACCESS_LOGGED_MODELS:
        return str(ACCESS_LOGGED_MODELS[label])
    try:
        return str(apps.get_model(label)._meta.verbose_name_plural).capitalize()
    except (LookupError, ValueError):
        return label


def choice_label(label: str, field_name: str, value: str) -> str | None:
    """The label of ``value`` when it is a choice of the field ``field_name`` of the model
    ``label`` ("interventions.household", "income_source", "work" -> "werk"); else None."""
    try:
        field = apps.get_model(label)._meta.get_field(field_name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return None
    choices = {str(key): choice for key, choice in (getattr(field, "flatchoices", None) or [])}
    return str(choices[value]) if value in choices else None


def district_names(codes: set[str]) -> dict[str, str]:
    """{CBS code: name} of the areas among ``codes`` (one query)."""
    if not codes:
        return {}
    areas = apps.get_model("monitoring", "Area")._default_manager.filter(code__in=codes)
    return dict(areas.values_list("code", "name"))


def access_log_model_choices() -> list[tuple[str, str]]:
    return [(label, str(name)) for label, name in ACCESS_LOGGED_MODELS.items()]


def change_history_models(user) -> list:
    """The models whose changes django-auditlog records (households, interventions and the
    catalogue in interventions/audit.py; accounts and roles in siex/accounts/audit.py) and whose
    history ``user`` may read: household records for the roles that see households, accounts
    and roles for the administrator (``CHANGE_HISTORY_READERS`` in siex/accounts/rules.py)."""
    return sorted(
        (
            model
            for model in auditlog.get_models()
            if user.has_perm(CHANGE_HISTORY_PERMISSION, model._meta.label_lower)
        ),
        key=lambda model: model._meta.label_lower,
    )


def change_history_model_choices(user) -> list[tuple[str, str]]:
    return [
        (model._meta.label_lower, str(model._meta.verbose_name).capitalize())
        for model in change_history_models(user)
    ]


def usernames() -> list[str]:
    """Every username, as suggestions for the user filter (the users table is small)."""
    return list(get_user_model().objects.order_by("username").values_list("username", flat=True))


def access_log_entries() -> QuerySet[AccessLogEntry]:
    return AccessLogEntry.objects.all()


# Need to know within a kind of record: label -> a function of the user giving the ids of the
# records of that kind whose history they may read, or None for all of them. A higher layer fills
# it in its ``AppConfig.ready`` (the household records: those of the households in the user's
# scope, ``interventions.register.scopes``).
HistoryScope = Callable[[Any], QuerySet | None]
_CHANGE_HISTORY_SCOPES: dict[str, HistoryScope] = {}


def change_history_scope_add(label: str, scope: HistoryScope) -> None:
    _CHANGE_HISTORY_SCOPES[label] = scope


def change_history_entries(user) -> QuerySet[LogEntry]:
    """The change history ``user`` may read: only entries about the kinds of record they may,
    and of a kind with a scope (``change_history_scope_add``) only those of the records in it."""
    condition = Q(pk__in=[])
    for model, content_type in ContentType.objects.get_for_models(
        *change_history_models(user)
    ).items():
        scope = _CHANGE_HISTORY_SCOPES.get(model._meta.label_lower)
        ids = scope(user) if scope is not None else None
        if ids is None:
            condition |= Q(content_type=content_type)
        else:
            condition |= Q(content_type=content_type, object_id__in=ids)
    return LogEntry.objects.filter(condition).select_related("actor", "content_type")


@dataclass
class Page:
    rows: list
    next_cursor: int | None


def keyset_page(queryset: QuerySet, *, before: int | None, size: int = PAGE_SIZE) -> Page:
    """One page, newest first, of rows older than the row ``before`` (an id); no COUNT.

    The order is (timestamp, id) descending: the id breaks ties and makes the cursor exact.
    ``next_cursor`` is the id of the last row shown when more rows follow, else None.
    """
    if before is not None:
        anchor = (
            queryset.model._default_manager.filter(pk=before)
            .values_list("timestamp", flat=True)
            .first()
        )
        if anchor is not None:
            queryset = queryset.filter(Q(timestamp__lt=anchor) | Q(timestamp=anchor, pk__lt=before))
    rows = list(queryset.order_by("-timestamp", "-pk")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return Page(rows=rows, next_cursor=rows[-1].pk if more and rows else None)


# --- Change history as rows of (field, old value, new value) --------------------------------------


@dataclass
class FieldChange:
    field: str
    old: str
    new: str
    name: str = ""  # the model field's name ("actual_cost"); ``field`` is its readable label


EMPTY = "—"
#: A value the retention rules removed from the change history (both sides are masked).
REMOVED = _("removed (retention)")

# Decimal fields that hold an amount in euros, as (model label, field name): their values show as
# EUR 1.234,56. The app that registers a model with django-auditlog names them (interventions/
# audit.py); other decimals show as numbers with a decimal comma.
AMOUNT_FIELDS: set[tuple[str, str]] = set()


def amount_fields_register(model, *names: str) -> None:
    """Show these decimal fields of ``model`` in the change history as amounts in euros."""
    AMOUNT_FIELDS.update((model._meta.label_lower, name) for name in names)


def change_action_label(action: int) -> str:
    return str(_CHANGE_ACTION_LABELS.get(action, action))


def field_changes(entries: list[LogEntry]) -> list[list[FieldChange]]:
    """Per entry, the fields it changed with their readable names and old and new values.

    Read from the stored JSON, in the words of the page: choices show their label, yes/no for a
    yes-or-no field, dates as 31-03-2026, moments in the municipality's time zone to the minute,
    amounts as EUR 1.234,56 and other numbers with a decimal comma, and a foreign key the name of
    the record it points to — looked up for all entries at once (one query per related model, not
    per row). Left out: the primary key and the time stamps of the record itself (django-auditlog
    lists them when a record is created; the entry has its own time), reverse relations, and a
    value written another way that is the same value (2500.00 over 2500, which the change history
    recorded as a change before decimals were normalised).
    """
    parsed = [_parsed_changes(entry) for entry in entries]
    names = _related_names(change for changes in parsed for change in changes)
    shown = []
    for entry, changes in zip(entries, parsed, strict=True):
        model = entry.content_type.model_class()
        rows = []
        for label, field, old, new in changes:
            if field is None:
                rows.append(FieldChange(label, old or EMPTY, new or EMPTY, label))
                continue
            if old == new == MASK:  # removed under the retention rules
                rows.append(FieldChange(label, str(REMOVED), str(REMOVED), field.name))
                continue
            old_text = _value(model, field, old, names)
            new_text = _value(model, field, new, names)
            if old_text != new_text:
                rows.append(FieldChange(label, old_text, new_text, field.name))
        shown.append(rows)
    return shown


def _parsed_changes(entry: LogEntry) -> list[tuple]:
    model = entry.content_type.model_class()
    changes = []
    for name, values in (entry.changes_dict or {}).items():
        field = None
        if model is not None:
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                field = None
        if field is not None and (
            not field.concrete
            or field.primary_key
            or getattr(field, "auto_now", False)
            or getattr(field, "auto_now_add", False)
        ):
            continue
        label = str(getattr(field, "verbose_name", name))
        if isinstance(values, dict):  # a many-to-many change: {"type", "operation", "objects"}
            objects = ", ".join(str(item) for item in values.get("objects", []))
            changes.append((label, None, None, f"{values.get('operation', '')}: {objects}"))
            continue
        old, new = (list(values) + [None, None])[:2]
        if _is_empty(old) and _is_empty(new):
            continue
        changes.append((label, field, old, new))
    return changes


def _is_empty(value) -> bool:
    return value in (None, "None", "")


def _related_names(changes) -> dict:
    """{(model, pk as text): name} for every foreign key value among the changes."""
    wanted: dict = {}
    for _label, field, old, new in changes:
        if field is not None and field.many_to_one:
            for value in (old, new):
                if not _is_empty(value):
                    wanted.setdefault(field.related_model, set()).add(str(value))
    names = {}
    for model, keys in wanted.items():
        for obj in model._default_manager.filter(pk__in=keys):
            names[(model, str(obj.pk))] = str(obj)
    return names


def _value(model, field, value, names) -> str:
    if _is_empty(value):
        return EMPTY
    text = str(value)
    if field.many_to_one:
        return names.get((field.related_model, text), f"#{text}")
    choices = {str(key): label for key, label in (field.flatchoices or [])}
    if text in choices:
        return str(choices[text])
    try:
        if isinstance(field, models.BooleanField):
            return str({"True": _("yes"), "False": _("no")}.get(text, text))
        if isinstance(field, models.DateTimeField):
            return moment_text(datetime.fromisoformat(text))
        if isinstance(field, models.DateField):
            return date.fromisoformat(text).strftime("%d-%m-%Y")
        if isinstance(field, models.DecimalField | models.FloatField):
            if model is not None and (model._meta.label_lower, field.name) in AMOUNT_FIELDS:
                return euro(Decimal(text))
            return number_text(Decimal(text))
        if isinstance(field, models.IntegerField):
            return number_format(int(text), use_l10n=True, force_grouping=True)
        if isinstance(field, models.JSONField) and text.startswith("["):
            return "; ".join(_json_item(item) for item in json.loads(text)) or EMPTY
    except (ValueError, ArithmeticError, TypeError):
        return text
    return text


def _json_item(item) -> str:
    if isinstance(item, int | float) and not isinstance(item, bool):
        return number_text(Decimal(str(item)))
    return str(item)


def moment_text(moment: datetime) -> str:
    """A moment in the municipality's time zone, to the minute: 05-12-2026 13:45. django-auditlog
    stores a time stamp's value in UTC without its zone."""
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=UTC)
    return timezone.localtime(moment).strftime("%d-%m-%Y %H:%M")


def number_text(number: Decimal) -> str:
    """A number with the locale's decimal separator and grouping, without trailing zeros."""
    whole = number == number.to_integral()
    return number_format(
        number.quantize(Decimal(1)) if whole else number.normalize(),
        use_l10n=True,
        force_grouping=True,
    )
