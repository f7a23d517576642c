"""Form pieces every part of SIEX shares: amounts, numbers, percentages and dates read and shown the
Dutch way, the version a user read (optimistic locking), a JSON file upload, lists of rows, and a
service's errors put on a form.

Every form of SIEX takes its amounts, numbers, percentages and dates from here, so that one
notation is read everywhere: the one ``siex/formats`` sets for every language of the interface
(EUR 1.200,50; 31-03-2026). A value is shown back in the same notation, so what a field shows it
can read again.
"""

from __future__ import annotations

import datetime
import json
import math
import re
import sys
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import numberformat
from django.utils.formats import get_format, number_format
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

#: The largest JSON file (scenario, catalogue) an upload accepts.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024

# --- Numbers --------------------------------------------------------------------------------------

_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_CURRENCY = re.compile(r"^(?:EUR|€)", re.IGNORECASE)
_MINUS_SIGNS = ("\u2212", "\u2013")  # the typographic minus and the en dash a word processor makes

AMOUNT_EXAMPLE = _(
    "For example 1.200,50: a point between thousands, a comma before the cents (1200.50 is read "
    "as 1.200,50 too)."
)
DATE_EXAMPLE = _("For example 31-03-2026 (day-month-year).")


def parse_number(text: str, *, currency: bool = False, percent: bool = False) -> Decimal:
    """A number as written the Dutch way: 1.200,50 · 12,5 · 1.200 · −5. ValueError otherwise.

    A thousands separator stands between groups of exactly three digits (1.200 is twelve hundred);
    a single point that cannot be one is a decimal point (1200.50, 0.025). Spaces do not count.
    With ``currency`` a leading "EUR" or "€" and a trailing ",-" are allowed, with ``percent`` a
    trailing "%". Exponents (1e3), two decimal separators (12,5,0), the English grouping
    (1,200.50) and anything else are refused, never guessed at.
    """
    point = re.escape(get_format("DECIMAL_SEPARATOR"))
    thousands = get_format("THOUSAND_SEPARATOR")
    value = _SPACES.sub("", text)
    for minus in _MINUS_SIGNS:
        value = value.replace(minus, "-")
    sign, value = _sign(value)
    if currency:
        value = _CURRENCY.sub("", value)
        if not sign:
            sign, value = _sign(value)
        value = value.removesuffix(get_format("DECIMAL_SEPARATOR") + "-")
    if percent:
        value = value.removesuffix("%")
    grouped = rf"[1-9]\d{{0,2}}(?:{re.escape(thousands)}\d{{3}})+"
    match = re.fullmatch(rf"(?P<whole>{grouped}|\d+)?(?:{point}(?P<fraction>\d+))?", value)
    if not (match and (match["whole"] or match["fraction"])):
        match = re.fullmatch(rf"(?P<whole>\d+){re.escape(thousands)}(?P<fraction>\d+)", value)
        if not match:
            raise ValueError(text)
    whole = (match["whole"] or "0").replace(thousands, "")
    fraction = match["fraction"]
    return Decimal(f"{sign}{whole}.{fraction}" if fraction else f"{sign}{whole}")


def _sign(value: str) -> tuple[str, str]:
    if value[:1] in ("-", "+"):
        return value[:1], value[1:]
    return "", value


def format_number(value, *, decimals: int | None = None, grouping: bool = True) -> str:
    """A number the way ``parse_number`` reads it back: 1.200,50 (with ``decimals`` 2), 0,0225,
    12.500 (without, no trailing zeros)."""
    number = Decimal(str(value))
    if decimals is None:
        number = number.normalize()
        places = max(0, -number.as_tuple().exponent)
    else:
        places = decimals
    if not grouping:  # a year: 2026, never 2.026
        return numberformat.format(number, get_format("DECIMAL_SEPARATOR"), places, grouping=0)
    return number_format(number, decimal_pos=places, use_l10n=True, force_grouping=True)


class NumberInput(forms.TextInput):
    """A text box for a number (not ``type="number"``: its reading of 12,50 and abc follows the
    browser's language, and it sends nothing at all for what it cannot read). Brings up a numeric
    keyboard on phones; ``suffix`` (%) is shown after the box."""

    def __init__(self, attrs=None, *, decimals=None, grouping=True, suffix=""):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})
        self.decimals = decimals
        self.grouping = grouping
        self.suffix = suffix

    def format_value(self, value):
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            return format_number(value, decimals=self.decimals, grouping=self.grouping)
        return super().format_value(value)

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        if not self.suffix:
            return html
        return format_html(
            '<span class="input-unit">{}<span class="input-unit__suffix" aria-hidden="true">{}'
            "</span></span>",
            html,
            self.suffix,
        )


