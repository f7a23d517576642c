"""REST framework plumbing shared by the apps: errors, filters, pagination and the OpenAPI
description of these. The access log of household data read through the API is
``siex.audit.api``."""

from __future__ import annotations

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, pagination, serializers, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from siex.core.pagination import (  # noqa: F401  (the apps import them from here)
    MAX_PAGE_SIZE,
    KeysetPagination,
    NumberedPagination,
    PageNumberPagination,
)
from siex.core.versioning import ConflictError

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
        "sentences; for a field holding a list or an object, the messages per position or key "
        "of it; for a body that cannot be read at all, one `detail` sentence."
    ),
    "additionalProperties": {
        "oneOf": [
            {
                "type": "array",
                "items": {
                    "oneOf": [
                        {"type": "string"},
                        {"type": "object", "description": "Messages per field of an item."},
                    ]
                },
            },
            {"type": "object", "description": "Messages per position or key of the field."},
            {"type": "string", "description": "detail: what could not be read."},
        ]
    },
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
        query = {
            parameter["name"] for parameter in self._get_parameters() if parameter["in"] == "query"
        }
        if (
            method in ("POST", "PUT", "PATCH")
            or (method == "GET" and filters and not is_detail)
            or query
        ):
            errors["400"] = OpenApiResponse(
                VALIDATION_ERROR_SCHEMA, "Invalid input, filter or parameter: messages per field."
            )
        paginator = self._get_paginator() if method == "GET" and self._is_list_view() else None
        if method in ("POST", "PUT", "PATCH"):
            errors["415"] = OpenApiResponse(
                ErrorSerializer, "The body is not JSON, a form or multipart form data."
            )
        if is_detail:
            errors["404"] = OpenApiResponse(ErrorSerializer, "No such record.")
        elif isinstance(paginator, KeysetPagination):
            errors["404"] = OpenApiResponse(ErrorSerializer, "Invalid cursor.")
        elif isinstance(paginator, pagination.PageNumberPagination):
            errors["404"] = OpenApiResponse(ErrorSerializer, "No such page (after the last one).")
        if (
            (method in ("PUT", "PATCH") or (method == "POST" and is_detail))
            and self._sends_version()
        ) or (method == "DELETE" and "version" in query):
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
