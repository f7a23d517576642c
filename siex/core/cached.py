"""Figures computed from many rows, kept in Django's cache (Redis on the real stack, the process's
memory in the embedded default) under a *generation* of the data they are computed from.

A generation is a random token per kind of data ("register"): every change to that data bumps
it (a new token), so a figure cached under the old token is never read again. A page therefore
never shows a figure older than the data, however long the cache keeps it:

- a write outside a transaction bumps at once (its rows are committed already);
- a write inside a transaction bumps when the transaction commits, and until then the thread
  that writes computes the figures itself, without the cache (it sees its own uncommitted rows;
  nobody else does yet, so what others cache meanwhile is what is committed);
- a generation the cache lost (evicted, restarted) starts again with a new random token, never
  with one that was used before.

Writes that send no model signals (bulk creates, ``QuerySet.update``, COPY, TRUNCATE) call
``bump`` themselves. When the cache cannot be reached the figures are computed as if there were
no cache (and the problem is logged, at most once a minute); every cached figure also expires
after ``timeout`` seconds, which bounds what a bump lost to an unreachable cache can cost.
The generation has to be shared by every process that writes or reads: a cache per process
(locmem) is right for the embedded default's single server process, Redis for the real stack.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction

logger = logging.getLogger(__name__)

T = TypeVar("T")
PREFIX = "siex:cached"
#: Seconds a cached figure is kept at most.
DEFAULT_TIMEOUT = 15 * 60
#: After the cache failed, seconds this process computes without it before it tries again.
RETRY_AFTER = 60.0
_MISSING = object()
_down_until = [0.0]


def _key(*parts: Any) -> str:
    """The cache key of ``parts``, under the database's name (two installations that share a
    Redis never read each other's figures), without spaces or control characters."""
    database = settings.DATABASES["default"]["NAME"]
    text = ":".join([PREFIX, str(database), *map(str, parts)])
    return "".join(c if c.isprintable() and not c.isspace() else "_" for c in text)


def _cache_failed(error: Exception) -> None:
    if time.monotonic() >= _down_until[0]:
        logger.warning("Cached figures computed without the cache: it is unreachable (%s)", error)
    _down_until[0] = time.monotonic() + RETRY_AFTER


def _cache_usable() -> bool:
    return time.monotonic() >= _down_until[0]


def _pending() -> set[str]:
    """The generations this thread's open transaction has changed (bumped when it commits)."""
    pending = getattr(connection, "_siex_pending_generations", None)
    if pending is None:
        pending = set()
        connection._siex_pending_generations = pending
    if pending and not connection.in_atomic_block:
        pending.clear()  # that transaction ended without committing: nothing changed
    return pending


def _renew(name: str) -> None:
    try:
        cache.set(_key("generation", name), secrets.token_hex(8), None)
    except Exception as error:  # noqa: BLE001 - any cache failure: the figures expire on their own
        _cache_failed(error)


def generation(name: str) -> str | None:
    """The current token of ``name``, made when the cache has none; None without a cache."""
    if not _cache_usable():
        return None
    key = _key("generation", name)
    try:
        token = cache.get(key)
        if token is None:
            cache.add(key, secrets.token_hex(8), None)
            token = cache.get(key)
    except Exception as error:  # noqa: BLE001
        _cache_failed(error)
        return None
    return token


def bump(*names: str) -> None:
    """``names``' data changed: figures cached from it are no longer read (see the module)."""
    if not connection.in_atomic_block:
        for name in names:
            _renew(name)
        return
    pending = _pending()
    pending.update(names)

    def committed() -> None:
        for name in names:
            if name in pending:  # the first callback of the commit renews, the others find it done
                pending.discard(name)
                _renew(name)

    # One callback per change, not per transaction: a callback registered inside a savepoint that
    # is rolled back is dropped, and a later change in the transaction must still renew.
    transaction.on_commit(committed)


def cached(
    name: str | tuple[str, ...], key: str, compute: Callable[[], T], timeout: int = DEFAULT_TIMEOUT
) -> T:
    """``compute()``, cached under the current generation of ``name`` (or of each of several
    names: a change to any of them makes it compute again) as ``key``."""
    names = (name,) if isinstance(name, str) else tuple(sorted(set(name)))
    if not names or _pending().intersection(names):
        return compute()
    tokens = [generation(one) for one in names]
    if None in tokens:
        return compute()
    full = _key(*(f"{one}={token}" for one, token in zip(names, tokens, strict=True)), key)
    try:
        value = cache.get(full, _MISSING)
    except Exception as error:  # noqa: BLE001
        _cache_failed(error)
        return compute()
    if value is not _MISSING:
        return value
    value = compute()
    try:
        cache.set(full, value, timeout)
    except Exception as error:  # noqa: BLE001
        _cache_failed(error)
    return value


def cached_forever(key: str, compute: Callable[[], T], timeout: int = 24 * 3600) -> T:
    """``compute()`` of something that never changes once it exists (a finished run's results),
    cached as ``key``: the key must name everything it depends on."""
    if not _cache_usable():
        return compute()
    full = _key("fixed", key)
    try:
        value = cache.get(full, _MISSING)
    except Exception as error:  # noqa: BLE001
        _cache_failed(error)
        return compute()
    if value is not _MISSING:
        return value
    value = compute()
    try:
        cache.set(full, value, timeout)
    except Exception as error:  # noqa: BLE001
        _cache_failed(error)
    return value
