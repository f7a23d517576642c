"""Pagination of the API: numbered pages for the small tables, cursor pages for the register.

Its own module (re-exported by ``siex.core.api``): REST framework imports the default pagination
class while it defines its generic views, so this module must not import those views."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, pagination
from rest_framework.exceptions import NotFound

MAX_PAGE_SIZE = 200


# --- pagination -----------------------------------------------------------------------------------


def _whole_number(request, name: str) -> int | None:
    """A query parameter that must be a whole number of 1 or more: None when it is not sent, a
    400 with a message when it is anything else (0, -1, 1.5, false, a number of 30 digits)."""
    raw = request.query_params.get(name)
    if raw is None:
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 9 and int(raw) >= 1):
        raise exceptions.ValidationError({name: [_("Enter a whole number of 1 or more.")]})
    return int(raw)


class _CheckedPageSize:
    """page_size must be a whole number of 1 or more (a 400 otherwise, where DRF would quietly
    use the default page); above the maximum it gives the maximum."""

    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request):
        size = _whole_number(request, self.page_size_query_param)
        return self.page_size if size is None else min(size, self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["minimum"] = 1
                parameter["description"] = (
                    "Number of results to return per page (1 or more; at most "
                    f"{self.max_page_size} are returned)."
                )
        return parameters


class NumberedPagination(pagination.PageNumberPagination):
    """Numbered pages (the default of lists that are not the register's): page must be a whole
    number of 1 or more (a 400 otherwise); a page after the last one is a 404."""

    invalid_page_message = gettext_lazy("There is no such page.")

    def get_page_number(self, request, paginator):
        number = _whole_number(request, self.page_query_param)
        return 1 if number is None else number

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
                parameter["description"] = (
                    "A page number (1 or more); a page after the last one is a 404."
                )
        return parameters


class PageNumberPagination(_CheckedPageSize, NumberedPagination):
    """Numbered pages for the small tables (catalogue, areas, scenarios): these may be counted."""


def _cursor_value(value):
    """A position value as JSON: dates and times in ISO format, to the microsecond."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


class KeysetPagination(_CheckedPageSize, pagination.CursorPagination):
    """Cursor pages for the large tables (households, interventions): no COUNT, no OFFSET.

    Pages follow the ordering of the queryset they are given (the view's default or the
    ``ordering`` filter) with the primary key added as tie-breaker, and the cursor holds the
    values of *all* ordering fields of the last row. DRF's own CursorPagination positions on the
    first field only and skips ties with an offset it caps at 1,000; ordered by wijk (some 1,500
    households each at municipality scale) it would repeat pages. Here every position is unique,
    so the next page is simply "the rows after this one" (an index range scan).

    Fields to order on must not be nullable: SQL places NULLs differently per database.
    """

    ordering = ("-pk",)

    def get_ordering(self, request, queryset, view):
        ordering = list(queryset.query.order_by) or list(self.ordering)
        if not all(isinstance(field, str) and field != "?" for field in ordering):
            raise ImproperlyConfigured("KeysetPagination orders on field names only.")
        # The primary key ends the ordering: fields after it could never change the order.
        keys = []
        for field in ordering:
            name = field.lstrip("-")
            if name in ("pk", "id"):
                keys.append("-pk" if field.startswith("-") else "pk")
                break
            keys.append(field)
        else:
            keys.append("-pk" if keys[0].startswith("-") else "pk")
        return tuple(keys)

    @staticmethod
    def _value(instance, path: str):
        value = instance
        for part in path.split("__"):
            value = getattr(value, part)
        return value

    def _get_position_from_instance(self, instance, ordering):
        values = [self._value(instance, field.lstrip("-")) for field in ordering]
        if any(value is None for value in values):
            raise ImproperlyConfigured(f"KeysetPagination cannot order on a NULL: {ordering}")
        return json.dumps([_cursor_value(value) for value in values], separators=(",", ":"))

    def _after(self, position: str, *, reverse: bool) -> Q:
        """Rows after ``position`` in the ordering (before it when paging back)."""
        try:
            values = json.loads(position)
        except ValueError:
            raise NotFound(self.invalid_cursor_message) from None
        if not isinstance(values, list) or len(values) != len(self.ordering):
            # A cursor made for another ordering.
            raise NotFound(self.invalid_cursor_message)
        condition = Q()
        equal = Q()
        for field, value in zip(self.ordering, values, strict=True):
            name = field.lstrip("-")
            descending = field.startswith("-") != reverse
            condition |= equal & Q(**{f"{name}__{'lt' if descending else 'gt'}": value})
            equal &= Q(**{name: value})
        return condition

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.page_size = self.get_page_size(request)
        self.base_url = request.build_absolute_uri()
        self.ordering = self.get_ordering(request, queryset, view)
        self.cursor = self.decode_cursor(request)
        reverse = bool(self.cursor and self.cursor.reverse)
        current = self.cursor.position if self.cursor else None

        if reverse:
            queryset = queryset.order_by(*pagination._reverse_ordering(self.ordering))
        else:
            queryset = queryset.order_by(*self.ordering)
        if current is not None:
            try:
                queryset = queryset.filter(self._after(current, reverse=reverse))
                # One row more than the page tells whether another page follows.
                results = list(queryset[: self.page_size + 1])
            except (TypeError, ValueError, DjangoValidationError):
                # A cursor tampered with: values that do not fit the fields.
                raise NotFound(self.invalid_cursor_message) from None
        else:
            results = list(queryset[: self.page_size + 1])
        self.page = results[: self.page_size]
        following = (
            self._get_position_from_instance(results[-1], self.ordering)
            if len(results) > len(self.page)
            else None
        )
        if reverse:
            self.page.reverse()
            self.has_next, self.has_previous = current is not None, following is not None
            self.next_position, self.previous_position = current, following
        else:
            self.has_next, self.has_previous = following is not None, current is not None
            self.next_position, self.previous_position = following, current
        self.display_page_controls = False
        return self.page

    def get_next_link(self):
        if not self.has_next:
            return None
        position = (
            self._get_position_from_instance(self.page[-1], self.ordering)
            if self.page
            else self.next_position
        )
        return self.encode_cursor(pagination.Cursor(offset=0, reverse=False, position=position))

    def get_previous_link(self):
        if not self.has_previous:
            return None
        position = (
            self._get_position_from_instance(self.page[0], self.ordering)
            if self.page
            else self.previous_position
        )
        return self.encode_cursor(pagination.Cursor(offset=0, reverse=True, position=position))
