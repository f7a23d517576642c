"""Forms of the scenario pages. They only read what was typed; what a scenario may hold is checked
by the services (``calculation.services``), with the same messages as the file import and the API.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from siex.core.forms import (
    NUMBER_INVALID,
    JsonUploadForm,
    number_text,
    row_formset,
)
from siex.core.forms import RowFormSet as BaseRowFormSet

from .models import PriceBasis, ScenarioVersion
from .presentation import (
    PARAMETER_LABELS,
    PROGRAMME_CATEGORY_LABELS,
    catalogue_choices,
    parameter_targets,
    split_message,
)
from .scenario import FILE_PARAMETERS, OVERRIDE_PARAMETERS, PROGRAMME_CATEGORIES
from .templatetags.scenario_format import input_number

GRADES = range(1, 7)


class NumberInput(forms.TextInput):
    """A text box for a number: shows 0,0225 in Dutch (no thousands separator, so that what is
    shown can be sent back unchanged) and brings up a numeric keyboard on phones."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, int | float) and not isinstance(value, bool):
            return input_number(value)
        return super().format_value(value)


class NumberField(forms.FloatField):
    """A number written with a decimal comma or a decimal point (2,25 or 2.25), never with a
    thousands separator: "1.500" would be ambiguous between the languages."""

    widget = NumberInput
    default_error_messages = {"invalid": NUMBER_INVALID}

    def to_python(self, value):
        if isinstance(value, str):
            value = number_text(value, ValidationError(self.error_messages["invalid"], "invalid"))
        number = super().to_python(value)
        if number is not None and number.is_integer():
            return int(number)
        return number


class ScenarioForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=60,
        help_text=_(
            "Lower-case letters, digits, hyphens and underscores, for example “basis-2026”. "
            "Used in file names and the API; it cannot change later."
        ),
    )
    name = forms.CharField(label=_("Name"), max_length=150)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ScenarioCopyForm(forms.Form):
    code = ScenarioForm.base_fields["code"]
    name = ScenarioForm.base_fields["name"]


