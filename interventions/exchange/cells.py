"""Reading the cells of an uploaded file into the values the models take: references into
pseudonyms, districts and intervention types by code or name, numbers and dates the Dutch way,
choices by code or label. A cell that cannot be read raises ``CellError`` with what to do."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from interventions.catalogue.models import InterventionType
from interventions.register.models import Household, Intervention
from interventions.register.pseudonyms import (
    looks_like_bsn,
    normalise_reference,
    pseudonymise,
    validate_reference,
)
from monitoring.selectors import current_districts
from siex.core.tabular.cells import (
    cell_text,
    read_date,
    read_integer,
    read_number,
    refuse_control_characters,
)

from .columns import CHOICES, HOUSEHOLDS, Column, dutch_labels
from .problems import CellError

__all__ = ["CellReader", "cell_text", "field_default", "read_cell"]


class CellReader:
    """Reads cells into the values the models take. Lookups (districts, catalogue, choices) are
    loaded once; repeated values (dates, references) are read once."""

    def __init__(self) -> None:
        self.districts: dict[str, str] = {}
        for code, name in current_districts().values_list("code", "name"):
            self.districts[code.upper()] = code
            self.districts.setdefault(name.strip().casefold(), code)
        self.district_example = next(iter(sorted(set(self.districts.values()))), "WK001401")
        self.types: dict[str, str] = {}
        for code, name_nl in InterventionType.objects.values_list("code", "name_nl"):
            self.types[code.casefold()] = code
            self.types.setdefault(name_nl.strip().casefold(), code)
        # A choice is read from its Dutch label (what the template, the export and officers
        # write), its English label or its code, in any case.
        self.choices: dict[type, dict[str, str]] = {}
        self.choice_labels: dict[type, list[str]] = {}
        for choices in CHOICES:
            accepted = {}
            for language in ("nl", "en"):
                with translation.override(language):
                    for value, label in choices.choices:
                        accepted.setdefault(str(label).casefold(), value)
            accepted.update({value.casefold(): value for value in choices.values})
            self.choices[choices] = accepted
            self.choice_labels[choices] = list(dutch_labels(choices).values())
        self._dates: dict[str, str] = {}
        self._pseudonyms: dict[str, str] = {}
        self._pseudonym_errors: dict[str, str] = {}
        self._references: set[str] = set()  # in memory only, while the file is read

    def _show(self, value: Any) -> str:
        """A cell value quoted in a message, cut short; never a reference of this file or
        something that looks like a BSN (a column mix-up must not put one in the stored check)."""
        text = cell_text(value)
        if looks_like_bsn(text) or normalise_reference(text) in self._references:
            return _("[hidden]")
        return text if len(text) <= 40 else text[:37] + "..."

    @sensitive_variables()
    def reference(self, value: Any) -> str:
        text = cell_text(value)
        self._references.add(normalise_reference(text))
        pseudonym = self._pseudonyms.get(text)
        if pseudonym is not None:
            return pseudonym
        if text in self._pseudonym_errors:
            raise CellError(self._pseudonym_errors[text])
        try:
            pseudonym = pseudonymise(validate_reference(text))
        except ValidationError as error:
            message = " ".join(error.messages)
            self._pseudonym_errors[text] = message
            raise CellError(message) from None
        self._pseudonyms[text] = pseudonym
        return pseudonym

    def district(self, value: Any) -> str:
        text = cell_text(value)
        code = self.districts.get(text.upper()) or self.districts.get(text.casefold())
        if code is None:
            raise CellError(
                _(
                    "“%(value)s” is not a district (wijk) of the municipality. Use its CBS code, "
                    "such as %(example)s, or its name; the template lists them."
                )
                % {"value": self._show(value), "example": self.district_example}
            )
        return code

    def intervention_type(self, value: Any) -> str:
        text = cell_text(value)
        code = self.types.get(text.casefold())
        if code is None:
            raise CellError(
                _(
                    "“%(value)s” is not an intervention in the catalogue. Use its code or Dutch "
                    "name; the template lists them."
                )
                % {"value": self._show(value)}
            )
        return code

    def integer(self, value: Any) -> int:
        return read_integer(value, self._show)

    def number(self, value: Any) -> str:
        """A decimal number written the Dutch way (1.234,56), with a point (1234.56) or as a
        spreadsheet number; returned as text for the model's DecimalField."""
        return read_number(value, self._show)

    def date(self, value: Any) -> str:
        if isinstance(value, date):  # also a datetime
            return read_date(value, self._show)
        text = cell_text(value)
        known = self._dates.get(text)
        if known is None:
            known = self._dates[text] = read_date(value, self._show)
        return known

    def choice(self, value: Any, choices: type) -> str:
        code = self.choices[choices].get(cell_text(value).casefold())
        if code is None:
            allowed = ", ".join(f"“{label}”" for label in self.choice_labels[choices])
            raise CellError(
                _("“%(value)s” is not one of the possible values. Choose from: %(allowed)s.")
                % {"value": self._show(value), "allowed": allowed}
            )
        return code

    @staticmethod
    def text(value: Any) -> str:
        return cell_text(value)


def field_default(kind: str, field_name: str) -> Any:
    model = Household if kind == HOUSEHOLDS else Intervention
    default = model._meta.get_field(field_name).get_default()
    return default if default not in (None, "") else None


def read_cell(reader: CellReader, column: Column, raw: Any) -> Any:
    refuse_control_characters(raw)
    kind = column.kind
    if kind == "choice":
        return reader.choice(raw, column.choices)
    if kind == "decimal" or kind == "amount":
        return reader.number(raw)
    return getattr(reader, kind)(raw)
