"""Forms of the catalogue pages. They read what was typed (numbers with a decimal comma, the ramp-up
as "0,5; 0,8"); whether a record is valid as a whole is decided by the services
(``catalogue_services``) with the models' own messages, shown at the field they are about.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from siex.core.forms import NUMBER_INVALID, JsonUploadForm, RowFormSet, number_text, row_formset

from .catalogue_selectors import plain_number
from .models import (
    COST_PHASING_FIELDS,
    Actor,
    BudgetLine,
    InterventionType,
    Outcome,
    ValueType,
)

MAX_RAMP_UP_YEARS = 30


class DecimalInput(forms.TextInput):
    """A text box for an exact number: shows 0,4 in Dutch (no thousands separator and no trailing
    zeros, so what is shown can be sent back unchanged) and brings up a numeric keyboard."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            return plain_number(value)
        return super().format_value(value)


class DecimalNumberField(forms.DecimalField):
    """An exact number written with a decimal comma or point (0,35 or 0.35), never with a
    thousands separator: "1.500" would mean different things in Dutch and English."""

    widget = DecimalInput
    default_error_messages = {"invalid": NUMBER_INVALID}

    def to_python(self, value):
        if isinstance(value, str):
            value = number_text(value, ValidationError(self.error_messages["invalid"], "invalid"))
        return super().to_python(value)

    def widget_attrs(self, widget):
        # No min/max/step attributes: the browser's own (English) messages would pre-empt ours.
        return {}


def _number(text: str) -> Decimal:
    text = text.strip().replace(" ", "").replace("\u00a0", "").replace("−", "-")
    if text.count(",") + text.count(".") > 1:
        raise InvalidOperation
    number = Decimal(text.replace(",", "."))
    if not number.is_finite():
        raise InvalidOperation
    return number