class NewVersionForm(forms.Form):
    note = forms.CharField(
        label=_("Note on the new version"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: “Revision 2027: actual volumes and costs of 2026”."),
    )


class UploadForm(JsonUploadForm):
    file = forms.FileField(
        label=_("Scenario file (JSON)"),
        help_text=_(
            "A file in the SIEX scenario format (“siex-scenario”), at most 5 MB. A scenario "
            "with a new code becomes a new scenario; a file with the code of an existing "
            "scenario becomes a new draft version of it."
        ),
    )


class CompareForm(forms.Form):
    versions = forms.MultipleChoiceField(
        label=_("Scenario versions"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only versions with a finished calculation can be compared."),
    )

    def __init__(self, *args, versions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.version_objects = {str(v.pk): v for v in versions}
        self.fields["versions"].choices = [
            (str(v.pk), f"{v.scenario.name} – v{v.number} ({v.get_status_display()})")
            for v in versions
        ]

    def clean_versions(self):
        chosen = self.cleaned_data["versions"]
        if len(chosen) < 2:
            raise ValidationError(_("Choose at least two versions."), code="too_few")
        return [self.version_objects[pk] for pk in chosen]


# --- editing a draft version ----------------------------------------------------------------------


class ParametersForm(forms.Form):
    """The parameters of a scenario version, its note and its stated assumptions."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    start_year = forms.IntegerField(label=_("Start year"))
    horizon_years = forms.IntegerField(
        label=_("Horizon (years)"),
        help_text=_("10 years as for a GREX; up to 30 allowed, with a warning above 10."),
    )
    discount_rate = NumberField(
        label=_("Discount rate"),
        help_text=_(
            "As a fraction: 0,0225 is 2.25% (the Dutch MKBA standard); 0,02 (BBV) or 0,035 "
            "(Green Book)."
        ),
    )
    price_basis = forms.ChoiceField(label=_("Price basis"), choices=PriceBasis.choices)
    cost_indexation = NumberField(
        label=_("Cost indexation per year"),
        help_text=_("As a fraction; only on a nominal price basis, otherwise 0."),
    )
    benefit_indexation = NumberField(
        label=_("Benefit indexation per year"),
        help_text=_("As a fraction; only on a nominal price basis, otherwise 0."),
    )
    financing_rate = NumberField(
        label=_("Financing rate"),
        help_text=_("Interest charged on the opening book value of the ledger, as a fraction."),
    )
    bbv_discount_rate = NumberField(
        label=_("BBV discount rate"),
        help_text=_("Discounts the ledger's end value to the start (BBV: 0,02)."),
    )
    count_registered = forms.BooleanField(
        label=_("Count registered interventions"),
        required=False,
        help_text=_("Add the interventions registered in SIEX to the planned intake."),
    )
    monte_carlo_draws = forms.IntegerField(
        label=_("Monte Carlo draws"), help_text=_("Between 100 and 100,000; default 10,000.")
    )
    seed = forms.IntegerField(
        label=_("Random seed"),
        help_text=_("The same seed gives the same Monte Carlo results."),
    )
    note = forms.CharField(
        label=_("Note on this version"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    assumptions = forms.CharField(
        label=_("Stated assumptions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Assumptions this scenario adds where the sources are silent, one per line."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for grade in GRADES:
            self.fields[f"optimism_bias_{grade}"] = NumberField(
                label=_("Optimism-bias cut, confidence grade %(grade)s (%%)") % {"grade": grade}
            )

    @property
    def bias_fields(self):
        return [self[f"optimism_bias_{grade}"] for grade in GRADES]

    @property
    def main_fields(self):
        return [
            self[name]
            for name in (
                "start_year",
                "horizon_years",
                "price_basis",
                "discount_rate",
                "cost_indexation",
                "benefit_indexation",
                "financing_rate",
                "bbv_discount_rate",
                "monte_carlo_draws",
                "seed",
            )
        ]

    @staticmethod
    def initial_for(version: ScenarioVersion) -> dict[str, Any]:
        initial = {
            name: getattr(version, name)
            for name in (
                "version",
                "start_year",
                "horizon_years",
                "discount_rate",
                "price_basis",
                "cost_indexation",
                "benefit_indexation",
                "financing_rate",
                "bbv_discount_rate",
                "count_registered",
                "monte_carlo_draws",
                "seed",
                "note",
            )
        }
        initial["assumptions"] = "\n".join(version.assumptions or [])
        bias = version.optimism_bias_pct if isinstance(version.optimism_bias_pct, list) else []
        for grade in GRADES:
            initial[f"optimism_bias_{grade}"] = bias[grade - 1] if len(bias) >= grade else None
        return initial

    def changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        changes = {
            name: data[name]
            for name in (
                "start_year",
                "horizon_years",
                "discount_rate",
                "price_basis",
                "cost_indexation",
                "benefit_indexation",
                "financing_rate",
                "bbv_discount_rate",
                "count_registered",
                "monte_carlo_draws",
                "seed",
                "note",
            )
        }
        changes["optimism_bias_pct"] = [data[f"optimism_bias_{grade}"] for grade in GRADES]
        changes["assumptions"] = [
            line.strip() for line in data["assumptions"].splitlines() if line.strip()
        ]
        return changes

    def field_for(self, path: list[tuple[str, int | None]]) -> str | None:
        """The field a message about ``parameters.<name>[index]`` belongs to."""
        if len(path) < 2:
            return None
        key, index = path[1]
        if key == "optimism_bias_pct" and index is not None:
            return f"optimism_bias_{index + 1}"
        return key if key in self.fields else None


def _blank(label):
    return [("", label)]


class RowForm(forms.Form):
    """One row of a list in a scenario version; ``row()`` is the row as the scenario file has it."""

    #: The list of the scenario file this form edits.
    list_name = ""

    def __init__(self, *args, catalogue=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.catalogue = catalogue or {}
        self.set_choices()

    def set_choices(self) -> None:
        pass

    def _catalogue(self, group: str, required: bool = True):
        blank = _("– choose –") if required else _("– none –")
        return _blank(blank) + catalogue_choices(self.catalogue, group)

    def row(self) -> dict[str, Any]:
        raise NotImplementedError

    @staticmethod
    def initial_for(row: dict) -> dict:
        return dict(row)


class IntakeRowForm(RowForm):
    list_name = "intake"
    intervention_type = forms.ChoiceField(label=_("Intervention"))
    year = forms.IntegerField(label=_("Year"))
    households = NumberField(label=_("Households"))
    # Empty: the catalogue's unit cost (the page says so above the table).
    unit_cost = NumberField(label=_("Unit cost (EUR)"), required=False)

    def set_choices(self):
        self.fields["intervention_type"].choices = self._catalogue("intervention_types")

    def row(self):
        data = self.cleaned_data
        row = {
            "intervention_type": data["intervention_type"],
            "year": data["year"],
            "households": data["households"],
        }
        if data.get("unit_cost") is not None:
            row["unit_cost"] = data["unit_cost"]
        return row


class ProgrammeCostForm(RowForm):
    list_name = "programme_costs"
    category = forms.ChoiceField(label=_("Category"))
    actor = forms.ChoiceField(label=_("Paid by"))
    year = forms.IntegerField(label=_("Year"))
    amount = NumberField(label=_("Amount (EUR)"))

    def set_choices(self):
        self.fields["category"].choices = _blank(_("– choose –")) + [
            (code, PROGRAMME_CATEGORY_LABELS[code]) for code in PROGRAMME_CATEGORIES
        ]
        self.fields["actor"].choices = self._catalogue("actors")

    def row(self):
        data = self.cleaned_data
        return {key: data[key] for key in ("category", "actor", "year", "amount")}


class BudgetRowForm(RowForm):
    list_name = "budget"
    year = forms.IntegerField(label=_("Year"))
    amount = NumberField(label=_("Budget (EUR)"))

    def row(self):
        return {"year": self.cleaned_data["year"], "amount": self.cleaned_data["amount"]}


class _TargetedForm(RowForm):
    """A row about a parameter that may name an intervention type and/or an outcome."""

    parameters: tuple[str, ...] = ()
    intervention_type = forms.ChoiceField(label=_("Intervention"), required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), required=False)

    def set_choices(self):
        self.fields["parameter"].choices = _blank(_("– choose –")) + [
            (code, PARAMETER_LABELS[code]) for code in self.parameters
        ]
        self.fields["intervention_type"].choices = self._catalogue("intervention_types", False)
        self.fields["outcome"].choices = self._catalogue("outcomes", False)

    def clean(self):
        data = super().clean()
        parameter = data.get("parameter")
        if parameter:
            needs = parameter_targets(parameter)
            if "intervention_type" in needs and not data.get("intervention_type"):
                self.add_error(
                    "intervention_type", _("Choose the intervention this parameter is about.")
                )
            if "outcome" in needs and not data.get("outcome"):
                self.add_error("outcome", _("Choose the outcome this parameter is about."))
        return data

    def targets(self) -> dict[str, str]:
        needs = parameter_targets(self.cleaned_data["parameter"])
        return {key: self.cleaned_data[key] for key in needs}


class UncertaintyForm(_TargetedForm):
    list_name = "uncertainty"
    parameters = tuple(FILE_PARAMETERS)
    parameter = forms.ChoiceField(label=_("Parameter"))
    low = NumberField(label=_("Low"))
    high = NumberField(label=_("High"))
    field_order = ["parameter", "intervention_type", "outcome", "low", "high"]

    def row(self):
        data = self.cleaned_data
        return {
            "parameter": data["parameter"],
            **self.targets(),
            "low": data["low"],
            "high": data["high"],
        }


class OverrideForm(_TargetedForm):
    list_name = "overrides"
    parameters = OVERRIDE_PARAMETERS
    parameter = forms.ChoiceField(label=_("Assumption"))
    value = NumberField(label=_("Value"))
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)
    field_order = ["parameter", "intervention_type", "outcome", "value", "reason"]

    def row(self):
        data = self.cleaned_data
        row = {"parameter": data["parameter"], **self.targets(), "value": data["value"]}
        if data.get("reason"):
            row["reason"] = data["reason"]
        return row


class RowFormSet(BaseRowFormSet):
    """A list of a scenario version, each row as the scenario file has it."""

    def row(self, form) -> dict:
        return form.row()


def _formset(form_class, title):
    return row_formset(form_class, title, extra=2, max_num=500, formset=RowFormSet)


IntakeFormSet = _formset(IntakeRowForm, _("Planned intake"))
ProgrammeCostFormSet = _formset(ProgrammeCostForm, _("Programme costs"))
BudgetFormSet = _formset(BudgetRowForm, _("Budget envelope"))
UncertaintyFormSet = _formset(UncertaintyForm, _("Uncertainty ranges"))
OverrideFormSet = _formset(OverrideForm, _("Overrides of catalogue assumptions"))

#: (prefix in the form, list in the scenario file, formset class)
LISTS = (
    ("intake", "intake", IntakeFormSet),
    ("programme", "programme_costs", ProgrammeCostFormSet),
    ("budget", "budget", BudgetFormSet),
    ("uncertainty", "uncertainty", UncertaintyFormSet),
    ("overrides", "overrides", OverrideFormSet),
)


class VersionEditor:
    """The parameters form and the five list formsets of a draft version, read and checked
    together; ``changes()`` is what ``scenario_version_update`` receives."""

    def __init__(self, version: ScenarioVersion, data=None):
        self.version = version
        catalogue = version.catalogue
        if data is None:
            self.parameters = ParametersForm(initial=ParametersForm.initial_for(version))
        else:
            self.parameters = ParametersForm(data)
        self.formsets = {}
        for prefix, list_name, formset_class in LISTS:
            rows = getattr(version, list_name) or []
            self.formsets[list_name] = formset_class(
                data,
                prefix=prefix,
                initial=None if data is not None else [dict(row) for row in rows],
                form_kwargs={"catalogue": catalogue},
            )
        self.general_errors: list[str] = []
        self._rows: dict[str, list[int]] = {}

    def is_valid(self) -> bool:
        valid = self.parameters.is_valid()
        for formset in self.formsets.values():
            valid = formset.is_valid() and valid
        return valid

    def changes(self) -> dict[str, Any]:
        changes = self.parameters.changes()
        for list_name, formset in self.formsets.items():
            rows, self._rows[list_name] = formset.rows()
            changes[list_name] = rows
        if not changes["budget"]:
            changes["budget"] = None
        return changes

    def add_service_error(self, error: ValidationError) -> None:
        """Put each message of a service's ValidationError on the field it names."""
        if hasattr(error, "error_dict"):
            items = [
                (f"parameters.{field}: {message}" if field != "__all__" else message)
                for field, messages in error.message_dict.items()
                for message in messages
            ]
        else:
            items = error.messages
        for message in items:
            path, text = split_message(message)
            if not self._place(path, text):
                self.general_errors.append(message)

    def _place(self, path, text) -> bool:
        if not path:
            return False
        head, index = path[0]
        if head == "parameters":
            field = self.parameters.field_for(path)
            if field:
                self.parameters.add_error(field, text)
                return True
            return False
        if head in ("note", "assumptions") and len(path) == 1:
            self.parameters.add_error(head, text)
            return True
        formset = self.formsets.get(head)
        if formset is None or index is None:
            return False
        used = self._rows.get(head, [])
        if index >= len(used):
            return False
        form = formset.forms[used[index]]
        field = path[1][0] if len(path) > 1 else None
        form.add_error(field if field in form.fields else None, text)
        return True

    def error_items(self) -> list[dict]:
        """Every error for the summary at the top, each with the field it links to."""
        items = [{"message": message} for message in self.general_errors]
        items += [{"message": message} for message in self.parameters.non_field_errors()]
        for field in self.parameters:
            for message in field.errors:
                items.append({"label": field.label, "message": message, "anchor": field.auto_id})
        for formset in self.formsets.values():
            for message in formset.non_form_errors():
                items.append({"label": formset.title, "message": message})
            for number, form in enumerate(formset.forms, start=1):
                row = _("%(list)s, row %(n)s") % {"list": formset.title, "n": number}
                first = form[next(iter(form.fields))].auto_id
                for message in form.non_field_errors():
                    items.append({"label": row, "message": message, "anchor": first})
                for field in form:
                    for message in field.errors:
                        items.append(
                            {
                                "label": f"{row}: {field.label}",
                                "message": message,
                                "anchor": field.auto_id,
                            }
                        )
        return items