def _with_example(help_text, example):
    return format_lazy("{} {}", help_text, example) if help_text else example


LIMIT_MESSAGES = {
    "min_value": _("Enter %(limit)s or more."),
    "max_value": _("Enter %(limit)s or less."),
}


def _limit_message(template, limit, suffix: str) -> str:
    # Written out in the page's notation (20%, 10.000); the validator's own parameters are then
    # no longer needed, so a % in the text is escaped for them.
    return (str(template) % {"limit": format_number(limit) + suffix}).replace("%", "%%")


_limit_message_lazy = lazy(_limit_message, str)


class _ReadsDutchNumbers:
    """What every number field shares: the text it reads, the box it shows, no browser checks."""

    widget = NumberInput
    currency = False
    percent = False
    example = None
    #: Shown after the box (%).
    suffix = ""

    def _setup(self, *, grouping: bool, decimals: int | None) -> None:
        self.widget.grouping = grouping
        self.widget.decimals = decimals
        self.widget.suffix = self.suffix
        if self.example is not None:
            self.help_text = _with_example(self.help_text, self.example)
        # The limits said in the page's notation (20%, 10.000). The field's own messages for
        # them go, so that a model's message about its own limit keeps its words.
        limits = {"min_value": MinValueValidator, "max_value": MaxValueValidator}
        self.validators = [v for v in self.validators if type(v) not in limits.values()]
        for code, validator in limits.items():
            self.error_messages.pop(code, None)
            limit = getattr(self, code)
            if limit is not None:
                message = _limit_message_lazy(LIMIT_MESSAGES[code], limit, self.suffix)
                self.validators.append(validator(limit, message))

    def _read(self, value):
        """The typed text as a Decimal; None for nothing typed."""
        if value in self.empty_values:
            return None
        if isinstance(value, str):
            if not value.strip():
                return None
            try:
                return parse_number(value, currency=self.currency, percent=self.percent)
            except (ValueError, InvalidOperation):
                raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        return value

    def widget_attrs(self, widget):
        # No min, max or step: a text box has no use for them, and the browser's own messages (in
        # the browser's language) would come before ours.
        return {}


class NumberField(_ReadsDutchNumbers, forms.DecimalField):
    """A number written the Dutch way (``parse_number``). The value is a Decimal, or with
    ``as_float`` the int or float a scenario document holds."""

    default_error_messages = {"invalid": _("Enter a number, for example 2,5 or 1.200.")}

    def __init__(self, *, as_float=False, grouping=True, shown_decimals=None, **kwargs):
        self.as_float = as_float
        super().__init__(**kwargs)
        self._setup(grouping=grouping, decimals=shown_decimals)

    def to_python(self, value):
        value = self._read(value)
        if value is None:
            return None
        value = super().to_python(value)
        if not self.currency and value.as_tuple().exponent < 0:
            # 60,00% is 60%: zeros at the end say nothing. (An amount keeps them: "1,200" is
            # refused for its three decimals rather than read as 1,20 where 1.200 was meant.)
            value = value.normalize()
            if value.as_tuple().exponent > 0:
                value = value.quantize(Decimal(1))
        return value

    def shown(self, value):
        """A stored value in the units the box shows (the same, except for fractions shown as a
        percentage)."""
        return value

    def stored(self, value):
        """A value read from the box in the units it is kept in."""
        return value

    def prepare_value(self, value):
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            return self.shown(Decimal(str(value)))
        return value

    def clean(self, value):
        value = super().clean(value)
        if value is None:
            return None
        value = self.stored(value)
        if self.as_float:
            return int(value) if value == value.to_integral_value() else float(value)
        return value

    def has_changed(self, initial, data):
        try:
            data = self.to_python(data)
        except ValidationError:
            return True
        if initial in self.empty_values:
            return data is not None
        if isinstance(initial, str):
            try:
                initial = self.to_python(initial)
            except ValidationError:
                return True
        else:
            initial = self.prepare_value(initial)
        return data != initial


