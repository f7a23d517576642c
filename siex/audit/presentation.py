"""What the audit pages and their downloads show of a log entry: labels instead of codes."""

from __future__ import annotations

from auditlog.models import LogEntry
from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from siex.accounts.roles import Role

from . import selectors
from .masks import SEARCH_REFUSED
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


# The names of search and filter parameters as the access log shows them. A parameter not named
# here shows under its own name.
QUERY_LABELS = {
    "q": _lazy("Search text"),
    "text": _lazy("Search text"),
    "area": _lazy("District"),
    "wijk": _lazy("District"),
    "income_source": _lazy("Income source"),
    "debt_situation": _lazy("Debt situation"),
    "participation": _lazy("Participation"),
    "intervention_type": _lazy("Intervention"),
    "task": _lazy("To do"),
    "legal_basis": _lazy("Legal basis"),
    "pseudonym": _lazy("Pseudonym"),
    "reference": _lazy("Own reference"),
    "household": _lazy("Household"),
    "status": _lazy("Status"),
    "source": _lazy("Source"),
    "ordering": _lazy("Sort by"),
    "kinds": _lazy("Contents"),
    "format": _lazy("File format"),
    "user": _lazy("User"),
    "action": _lazy("Action"),
    "model": _lazy("Kind of data"),
    "record": _lazy("Record id"),
    "date_from": _lazy("From"),
    "date_until": _lazy("Until"),
}
# Parameters that name a wijk by its CBS code: the log shows its name too.
DISTRICT_PARAMETERS = frozenset({"area", "wijk"})


def query_text(query: dict, *, model: str = "", districts: dict | None = None) -> str:
    """Search and filter parameters as "Name: value; Name: value", in the page's language.

    Empty filters are left out, a wijk is named ("Centrum (WK001400)"), a choice of the logged
    model shows its label, and a search refused because it looked like a BSN says so.
    """
    parts = []
    for key, value in (query or {}).items():
        values = value if isinstance(value, list) else [value]
        shown = [
            _query_value(key, item, model, districts or {})
            for item in values
            if item not in (None, "", "None")
        ]
        if not shown:
            continue
        label = QUERY_LABELS.get(key)
        parts.append(f"{label if label is not None else key}: {', '.join(shown)}")
    return "; ".join(parts)


def _query_value(key: str, value, model: str, districts: dict) -> str:
    text = str(value)
    if text == SEARCH_REFUSED:
        return _("refused: looks like a BSN")
    if key in DISTRICT_PARAMETERS and text in districts:
        return f"{districts[text]} ({text})"
    label = selectors.choice_label(model, key, text)
    return label if label is not None else text


def _districts(entries) -> dict[str, str]:
    codes = {
        str(item)
        for entry in entries
        for key, value in (entry.query or {}).items()
        if key in DISTRICT_PARAMETERS
        for item in (value if isinstance(value, list) else [value])
    }
    return selectors.district_names(codes)


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


def access_row(entry: AccessLogEntry, districts: dict | None = None) -> dict:
    return {
        "entry": entry,
        "roles": role_labels(entry.roles),
        "action": entry.get_action_display(),
        "model": selectors.model_name(entry.model),
        "ids": ids_summary(entry),
        "query": query_text(entry.query, model=entry.model, districts=districts),
    }


def access_headers() -> list[str]:
    return [
        time_header(),
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


def time_header() -> str:
    """The time column of a download, with the time zone its times are in."""
    return _("Time (%(zone)s)") % {"zone": settings.TIME_ZONE}


def access_rows(entries: list[AccessLogEntry]) -> list[dict]:
    districts = _districts(entries)
    return [access_row(entry, districts) for entry in entries]


def access_export_rows(entries: list[AccessLogEntry]) -> list[list]:
    districts = _districts(entries)
    return [access_export_row(entry, districts) for entry in entries]


def access_export_row(entry: AccessLogEntry, districts: dict | None = None) -> list:
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
        query_text(entry.query, model=entry.model, districts=districts),
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
        time_header(),
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
