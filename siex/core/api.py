"""REST framework plumbing shared by the apps: errors, filters, pagination and the OpenAPI
description of these. The access log of household data read through the API is
``siex.audit.api``."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError, Q
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, pagination, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from siex.core.versioning import ConflictError

MAX_PAGE_SIZE = 200

# --- errors ---------------------------------------------------------------------------------------


def exception_handler(exc, context):
    """A service's ValidationError is a 400 with messages per field; a version conflict a 409."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, ConflictError):
        return Response(
            {"detail": str(exc), "current_version": exc.current.version},
            status=status.HTTP_409_CONFLICT,
        )
    elif isinstance(exc, ProtectedError):
        return Response(
            {"detail": _("This record is still in use and cannot be deleted.")},
            status=status.HTTP_409_CONFLICT,
        )
    return drf_exception_handler(exc, context)


# --- filters ------------------------------------------------------------------------------------


class _TrueOrFalseField(forms.NullBooleanField):
    """true/false (or 1/0); anything else is an error rather than silently no filter."""

    widget = forms.TextInput

    def to_python(self, value):
        if value in (None, ""):
            return None
        answer = {"true": True, "1": True, "false": False, "0": False}.get(str(value).lower())
        if answer is None:
            raise DjangoValidationError(_("Enter true or false."), code="invalid")
        return answer

    def validate(self, value):
        pass


class BooleanFilter(django_filters.BooleanFilter):
    field_class = _TrueOrFalseField


# --- pagination -----------------------------------------------------------------------------------


class PageNumberPagination(pagination.PageNumberPagination):
    """Numbered pages for the small tables (catalogue, areas, scenarios): these may be counted."""

    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE


def _cursor_value(value):
    """A position value as JSON: dates and times in ISO format, to the microsecond."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


class KeysetPagination(pagination.CursorPagination):
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
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

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


# --- OpenAPI --------------------------------------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong.")


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong and what to do.")
    current_version = serializers.IntegerField(
        required=False, help_text="The version now stored: read the record again."
    )


VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "description": (
        "Messages per field (`non_field_errors` for the record as a whole), each a list of "
        "sentences."
    ),
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
    "example": {"end_date": ["The end date (2024-04-01) lies before the start date (2024-05-01)."]},
}


class SiexAutoSchema(AutoSchema):
    """Adds the error answers every endpoint can give to each operation of the schema:
    401/403 (not signed in, not allowed), 404 (unknown record), 400 (invalid input or filter)
    and 409 (the record changed since it was read)."""

    def _sends_version(self) -> bool:
        try:
            serializer = self.get_request_serializer()
            instance = serializer() if isinstance(serializer, type) else serializer
            return instance is not None and "version" in instance.fields
        except Exception:  # a request body that cannot be introspected: no version in it
            return False

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        is_detail = "{" in self.path
        method = self.method.upper()
        errors = {
            "401": OpenApiResponse(ErrorSerializer, "Not signed in, or an unknown token."),
            "403": OpenApiResponse(
                ErrorSerializer, "Your role does not allow this (also for a record you cannot see)."
            ),
        }
        filters = getattr(self.view, "filterset_class", None) or getattr(
            self.view, "filterset_fields", None
        )
        if method in ("POST", "PUT", "PATCH") or (method == "GET" and filters and not is_detail):
            errors["400"] = OpenApiResponse(
                VALIDATION_ERROR_SCHEMA, "Invalid input or filter: messages per field."
            )
        if is_detail:
            errors["404"] = OpenApiResponse(ErrorSerializer, "No such record.")
        elif method == "GET" and isinstance(self._get_paginator(), KeysetPagination):
            errors["404"] = OpenApiResponse(ErrorSerializer, "Invalid cursor.")
        if (
            method in ("PUT", "PATCH") or (method == "POST" and is_detail)
        ) and self._sends_version():
            errors["409"] = OpenApiResponse(
                ConflictSerializer,
                "Someone changed the record since you read it: read it again (current_version).",
            )
        for code, response in errors.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(response, code)
        return dict(sorted(responses.items()))


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "rest_framework.authentication.TokenAuthentication"
    name = "tokenAuth"
    match_subclasses = True
    priority = 1

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "A token the administrator issues in the admin (Auth Token → Tokens), sent as "
                "`Authorization: Token <key>`. The token acts as its user: that user's role "
                "decides what it may do. It expires SIEX_API_TOKEN_HOURS after it was issued "
                "(30 days by default) and is revoked when its user's password changes: then 401."
            ),
        }


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "rest_framework.authentication.SessionAuthentication"
    name = "cookieAuth"
    priority = 1

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": settings.SESSION_COOKIE_NAME,
            "description": (
                "The session of a user signed in on the login page (with two-factor login where "
                "the role requires it). POST, PUT and PATCH also need the CSRF token in the "
                "`X-CSRFToken` header."
            ),
        }