class RampUpField(forms.CharField):
    """The ramp-up profile typed as shares separated by semicolons ("0,5; 0,8"), read into the
    list the model stores ([0.5, 0.8])."""

    default_error_messages = {
        "invalid": gettext_lazy(
            "Write the ramp-up as shares between 0 and 1 separated by semicolons, for example "
            "“0,5; 0,8” (half the effect in its first year, 80% in its second). Leave it empty "
            "for the full effect from the first year."
        ),
        "too_long": gettext_lazy("The ramp-up covers at most %(n)s years."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list):
            return "; ".join(plain_number(Decimal(str(share))) for share in value)
        return value

    def to_python(self, value):
        text = super().to_python(value).strip().strip("[]").strip()
        if not text:
            return []
        shares = []
        for part in text.split(";"):
            if not part.strip():
                continue
            try:
                share = _number(part)
            except (InvalidOperation, ValueError) as error:
                raise ValidationError(self.error_messages["invalid"], code="invalid") from error
            if not Decimal(0) <= share <= Decimal(1):
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            shares.append(float(share))
        if len(shares) > MAX_RAMP_UP_YEARS:
            raise ValidationError(
                self.error_messages["too_long"], code="too_long", params={"n": MAX_RAMP_UP_YEARS}
            )
        return shares


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class _RecordForm(forms.ModelForm):
    """The fields of a catalogue record, with the version the user read (optimistic locking).

    The record is not validated here (``_post_clean`` does nothing): the service checks it as a
    whole, once, and its messages come back onto these fields.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, creating: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.creating = creating
        if creating:
            del self.fields["version"]
        else:
            del self.fields["code"]
            self.fields["version"].required = True

    def _post_clean(self):
        pass

    def changes(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}

    def group(self, names) -> list[forms.BoundField]:
        return [self[name] for name in names if name in self.fields]


class InterventionTypeForm(_RecordForm):
    class Meta:
        model = InterventionType
        fields = [
            "code",
            "name_nl",
            "name_en",
            "provider",
            "life_domain",
            "description",
            "unit_cost",
            *COST_PHASING_FIELDS,
            "paying_actor",
            "paying_budget_line",
            "typical_duration_months",
            "cost_source",
            "cost_confidence_grade",
        ]
        field_classes = dict.fromkeys(["unit_cost", *COST_PHASING_FIELDS], DecimalNumberField)
        widgets = {"description": _textarea(), "cost_source": _textarea()}
        help_texts = {
            "code": gettext_lazy(
                "Lower-case letters, digits, hyphens and underscores, for example "
                "“budgetcoaching”. The code identifies the intervention in files and scenarios "
                "and cannot change later."
            ),
            "unit_cost": gettext_lazy("Average cost for one household, in euros, e.g. 2500."),
            "cost_source": gettext_lazy(
                "Where the unit cost comes from; say so when it is an estimate."
            ),
            "paying_budget_line": gettext_lazy("Optional; it must belong to the actor that pays."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paying_budget_line"].queryset = BudgetLine.objects.select_related("actor")
        for name in COST_PHASING_FIELDS:
            self.fields[name].help_text = ""

    @property
    def general_fields(self):
        return self.group(["code", "name_nl", "name_en", "provider", "life_domain", "description"])

    @property
    def cost_fields(self):
        return self.group(
            ["unit_cost", "paying_actor", "paying_budget_line", "typical_duration_months"]
        )

    @property
    def phasing_fields(self):
        return self.group(COST_PHASING_FIELDS)

    @property
    def foundation_fields(self):
        return self.group(["cost_source", "cost_confidence_grade"])


PERCENTAGES = ["drop_off_pct", "deadweight_pct", "attribution_pct", "displacement_pct"]


class OutcomeForm(_RecordForm):
    ramp_up = RampUpField(
        label=gettext_lazy("Ramp-up"),
        help_text=gettext_lazy(
            "Share of the full effect in the first years of the effect, separated by "
            "semicolons, e.g. “0,5; 0,8”. Later years count in full. Empty: the full effect from "
            "the first year."
        ),
    )

    class Meta:
        model = Outcome
        fields = [
            "code",
            "name_nl",
            "name_en",
            "life_domain",
            "description",
            "lag_years",
            "duration_years",
            *PERCENTAGES,
            "ramp_up",
            "confidence_grade",
            "source",
        ]
        field_classes = dict.fromkeys(PERCENTAGES, DecimalNumberField)
        widgets = {"description": _textarea(), "source": _textarea()}
        help_texts = {
            "code": gettext_lazy(
                "Lower-case letters, digits, hyphens and underscores, for example "
                "“uitstroom-bijstand”. The code identifies the outcome in files and scenarios "
                "and cannot change later."
            ),
        }

    @property
    def general_fields(self):
        return self.group(["code", "name_nl", "name_en", "life_domain", "description"])

    @property
    def timing_fields(self):
        return self.group(["lag_years", "duration_years", "ramp_up"])

    @property
    def percentage_fields(self):
        return self.group(PERCENTAGES)

    @property
    def foundation_fields(self):
        return self.group(["confidence_grade", "source"])


# --- nested rows ----------------------------------------------------------------------------------


class OutcomeLinkForm(forms.Form):
    outcome = forms.ModelChoiceField(
        label=gettext_lazy("Outcome"),
        queryset=Outcome.objects.order_by("name_nl"),
        to_field_name="code",
        empty_label=gettext_lazy("– choose –"),
    )
    success_probability = DecimalNumberField(
        label=gettext_lazy("Success probability"),
        max_digits=5,
        decimal_places=4,
    )
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=1000)

    @staticmethod
    def initial_for(link) -> dict[str, Any]:
        return {
            "outcome": link.outcome,
            "success_probability": link.success_probability,
            "note": link.note,
        }


class OutcomeValueForm(forms.Form):
    actor = forms.ModelChoiceField(
        label=gettext_lazy("Actor"),
        queryset=Actor.objects.all(),
        to_field_name="code",
        empty_label=gettext_lazy("– choose –"),
    )
    budget_line = forms.ModelChoiceField(
        label=gettext_lazy("Budget line"),
        queryset=BudgetLine.objects.select_related("actor"),
        required=False,
        empty_label=gettext_lazy("– none –"),
    )
    value_type = forms.ChoiceField(label=gettext_lazy("Value type"))
    is_transfer = forms.BooleanField(label=gettext_lazy("Transfer"), required=False)
    annual_amount = DecimalNumberField(
        label=gettext_lazy("Amount per year (EUR)"), max_digits=12, decimal_places=2
    )
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["value_type"].choices = [("", _("– choose –")), *ValueType.choices]

    @staticmethod
    def initial_for(value) -> dict[str, Any]:
        return {
            "actor": value.actor,
            "budget_line": value.budget_line,
            "value_type": value.value_type,
            "is_transfer": value.is_transfer,
            "annual_amount": value.annual_amount,
            "note": value.note,
        }


def _formset(form_class, title):
    return row_formset(form_class, title, extra=3, max_num=200)


OutcomeLinkFormSet = _formset(OutcomeLinkForm, gettext_lazy("Outcomes and success probabilities"))
OutcomeValueFormSet = _formset(OutcomeValueForm, gettext_lazy("Values per year per actor"))


# --- a record with its rows -----------------------------------------------------------------------


def shown(value: Any, field: forms.Field | None = None) -> str:
    """A value as the comparison after a conflict shows it."""
    is_choice = isinstance(field, forms.ChoiceField) and not isinstance(
        field, forms.ModelChoiceField
    )
    if is_choice and value not in (None, ""):
        labels = {str(key): label for key, label in field.choices}
        return str(labels.get(str(value), value))
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return "; ".join(plain_number(Decimal(str(v))) for v in value)
    if isinstance(value, Decimal | int | float):
        return plain_number(value)
    return str(value)


class RecordEditor:
    """A record's form and the formset of its nested rows, read and checked together."""

    form_class: type[_RecordForm]
    formset_class: type[RowFormSet]
    prefix = ""
    list_name = ""

    def __init__(self, record=None, data=None):
        self.record = record
        creating = record is None
        if data is None:
            initial = {} if creating else {"version": record.version}
            self.form = self.form_class(instance=record, initial=initial, creating=creating)
            rows = (
                [] if creating else [self.form_row.initial_for(row) for row in self.rows_of(record)]
            )
            self.formset = self.formset_class(prefix=self.prefix, initial=rows)
        else:
            self.form = self.form_class(data, instance=record, creating=creating)
            self.formset = self.formset_class(data, prefix=self.prefix)
        self._used: list[int] = []

    @property
    def form_row(self):
        return self.formset_class.form

    @staticmethod
    def rows_of(record):
        raise NotImplementedError

    def is_valid(self) -> bool:
        form_valid = self.form.is_valid()
        return self.formset.is_valid() and form_valid

    def changes(self) -> tuple[dict[str, Any], list[dict]]:
        rows, self._used = self.formset.rows()
        return self.form.changes(), rows

    def add_service_error(self, error: ValidationError) -> None:
        """Put each message of a service's ValidationError on the field or row it names."""
        if not hasattr(error, "error_dict"):
            self.form.add_error(None, error.messages)
            return
        pattern = re.compile(rf"^{re.escape(self.list_name)}\[(\d+)\](?:\.(\w+))?$")
        for key, messages in error.message_dict.items():
            match = pattern.match(key)
            if match:
                index = int(match.group(1))
                if index < len(self._used):
                    form = self.formset.forms[self._used[index]]
                    name = match.group(2)
                    form.add_error(name if name in form.fields else None, messages)
                    continue
                self.form.add_error(None, messages)
            elif key in self.form.fields:
                self.form.add_error(key, messages)
            else:
                self.form.add_error(None, messages)

    def row_error_items(self) -> list[dict]:
        """The errors of the rows, for the summary at the top (with the field they link to)."""
        items = [
            {"label": self.formset.title, "message": m} for m in self.formset.non_form_errors()
        ]
        for number, form in enumerate(self.formset.forms, start=1):
            row = _("%(list)s, row %(n)s") % {"list": self.formset.title, "n": number}
            first = form[next(iter(form.fields))].auto_id
            for message in form.non_field_errors():
                items.append({"label": row, "message": message, "anchor": first})
            for bound in form:
                for message in bound.errors:
                    items.append(
                        {
                            "label": f"{row}: {bound.label}",
                            "message": message,
                            "anchor": bound.auto_id,
                        }
                    )
        return items

    def has_errors(self) -> bool:
        return bool(self.form.errors) or bool(self.formset.total_error_count())

    def comparison(self, current) -> list[dict]:
        """After a conflict: each field as stored now next to what the user typed."""
        typed = getattr(self.form, "cleaned_data", {})
        result = []
        for name, field in self.form.fields.items():
            if name in ("version", "code"):
                continue
            stored = getattr(current, name)
            yours = typed.get(name, self.form[name].value())
            result.append(
                {
                    "label": field.label,
                    "stored": shown(stored, field),
                    "yours": shown(yours, field),
                    "differs": shown(stored, field) != shown(yours, field),
                }
            )
        return result


class InterventionTypeEditor(RecordEditor):
    form_class = InterventionTypeForm
    formset_class = OutcomeLinkFormSet
    prefix = "outcomes"
    list_name = "outcome_links"

    @staticmethod
    def rows_of(record):
        return record.outcome_links.select_related("outcome").order_by(
            "-success_probability", "outcome__name_nl"
        )


class OutcomeEditor(RecordEditor):
    form_class = OutcomeForm
    formset_class = OutcomeValueFormSet
    prefix = "values"
    list_name = "values"

    @staticmethod
    def rows_of(record):
        return record.values.select_related("actor", "budget_line").order_by(
            "actor__sort_order", "actor__code", "value_type"
        )


# --- other forms ----------------------------------------------------------------------------------


class CatalogueUploadForm(JsonUploadForm):
    file = forms.FileField(
        label=gettext_lazy("Catalogue file (JSON)"),
        help_text=gettext_lazy(
            "A file in the SIEX catalogue format (“siex-catalogue”), at most 5 MB, for example "
            "a downloaded catalogue file with your changes."
        ),
    )
