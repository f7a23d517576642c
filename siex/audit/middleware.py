"""Writes the access log of a request after its response, outside the view's transaction.

Where: right after ``AuthenticationMiddleware`` (the user is known) and before
``DenyByDefaultMiddleware``, so this middleware wraps every view, its permission check and the
conversion of a view's exception into an error response.

When: ``log_access`` collects entries on the request; this middleware writes them in one
``bulk_create`` once the response exists — also when the view raised (the response is then the
500 page, or the exception passes through here and is logged as status 500) and when the view
rolled back its own transaction (the entries never were in it). This is the pattern of Open
Formulieren's audit log: the business event is written outside the request transaction.

Which transaction: none that the view opened. ATOMIC_REQUESTS is off, and even with it on Django
wraps only the view, not the middleware; an ``atomic`` block in a view has ended before the
response reaches this point. So normally the connection is in autocommit and the insert is a
short transaction of its own (``atomic(durable=True)``: it would raise rather than join another).
If the connection is inside an atomic block after all, that block belongs to whoever called the
whole request handler (a test case, a script wrapping requests in a transaction). The entries are
then written at once, in a savepoint of that block. ``transaction.on_commit`` was considered and
rejected: its callbacks are dropped when the enclosing block rolls back — the same fate as the
savepoint's rows, so it is no more durable — and they never run inside a test case's transaction,
while an immediate write shows a failure at once. Truly independent of an enclosing transaction
would be a second database connection; no request in SIEX runs inside one, so that is not needed.

Failure: a failed write never loses entries silently — they are written, complete, to the error
log (logger ``siex.audit``). Then, for reads (GET, HEAD, OPTIONS) the middleware fails closed: the
response with household data is withheld and the user gets the 500 page, because an unlogged read
of household data is what the access log exists to prevent; the read changed nothing, so trying
again is safe. For writes (POST, ...) the change has already been committed: answering 500 would
tell the user it failed and invite a second import, so the response is kept and the error log
holds the entries.
"""

from __future__ import annotations

from auditlog.middleware import AuditlogMiddleware as BaseAuditlogMiddleware
from django.conf import settings
from django.views.defaults import server_error

from .services import (
    REQUEST_ATTRIBUTE,
    AccessLogBuffer,
    access_log_entries_write,
    access_log_failure_report,
    client_address,
)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class AccessLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        buffer = AccessLogBuffer()
        setattr(request, REQUEST_ATTRIBUTE, buffer)
        try:
            response = self.get_response(request)
        except BaseException:
            self._write(buffer, status_code=500)
            raise
        written = self._write(buffer, status_code=response.status_code)
        if not written and request.method in SAFE_METHODS:
            return server_error(request)
        return response

    @staticmethod
    def _write(buffer: AccessLogBuffer, *, status_code: int) -> bool:
        """Write the request's entries; False when that failed (and the error log has them)."""
        # Entries logged from now on (a streaming response's generator) are written at once.
        buffer.open = False
        buffer.status_code = status_code
        if not buffer.entries:
            return True
        for entry in buffer.entries:
            entry.status_code = status_code
        try:
            access_log_entries_write(entries=buffer.entries)
        except Exception as error:
            access_log_failure_report(entries=buffer.entries, error=error)
            return False
        return True


class AuditlogMiddleware(BaseAuditlogMiddleware):
    """django-auditlog's middleware with the client's address read as the access log reads it.

    django-auditlog records the first address in X-Forwarded-For whenever the header is present,
    and any client can send that header. This class, in MIDDLEWARE in place of
    ``auditlog.middleware.AuditlogMiddleware``, gives the change history the same, unforgeable
    address as the access log.
    """

    @staticmethod
    def _get_remote_addr(request):
        if settings.AUDITLOG_DISABLE_REMOTE_ADDR:
            return None
        return client_address(request)
