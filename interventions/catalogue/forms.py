"""Forms of the catalogue pages. They read what was typed (numbers the Dutch way, shares as
percentages, the ramp-up as "50; 80"); whether a record is valid as a whole is decided by the
services (``catalogue.services``) with the models' own messages, shown at the field they are about.
"""

from __future__ import annotations

import copy
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import construct_instance
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from siex.core.forms import (
    AmountField,
    JsonUploadForm,
    NumberField,
    PercentField,
    RowFormSet,
    dutch_formfield,
    format_number,
    parse_number,
    row_formset,
)
from siex.core.templatetags.siex import euro

from .models import (
    COST_PHASING_FIELDS,
    Actor,
    BudgetLine,
    InterventionType,
    Outcome,
    ValueType,
)
from .services import INTERVENTION_TYPE_EDITABLE_FIELDS, OUTCOME_EDITABLE_FIELDS

MAX_RAMP_UP_YEARS = 30
HUNDRED = Decimal(100)


class ShareField(PercentField):
    """A share of a whole (the cost in a year, a success probability) typed as a percentage and
    kept as the fraction the catalogue stores: 35 or 35% is 0.35."""

    def __init__(self, **kwargs):
        kwargs.update(fraction=True, min_value=0, max_value=100)
        super().__init__(**kwargs)


class RampUpField(forms.CharField):
    """The ramp-up profile typed as percentages separated by semicolons ("50; 80"), read into the
    list of shares the model stores ([0.5, 0.8])."""

    default_error_messages = {
        "invalid": gettext_lazy(
            "Write the ramp-up as percentages between 0 and 100 separated by semicolons, for "
            "example “50; 80” (half the effect in its first year, 80% in its second). Leave it "
            "empty for the full effect from the first year."
        ),
        "too_long": gettext_lazy("The ramp-up covers at most %(n)s years."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "; ".join(format_number(Decimal(str(share)) * HUNDRED) for share in value)
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
                share = parse_number(part, percent=True)
            except (InvalidOperation, ValueError) as error:
                raise ValidationError(self.error_messages["invalid"], code="invalid") from error
            if not Decimal(0) <= share <= HUNDRED:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            shares.append(float(share / HUNDRED))
        if len(shares) > MAX_RAMP_UP_YEARS:
            raise ValidationError(
                self.error_messages["too_long"], code="too_long", params={"n": MAX_RAMP_UP_YEARS}
            )
        return shares


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class _RecordForm(forms.ModelForm):
    """The fields of a catalogue record, with the version the user read (optimistic locking).

    A record whose fields can all be read is validated by the service, as a whole and once; its
    messages come back onto these fields. While some field cannot be read the service is not
    asked, so the record's own rules speak here about the fields that could be read: every
    problem shows at once. Numbers are read the Dutch way (``siex.core.forms``), shares as
    percentages.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        formfield_callback = dutch_formfield

    def __init__(self, *args, creating: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.creating = creating
        if creating:
            del self.fields["version"]
        else:
            del self.fields["code"]
            self.fields["version"].required = True

    def _post_clean(self):
        if not self._errors:
            return
        # A copy: the record itself stays as stored (the page shows its name and version).
        instance = construct_instance(self, copy.copy(self.instance), self._meta.fields)
        try:
            instance.full_clean(
                exclude=self._get_validation_exclusions(),
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            # A field that already has a message keeps only that one.
            errors = {
                field: messages
                for field, messages in error.update_error_dict({}).items()
                if field not in self._errors
            }
            if errors:
                self._update_errors(ValidationError(errors))

    def changes(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}

    def group(self, names) -> list[forms.BoundField]:
        return [self[name] for name in names if name in self.fields]


class InterventionTypeForm(_RecordForm):
    class Meta(_RecordForm.Meta):
        model = InterventionType
        fields = ["code", *INTERVENTION_TYPE_EDITABLE_FIELDS]
        field_classes = {"unit_cost": AmountField, **dict.fromkeys(COST_PHASING_FIELDS, ShareField)}
        widgets = {"description": _textarea(), "cost_source": _textarea()}
        help_texts = {
            "code": gettext_lazy(
                "Lower-case letters, digits, hyphens and underscores, for example "
                "“budgetcoaching”. The code identifies the intervention in files and scenarios "
                "and cannot change later."
            ),
            "unit_cost": gettext_lazy("Average cost for one household, in euros."),
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
        label=gettext_lazy("Ramp-up (%)"),
        help_text=gettext_lazy(
            "Percentage of the full effect in the first years of the effect, separated by "
            "semicolons, e.g. “50; 80”. Later years count in full. Empty: the full effect from "
            "the first year."
        ),
    )

    class Meta(_RecordForm.Meta):
        model = Outcome
        fields = ["code", *OUTCOME_EDITABLE_FIELDS]
        field_classes = dict.fromkeys(PERCENTAGES, PercentField)
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
    success_probability = ShareField(
        label=gettext_lazy("Success probability (%)"), max_digits=5, decimal_places=4
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
    annual_amount = AmountField(
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
    if isinstance(value, str):
        return value
    if isinstance(field, AmountField):
        return euro(value)
    if isinstance(field, NumberField):
        return format_number(field.prepare_value(value)) + field.suffix
    if isinstance(field, RampUpField):
        return field.prepare_value(value)
    if isinstance(value, Decimal | int | float):
        return format_number(value)
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
