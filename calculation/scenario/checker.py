"""The checker of a scenario file: every problem with its place in the file, in words a project
lead understands (``ScenarioError``), and the number checks every reader of the file shares."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, overload

from django.utils import numberformat
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _

from siex.core.text import CONTROL_CHARACTER_MESSAGE, control_characters_in, first_control_character

from ..engine import non_finite_numbers

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

#: How much of a value from the file a message repeats.
SHOWN_CHARACTERS = 60


class ScenarioError(ValueError):
    """A scenario that cannot be calculated; ``errors`` lists (place in the file, message).

    Messages are plain text, translated when the error is raised: whoever shows them (a page,
    the API, the command line, a failed job) can join and store them as they are.

    ``outside`` holds, per uncertainty entry (its index) whose range leaves out the value the
    calculation uses, that range and value (low, high, value) as the file writes them, so that a
    page can offer to widen the range.
    """

    def __init__(
        self,
        errors: list[tuple[str, StrOrPromise]],
        outside: dict[int, tuple[float, float, float]] | None = None,
    ):
        self.errors = [(str(path), str(message)) for path, message in errors]
        self.outside = outside or {}
        super().__init__("; ".join(f"{path}: {message}" for path, message in self.errors))

    @property
    def messages(self) -> list[str]:
        return [f"{path}: {message}" if path else message for path, message in self.errors]


def is_number(value: Any) -> bool:
    """A JSON number: a whole number of any size or a finite decimal (true and false are not).
    Whole numbers are never turned into floats here: one with 400 digits is a number that is
    too large, not an overflow."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))


def shown(value: Any) -> str:
    """A value from the file as a message repeats it: at most SHOWN_CHARACTERS characters."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    if len(text) > SHOWN_CHARACTERS:
        text = text[: SHOWN_CHARACTERS - 1] + "…"
    return text


class Checker:
    def __init__(self, document: Any = None) -> None:
        # Messages stay lazy until ScenarioError translates them.
        self.errors: list[tuple[str, StrOrPromise]] = []
        self.outside: dict[int, tuple[float, float, float]] = {}
        # Every text of the file (codes, names, notes, assumptions, the catalogue's texts) is
        # refused where it holds a control character; the other checks then leave that text
        # alone, so that each problem is reported once.
        for path, position in control_characters_in(document):
            self.error(path, CONTROL_CHARACTER_MESSAGE % {"position": position})
        # Likewise a number beyond the largest float (1e999 in JSON reads as infinity), wherever
        # it is: a file is stored as it came, and the database holds no infinity.
        for path in non_finite_numbers(document):
            self.error(path, _("This number is too large."))

    def error(self, path: str, message: StrOrPromise) -> None:
        self.errors.append((path, message))

    def obj(self, path: str, value: Any) -> dict:
        if not isinstance(value, dict):
            self.error(path, _("Expected an object."))
            return {}
        return value

    def items(self, path: str, value: Any) -> list:
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(path, _("Expected a list."))
            return []
        return value

    def text(self, path: str, item: dict, key: str, required: bool = True) -> str | None:
        return self.text_value(f"{path}.{key}", item.get(key), required=required)

    def text_value(self, path: str, value: Any, required: bool = True) -> str | None:
        """A text (a code, a name, a note); None when it is missing or wrong."""
        if value is None or value == "":
            if required:
                self.error(path, _("This field is required."))
            return None
        if not isinstance(value, str):
            self.error(path, _("Expected text."))
            return None
        if first_control_character(value) is not None:
            return None  # refused when the checker began
        return value

    def texts(self, path: str, value: Any) -> None:
        """A list of texts (the assumptions)."""
        for n, line in enumerate(self.items(path, value)):
            self.text_value(f"{path}[{n}]", line, required=False)

    @overload
    def number(
        self, path: str, value: Any, low: float, high: float, integer: Literal[True]
    ) -> int | None: ...
    @overload
    def number(
        self, path: str, value: Any, low: float, high: float, integer: bool = False
    ) -> float | None: ...
    def number(
        self,
        path: str,
        value: Any,
        low: float,
        high: float,
        integer: bool = False,
    ) -> float | None:
        """A number between ``low`` and ``high`` (both always given: every number of a file has
        a range, so that no figure of the calculation can overflow)."""
        if isinstance(value, float) and not math.isfinite(value):
            return None  # refused when the checker began
        fraction = isinstance(value, float) and not value.is_integer()
        if not is_number(value) or (integer and fraction):
            self.error(path, _("Expected a whole number.") if integer else _("Expected a number."))
            return None
        # Compared before any conversion: Python compares a whole number of any size exactly.
        if value < low or value > high:
            self.error(
                path,
                _("Must lie between %(low)s and %(high)s.")
                % {"low": plain(low), "high": plain(high)},
            )
            return None
        return int(value) if integer else float(value)

    @overload
    def field(
        self,
        path: str,
        item: dict[str, Any],
        key: str,
        *,
        low: float,
        high: float,
        integer: Literal[True],
    ) -> int | None: ...
    @overload
    def field(
        self,
        path: str,
        item: dict[str, Any],
        key: str,
        *,
        low: float,
        high: float,
        integer: bool = False,
    ) -> int | float | None: ...
    def field(
        self,
        path: str,
        item: dict[str, Any],
        key: str,
        *,
        low: float,
        high: float,
        integer: bool = False,
    ) -> float | None:
        if key not in item or item[key] is None:
            self.error(f"{path}.{key}", _("This field is required."))
            return None
        return self.number(f"{path}.{key}", item[key], low, high, integer)

    def boolean(self, path: str, item: dict, key: str, default: bool) -> bool:
        value = item.get(key, default)
        if not isinstance(value, bool):
            self.error(f"{path}.{key}", _("Write true or false (without quotes)."))
            return default
        return value

    def code(self, path: str, table: dict, value: Any, message: StrOrPromise) -> int | None:
        """The index of the code ``value`` in ``table`` (``message`` when it is not there)."""
        code = self.text_value(path, value)
        if code is None:
            return None
        if code not in table:
            self.error(path, message % {"code": shown(code)})
            return None
        return table[code]

    def choice(
        self, path: str, value: Any, choices, message: StrOrPromise | None = None
    ) -> str | None:
        """One of a fixed list of words (a parameter name, a category, a value type)."""
        if isinstance(value, str) and value in choices:
            return value
        if isinstance(value, str) and first_control_character(value) is not None:
            return None  # refused when the checker began
        self.error(
            path, message or _("Choose one of: %(choices)s.") % {"choices": ", ".join(choices)}
        )
        return None

    def unique(self, path: str, items: list[dict]) -> dict[str, int]:
        """Each item's code (required, text, once) → the item's position in the list."""
        table: dict[str, int] = {}
        for n, item in enumerate(items):
            code = self.text(f"{path}[{n}]", item, "code")
            if code is None:
                continue
            if code in table:
                self.error(
                    f"{path}[{n}].code", _("“%(code)s” appears twice.") % {"code": shown(code)}
                )
                continue
            table[code] = n
        return table


def plain(value: float) -> str:
    """A bound or value as a message shows it, in the reader's language: 0,2 and 2026 in Dutch,
    and from 10.000 on with thousands separators (1.000.000)."""
    number = Decimal(f"{value:.12g}")
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    return numberformat.format(
        number,
        get_format("DECIMAL_SEPARATOR"),
        grouping=get_format("NUMBER_GROUPING"),
        thousand_sep=get_format("THOUSAND_SEPARATOR"),
        force_grouping=abs(number) >= 10_000,
        use_l10n=False,
    )
