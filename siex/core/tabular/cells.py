"""Reading one cell of an uploaded table: as text, as a whole number, as a decimal number written
the Dutch way (1.234,56) or otherwise, as a date (dd-mm-yyyy or yyyy-mm-dd). A cell that cannot be
read raises ``CellError`` with what to do; ``show`` quotes the cell in that message (an importer
of personal data hides what must not be repeated)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from siex.core.text import first_control_character

from .errors import CellError

_DUTCH_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_SHORT_YEAR = re.compile(r"^\d{1,2}[-/.]\d{1,2}[-/.]\d{2}$")
_PLAIN_NUMBER = re.compile(r"^-?\d+(?:[.,]\d+)?$")
_DUTCH_GROUPED = re.compile(r"^-?\d{1,3}(?:\.\d{3})+(?:,\d+)?$")
_ENGLISH_GROUPED = re.compile(r"^-?\d{1,3}(?:,\d{3})+\.\d+$|^-?\d{1,3}(?:,\d{3}){2,}$")
_AMBIGUOUS = re.compile(r"^-?\d{1,3}[.,]\d{3}$")
_CURRENCY = re.compile(r"(?i)^(?:€|eur)\s*|\s*(?:€|eur)$")
_INTEGER = re.compile(r"^-?\d+$")

Show = Callable[[Any], str]


def cell_text(value: Any) -> str:
    """A cell as text: numbers from a spreadsheet without a trailing ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    return str(value).strip()


def shown(value: Any) -> str:
    """A cell value quoted in a message, cut short."""
    text = cell_text(value)
    return text if len(text) <= 40 else text[:37] + "..."


def normalise_header(value: Any) -> str:
    """A column name as compared: lower case, spaces and hyphens as underscores."""
    return re.sub(r"[\s-]+", "_", cell_text(value).casefold()).strip("_")


def refuse_control_characters(raw: Any) -> None:
    if isinstance(raw, str):
        position = first_control_character(raw)
        if position is not None:
            raise CellError(
                _(
                    "This cell contains a control character (an invisible character such as a "
                    "bell or a NUL, at position %(position)s). Retype the text of the cell in "
                    "your spreadsheet and upload the file again."
                )
                % {"position": position}
            )


def read_integer(value: Any, show: Show = shown) -> int:
    if isinstance(value, bool):
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": show(value)})
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = cell_text(value)
    if not _INTEGER.match(text):
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": show(value)})
    return int(text)


def read_number(value: Any, show: Show = shown) -> str:
    """A decimal number written the Dutch way (1.234,56), with a point (1234.56) or as a
    spreadsheet number; returned as text for a DecimalField (or ``Decimal``)."""
    if isinstance(value, bool):
        raise CellError(_not_a_number(value, show))
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    text = _CURRENCY.sub("", cell_text(value)).replace(" ", "").replace("\u00a0", "")
    text = text.rstrip("%").strip()
    if _AMBIGUOUS.match(text):
        raise CellError(
            _(
                "“%(value)s” can be read in two ways. Write a thousand without a separator "
                "(1250) or with a decimal comma (1.250,00), and a decimal number with a "
                "comma (12,50)."
            )
            % {"value": show(value)}
        )
    if _PLAIN_NUMBER.match(text):
        return text.replace(",", ".")
    if _DUTCH_GROUPED.match(text):
        return text.replace(".", "").replace(",", ".")
    if _ENGLISH_GROUPED.match(text):
        return text.replace(",", "")
    raise CellError(_not_a_number(value, show))


def _not_a_number(value: Any, show: Show) -> str:
    return _("“%(value)s” is not a number: write for example 1250 or 1.250,50.") % {
        "value": show(value)
    }


def read_date(value: Any, show: Show = shown) -> str:
    """A date as ISO text, from a spreadsheet date, dd-mm-yyyy or yyyy-mm-dd."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = cell_text(value)
    match = _DUTCH_DATE.match(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
    else:
        match = _ISO_DATE.match(text)
        if not match:
            if _SHORT_YEAR.match(text):
                raise CellError(
                    _("Write the year in four digits: “%(value)s” could mean two centuries.")
                    % {"value": show(value)}
                )
            raise CellError(
                _(
                    "“%(value)s” is not a date: write it as dd-mm-yyyy (for example "
                    "31-01-2025) or yyyy-mm-dd."
                )
                % {"value": show(value)}
            )
        year, month, day = (int(part) for part in match.groups())
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        raise CellError(
            _("“%(value)s” is not an existing date.") % {"value": show(value)}
        ) from None
