"""The access log of household data: who read, searched or exported which records, when, from where.

``log_access`` records one read. Inside a request it only collects the entry; the
``AccessLogMiddleware`` writes the request's entries after the response, outside the view's
transaction (see ``middleware.py`` for why and how). Outside a request cycle — a test with
``RequestFactory``, a streaming response that logs after the middleware finished — the entry is
written at once.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import math
from collections.abc import Iterable, Sized
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from itertools import islice

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from siex.accounts.selectors import user_roles

from .masks import MASK, SEARCH_REFUSED, SENSITIVE_PARAMETER
from .models import MAX_STORED_IDS, AccessAction, AccessLogEntry

logger = logging.getLogger("siex.audit")

# The attribute of the request that collects its entries until the middleware writes them.
REQUEST_ATTRIBUTE = "_siex_access_log"
# Form plumbing, not a search parameter.
IGNORED_PARAMETERS = frozenset({"csrfmiddlewaretoken"})


class AccessLogWriteError(Exception):
    """The access log could not be written; the entries were reported to the error log."""


@dataclass
class AccessLogBuffer:
    """The entries of one request, written together when the response is ready."""

    entries: list[AccessLogEntry] = field(default_factory=list)
    open: bool = True
    status_code: int | None = None


def log_access(
    request,
    *,
    action: str,
    model: str,
    object_ids: Iterable[int] = (),
    query: dict | None = None,
    result_count: int | None = None,
) -> None:
    """Record that ``request.user`` read household data.

    ``action`` is one of "view", "list", "search", "export", "import"; ``model`` a model label
    such as "interventions.household"; ``object_ids`` the primary keys shown or exported;
    ``query`` the search and filter parameters (never a raw external reference); ``result_count``
    how many records matched. The entry is written after the response, outside the request's
    transaction, so a failed or rolled-back request is still logged.

    More than ``MAX_STORED_IDS`` ids are not stored one by one: the entry keeps their number and
    the query. Any parameter whose name contains "reference" is stored as "***", in the query and
    in the path; the path never includes the query string.
    """
    entry = _entry_build(
        request,
        action=action,
        model=model,
        object_ids=object_ids,
        query=query,
        result_count=result_count,
    )
    buffer = getattr(request, REQUEST_ATTRIBUTE, None)
    if isinstance(buffer, AccessLogBuffer) and buffer.open:
        buffer.entries.append(entry)
        return
    entry.status_code = buffer.status_code if isinstance(buffer, AccessLogBuffer) else None
    try:
        access_log_entries_write(entries=[entry])
    except Exception as error:
        access_log_failure_report(entries=[entry], error=error)
        raise AccessLogWriteError(str(error)) from error


def access_log_entries_write(*, entries: list[AccessLogEntry]) -> None:
    """Write entries in one insert, in a transaction of their own.

    In autocommit (every request: ATOMIC_REQUESTS is off, and the middleware runs after any
    transaction the view opened has ended) the insert is its own short transaction, ``durable``
    so that it can never silently become part of someone else's. If the connection is inside an
    atomic block after all — a caller that wraps the whole request in a transaction, or a test —
    the entries are written at once in a savepoint of it: see ``middleware.py`` for why this and
    not ``on_commit``.
    """
    if not entries:
        return
    in_atomic_block = transaction.get_connection().in_atomic_block
    with transaction.atomic(durable=not in_atomic_block):
        AccessLogEntry.objects.bulk_create(entries)


def access_log_failure_report(*, entries: list[AccessLogEntry], error: BaseException) -> None:
    """Put entries that could not be written into the error log, complete, so none is lost."""
    logger.error(
        "The access log could not be written (%s: %s); entries: %s",
        type(error).__name__,
        error,
        json.dumps([_entry_as_dict(entry) for entry in entries], ensure_ascii=False),
    )


def client_address(request) -> str | None:
    """The client's address: REMOTE_ADDR, or with ``SIEX_TRUST_X_FORWARDED_FOR`` the last address
    in X-Forwarded-For (the one the reverse proxy in front of SIEX added; anything to its left
    was sent by the client and could be forged)."""
    if settings.SIEX_TRUST_X_FORWARDED_FOR:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if forwarded and (address := _valid_address(forwarded[-1])):
            return address
    return _valid_address(request.META.get("REMOTE_ADDR", ""))


def masked_query(query) -> dict:
    """Search and filter parameters as JSON, with every reference masked and empty ones left out."""
    if query is None:
        return {}
    if hasattr(query, "lists"):  # a QueryDict: one value, or a list when repeated
        query = {key: values[0] if len(values) == 1 else values for key, values in query.lists()}
    # An empty filter selected nothing: it is left out ("wijk: None" says nothing).
    return {
        str(key): _masked(key, value)
        for key, value in dict(query).items()
        if key not in IGNORED_PARAMETERS and value not in (None, "", [])
    }


def safe_path(request) -> str:
    """The request path without its query string, with any reference in the URL masked."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    for key, value in match.kwargs.items() if match else ():
        if SENSITIVE_PARAMETER in key.lower() and str(value):
            path = path.replace(str(value), MASK)
    return path[:500]


