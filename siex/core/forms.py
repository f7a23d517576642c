"""Form pieces every part of SIEX shares: numbers typed with a decimal comma, the version a user
read (optimistic locking), a JSON file upload, lists of rows, and a service's errors put on a form.
"""

from __future__ import annotations

import json
import math
import re
import sys
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _

#: The largest JSON file (scenario, catalogue) an upload accepts.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024

_GROUPED = re.compile(r"[-+]?(\d+)([.,])(\d{3})")

NUMBER_INVALID = _("Enter a number, for example 2500 or 0,25 (no thousands separator).")


def looks_grouped(value: str) -> bool:
    """ "1.000" in Dutch (or "1,000" in English) is a thousand written with a separator: refused
    rather than read as 1. "0.025" and "2.25" are plain decimals."""
    match = _GROUPED.fullmatch(value)
    return bool(
        match and match.group(2) == get_format("THOUSAND_SEPARATOR") and int(match.group(1)) != 0
    )


def number_text(value: str, error: ValidationError) -> str:
    """A number as typed (2,25 or 2.25, spaces and a typographic minus allowed) in the form Python
    reads; ``error`` when it has more than one separator or a thousands separator."""
    value = value.strip().replace(" ", "").replace("\u00a0", "").replace("−", "-")
    if value.count(",") + value.count(".") > 1 or looks_grouped(value):
        raise error
    return value.replace(",", ".")


class VersionLockForm(forms.Form):
    """The version of the record the user read (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class _NotJsonConstant(ValueError):
    """NaN, Infinity or -Infinity: Python's reader accepts them, JSON (and PostgreSQL) do not."""


class _NumberTooLarge(ValueError):
    """A decimal beyond the largest float (1e999): it would be read as infinity."""


def _no_constant(word: str):
    raise _NotJsonConstant(word)


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _NumberTooLarge(text)
    return value


def json_document(raw: bytes) -> Any:
    """The content of a JSON file (a scenario or catalogue file, uploaded or read by a command),
    or a ValidationError that says what is wrong with it: not UTF-8, not JSON (NaN and Infinity
    are not JSON either), a number too large to read (a decimal beyond 1e308, a whole number
    longer than Python reads), or nesting too deep."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(
            _("The file is not a text file in UTF-8: is it really a JSON file?"),
            code="not_text",
        ) from error
    try:
        return json.loads(text, parse_constant=_no_constant, parse_float=_finite_float)
    except json.JSONDecodeError as error:
        raise ValidationError(
            _("The file is not valid JSON: %(problem)s (line %(line)s, column %(column)s).")
            % {"problem": error.msg, "line": error.lineno, "column": error.colno},
            code="not_json",
        ) from error
    except _NotJsonConstant as error:
        raise ValidationError(
            _("The file is not valid JSON: %(word)s is not a number in JSON.")
            % {"word": str(error)},
            code="not_json",
        ) from error
    except _NumberTooLarge as error:
        raise ValidationError(
            _("The file holds a number too large to be read: %(number)s.")
            % {"number": str(error)[:40]},
            code="not_json",
        ) from error
    except RecursionError as error:
        raise ValidationError(
            _("The file has lists or objects nested too deeply inside each other to be read."),
            code="too_deep",
        ) from error
    except ValueError as error:  # Python reads whole numbers of a limited number of digits
        raise ValidationError(
            _(
                "The file holds a whole number of more than %(digits)s digits; no figure in "
                "SIEX needs that many."
            )
            % {"digits": sys.get_int_max_str_digits()},
            code="too_many_digits",
        ) from error


class JsonUploadForm(forms.Form):
    """An upload of a JSON document (``file``, declared by the subclass with its own label); the
    parsed document is in ``cleaned_data["document"]``."""

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(_("The file is larger than 5 MB."), code="too_large")
        self.cleaned_data["document"] = json_document(upload.read())
        return upload


class RowFormSet(forms.BaseFormSet):
    """A list of rows. Blank new rows are left out, rows marked for deletion too."""

    title = ""

    def row(self, form) -> dict:
        return {name: value for name, value in form.cleaned_data.items() if name != "DELETE"}

    def rows(self) -> tuple[list[dict], list[int]]:
        """The rows, and for each the index of the form it came from (so that a message about
        row 3 of the list lands on the right form)."""
        rows, used = [], []
        for index, form in enumerate(self.forms):
            kept = index < self.initial_form_count() or form.has_changed()
            if not kept or (self.can_delete and self._should_delete_form(form)):
                continue
            rows.append(self.row(form))
            used.append(index)
        return rows, used


def row_formset(form_class, title, *, extra: int, max_num: int, formset=RowFormSet):
    """A formset class of ``form_class`` rows with a title for its fieldset."""
    formset_class = forms.formset_factory(
        form_class,
        formset=formset,
        extra=extra,
        can_delete=True,
        max_num=max_num,
        validate_max=True,
    )
    formset_class.title = title
    return formset_class


def apply_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on ``form``: per field where it names one of the form's
    fields, otherwise at the top of the form (with the name it gave)."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            if field in form.fields:
                form.add_error(field, messages)
            else:
                prefix = "" if field == "__all__" else f"{field}: "
                form.add_error(None, [prefix + message for message in messages])
    else:
        form.add_error(None, error.messages)
