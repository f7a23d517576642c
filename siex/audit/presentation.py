"""What the audit pages and their downloads show of a log entry: labels instead of codes."""

from __future__ import annotations

from auditlog.models import LogEntry
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from siex.accounts.roles import Role

from . import selectors
from .models import AccessLogEntry

# Ids shown in a table cell before "and n more" (the download has them all).
IDS_SHOWN = 10


def role_labels(codes: list[str]) -> str:
    labels = []
    for code in codes or []:
        try:
            labels.append(str(Role(code).label))
        except ValueError:
            labels.append(code)
    return ", ".join(labels)


def query_text(query: dict) -> str:
    """Search and filter parameters as "name: value; name: value"."""
    parts = []
    for key, value in (query or {}).items():
        if isinstance(value, list):
            value = ", ".join(str(item) for item in value)
        parts.append(f"{key}: {value}")
    return "; ".join(parts)


def ids_summary(entry: AccessLogEntry) -> str:
    """The record ids for a table cell: the first few, or the count when the ids weren't kept."""
    if entry.object_ids is None:
        if not entry.object_count:
            return ""
        return ngettext(
            "%(count)s record (too many to list; see the filter)",
            "%(count)s records (too many to list; see the filter)",
            entry.object_count,
        ) % {"count": number_format(entry.object_count, force_grouping=True)}
    ids = [str(value) for value in entry.object_ids]
    if len(ids) <= IDS_SHOWN:
        return ", ".join(ids)
    rest = len(ids) - IDS_SHOWN
    return _("%(ids)s and %(count)s more") % {
        "ids": ", ".join(ids[:IDS_SHOWN]),
        "count": number_format(rest, force_grouping=True),
    }


def access_row(entry: AccessLogEntry) -> dict:
    return {
        "entry": entry,
        "roles": role_labels(entry.roles),
        "action": entry.get_action_display(),
        "model": selectors.model_name(entry.model),
        "ids": ids_summary(entry),
        "query": query_text(entry.query),
    }


def access_headers() -> list[str]:
    return [
        _("Time"),
        _("User"),
        _("User id"),
        _("Roles"),
        _("Action"),
        _("Kind of data"),
        _("Model label"),
        _("Records"),
        _("Record ids"),
        _("Search and filter"),
        _("Results"),
        _("Method"),
        _("Path"),
        _("Address"),
        _("Response status"),
    ]


def access_rows(entries: list[AccessLogEntry]) -> list[dict]:
    return [access_row(entry) for entry in entries]


def access_export_rows(entries: list[AccessLogEntry]) -> list[list]:
    return [access_export_row(entry) for entry in entries]


def access_export_row(entry: AccessLogEntry) -> list:
    ids = "" if entry.object_ids is None else ", ".join(str(i) for i in entry.object_ids)
    return [
        entry.timestamp,
        entry.username,
        entry.user_id,
        role_labels(entry.roles),
        entry.get_action_display(),
        selectors.model_name(entry.model),
        entry.model,
        entry.object_count,
        ids,
        query_text(entry.query),
        entry.result_count,
        entry.method,
        entry.path,
        entry.remote_addr,
        entry.status_code,
    ]


def actor_name(entry: LogEntry) -> str:
    if entry.actor is not None:
        return entry.actor.get_username()
    return entry.actor_email or _("system")


def change_rows(entries: list[LogEntry]) -> list[dict]:
    rows = []
    for entry, changes in zip(entries, selectors.field_changes(entries), strict=True):
        model = entry.content_type.model_class()
        rows.append(
            {
                "entry": entry,
                "user": actor_name(entry),
                "action": selectors.change_action_label(entry.action),
                "model": str(model._meta.verbose_name) if model else entry.content_type.model,
                "changes": changes,
            }
        )
    return rows


def change_headers() -> list[str]:
    return [
        _("Time"),
        _("User"),
        _("Action"),
        _("Kind of record"),
        _("Record id"),
        _("Record"),
        _("Field"),
        _("Old value"),
        _("New value"),
        _("Address"),
    ]


def change_export_rows(entries: list[LogEntry]) -> list[list]:
    """One row per changed field (one row for an entry without field changes)."""
    rows = []
    for row in change_rows(entries):
        entry = row["entry"]
        start = [
            entry.timestamp,
            row["user"],
            row["action"],
            row["model"],
            entry.object_id if entry.object_id is not None else entry.object_pk,
            entry.object_repr,
        ]
        end = [entry.remote_addr]
        if not row["changes"]:
            rows.append([*start, "", "", "", *end])
        for change in row["changes"]:
            rows.append([*start, change.field, change.old, change.new, *end])
    return rows