class AmountField(NumberField):
    """An amount in euros: 1.200,50 (a leading € or EUR is fine), shown as 1.200,50."""

    currency = True
    example = AMOUNT_EXAMPLE
    default_error_messages = {
        "invalid": _("Enter an amount, for example 1.200,50."),
        "max_decimal_places": _(
            "An amount has at most two digits after the comma (the cents), for example 1.200,50."
        ),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("shown_decimals", 2)
        super().__init__(**kwargs)


class PercentField(NumberField):
    """A percentage: 2,25 or 2,25% (also "2,25 %"), shown as 2,25 with a % after the box. With
    ``fraction`` it is kept as the fraction a scenario file and the API use (0.0225)."""

    percent = True
    suffix = "%"
    default_error_messages = {"invalid": _("Enter a percentage, for example 2,25 or 4%.")}

    def __init__(self, *, fraction=False, **kwargs):
        self.fraction = fraction
        if fraction and kwargs.get("decimal_places") is not None:
            # A fraction with four decimals is a percentage with two.
            kwargs["decimal_places"] -= 2
        super().__init__(**kwargs)

    def shown(self, value):
        return value * 100 if self.fraction else value

    def stored(self, value):
        return value / 100 if self.fraction else value


class WholeNumberField(_ReadsDutchNumbers, forms.IntegerField):
    """A whole number written the Dutch way: 12 or 10.000. ``grouping`` False for years."""

    default_error_messages = {"invalid": _("Enter a whole number, for example 12 or 10.000.")}

    def __init__(self, *, grouping=True, **kwargs):
        super().__init__(**kwargs)
        self._setup(grouping=grouping, decimals=0)
        self.widget.attrs["inputmode"] = "numeric"

    def to_python(self, value):
        if isinstance(value, str) and get_format("DECIMAL_SEPARATOR") in value:
            # 10,000 is no whole number in Dutch (and ten thousand only in English).
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        value = self._read(value)
        if value is None or isinstance(value, int):
            return value
        if value != value.to_integral_value():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return int(value)


# --- Dates ----------------------------------------------------------------------------------------

#: Earliest and latest year a date field takes: a date outside is a typing error (0026, 20026).
DATE_YEARS = (1900, 2100)


class DateInput(forms.DateInput):
    """A text box for a date, shown as 31-03-2026 (not ``type="date"``: its notation follows the
    browser's language, whatever the page says)."""

    def __init__(self, attrs=None, format=None):
        super().__init__({"autocomplete": "off", **(attrs or {})}, format)


class DateField(forms.DateField):
    """A date typed as 31-03-2026 (also 31-3-2026, 31/03/2026 and 2026-03-31), shown as
    31-03-2026: ``DATE_INPUT_FORMATS`` of ``siex/formats``, in every language."""

    widget = DateInput
    default_error_messages = {
        "invalid": _("Enter a date as day-month-year, for example 31-03-2026."),
        "year": _("Check the year: enter a date between %(first)s and %(last)s."),
    }

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.help_text = _with_example(self.help_text, DATE_EXAMPLE)

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"[/.]", "-", _SPACES.sub("", value))
        value = super().to_python(value)
        if isinstance(value, datetime.date) and not DATE_YEARS[0] <= value.year <= DATE_YEARS[1]:
            raise ValidationError(
                self.error_messages["year"],
                code="year",
                params={"first": DATE_YEARS[0], "last": DATE_YEARS[1]},
            )
        return value


def dutch_formfield(db_field: models.Field, **kwargs) -> forms.Field | None:
    """``formfield_callback`` of the model forms: dates, decimals and whole numbers get the fields
    above (a form names an amount or a percentage in ``field_classes``)."""
    if "form_class" not in kwargs and not db_field.choices:
        if isinstance(db_field, models.DateField) and not isinstance(
            db_field, models.DateTimeField
        ):
            kwargs["form_class"] = DateField
        elif isinstance(db_field, models.DecimalField):
            kwargs["form_class"] = NumberField
        elif isinstance(db_field, models.IntegerField) and not isinstance(
            db_field, models.AutoField
        ):
            kwargs["form_class"] = WholeNumberField
    return db_field.formfield(**kwargs)


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
            if form.errors:
                # A row that cannot be read is left out; its own messages say what is wrong.
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