# --- Helpers --------------------------------------------------------------------------------------


def _entry_build(request, *, action, model, object_ids, query, result_count) -> AccessLogEntry:
    if action not in AccessAction.values:
        raise ValueError(f"Unknown access action {action!r}; use one of {AccessAction.values}.")
    user = getattr(request, "user", None)
    account = user if user is not None and user.is_authenticated else None
    ids, count = _ids(object_ids)
    return AccessLogEntry(
        timestamp=timezone.now(),
        user_id=account.pk if account is not None else None,
        username=account.get_username() if account is not None else "",
        roles=[role.value for role in user_roles(account)] if account is not None else [],
        action=action,
        model=model.lower(),
        object_ids=ids,
        object_count=count,
        query=masked_query(query),
        result_count=result_count,
        method=request.method or "",
        path=safe_path(request),
        remote_addr=client_address(request),
    )


def _ids(object_ids: Iterable) -> tuple[list | None, int]:
    """The ids to store (None above the cap) and how many there are."""
    if isinstance(object_ids, models.QuerySet):
        head = list(object_ids[: MAX_STORED_IDS + 1])
        count = len(head) if len(head) <= MAX_STORED_IDS else object_ids.count()
    else:
        iterator = iter(object_ids)
        head = list(islice(iterator, MAX_STORED_IDS + 1))
        if len(head) <= MAX_STORED_IDS:
            count = len(head)
        elif isinstance(object_ids, Sized):
            count = len(object_ids)
        else:
            count = len(head) + sum(1 for _ in iterator)
    if count > MAX_STORED_IDS:
        return None, count
    return [_id(value) for value in head], count


def _id(value):
    if isinstance(value, models.Model):
        value = value.pk
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return value
    try:
        return int(str(value))
    except ValueError:
        return str(value)


def _masked(key, value):
    # A refused search is recorded as refused; what was typed is not in the entry at all.
    if value == SEARCH_REFUSED:
        return value
    if SENSITIVE_PARAMETER in str(key).lower() and value not in (None, "", [], ()):
        return MASK
    return _jsonable(value)


def _jsonable(value):
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, dict):
        return {str(key): _masked(key, item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(item) for item in value]
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return str(value)


def _valid_address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def _entry_as_dict(entry: AccessLogEntry) -> dict:
    return {
        "timestamp": entry.timestamp.isoformat() if entry.timestamp else None,
        "user_id": entry.user_id,
        "username": entry.username,
        "roles": entry.roles,
        "action": entry.action,
        "model": entry.model,
        "object_ids": entry.object_ids,
        "object_count": entry.object_count,
        "query": entry.query,
        "result_count": entry.result_count,
        "method": entry.method,
        "path": entry.path,
        "remote_addr": entry.remote_addr,
        "status_code": entry.status_code,
    }
