"""The access log of household data read through the API: every list, search and detail of a
household-level endpoint (``AccessLoggedMixin``)."""

from __future__ import annotations

from rest_framework.response import Response

from .services import log_access

# Query parameters that page through results rather than select them.
_PAGING_PARAMETERS = frozenset({"cursor", "page", "page_size", "format"})
# Parameters that sort rather than select: a sorted list is not a search.
_ORDERING_PARAMETERS = frozenset({"ordering"})
# Filter values that are never logged: the municipality's own reference identifies a person.
_MASKED_PARAMETERS = frozenset({"reference"})


def logged_query(query_params) -> dict:
    """The filter parameters of a request as the access log keeps them (references masked)."""
    logged = {}
    for key in sorted(query_params):
        if key in _PAGING_PARAMETERS:
            continue
        values = ["***" if key in _MASKED_PARAMETERS else v for v in query_params.getlist(key)]
        logged[key] = values[0] if len(values) == 1 else values
    return logged


class AccessLoggedMixin:
    """Logs every read of household data through the API: the list or search (with the ids on
    the page) and the detail (with its id). One place for every household-level viewset."""

    def _log(self, request, *, action: str, object_ids, result_count=None, query=None) -> None:
        log_access(
            request,
            action=action,
            model=self.get_queryset().model._meta.label_lower,
            object_ids=object_ids,
            query=query,
            result_count=result_count,
        )

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self._shown_ids = [row.pk for row in page] if page is not None else None
        return page

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        query = logged_query(request.query_params)
        ids = self._shown_ids
        if ids is None:  # not paginated: the whole (filtered) result was shown
            ids = [row["id"] for row in response.data]
        # A cursor page does not count its matches (no COUNT over the register): None.
        page = getattr(self.paginator, "page", None)
        self._log(
            request,
            action="search" if set(query) - _ORDERING_PARAMETERS else "list",
            object_ids=ids,
            query=query,
            result_count=page.paginator.count if hasattr(page, "paginator") else None,
        )
        return response

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        data = self.get_serializer(instance).data
        self._log(request, action="view", object_ids=[instance.pk])
        return Response(data)
