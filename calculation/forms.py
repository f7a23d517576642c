"""Forms of the scenario pages. They only read what was typed; what a scenario may hold is checked
by the services (``calculation.services``), with the same messages as the file import and the API.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from siex.core.forms import (
    AmountField,
    JsonUploadForm,
    NumberField,
    PercentField,
    WholeNumberField,
    format_number,
    row_formset,
)
from siex.core.forms import RowFormSet as BaseRowFormSet
from siex.core.templatetags.siex import euro

from .engine import PARAMETER_KINDS
from .labels import (
    PARAMETER_LABELS,
    PROGRAMME_CATEGORY_LABELS,
    catalogue_choices,
    parameter_targets,
)
from .models import PriceBasis, ScenarioVersion
from .presentation import split_message
from .scenario import (
    FILE_PARAMETERS,
    MAX_DRAWS,
    MAX_HORIZON,
    MIN_DRAWS,
    OVERRIDE_PARAMETERS,
    PARAMETER_FIELDS,
    PROGRAMME_CATEGORIES,
    RATE_LIMITS,
    ScenarioError,
)

GRADES = range(1, 7)
HUNDRED = Decimal(100)
#: The parameters the form gives one field each; the optimism-bias cuts have one field per grade.
SINGLE_FIELD_PARAMETERS = tuple(name for name in PARAMETER_FIELDS if name != "optimism_bias_pct")


def rate_field(name: str, label, help_text) -> PercentField:
    """A rate typed in percent (2,25 or 2,25%) and kept as the fraction the scenario holds, within
    the limits the scenario check sets."""
    low, high = RATE_LIMITS[name]
    return PercentField(
        label=label,
        help_text=help_text,
        fraction=True,
        as_float=True,
        min_value=Decimal(str(low)) * HUNDRED,
        max_value=Decimal(str(high)) * HUNDRED,
    )


#: Parameters of the uncertainty and override lists that a file writes as a fraction and a form
#: shows as a percentage (as the catalogue pages show a success probability).
PERCENT_OF_FRACTION = frozenset({"discount_rate", "success_probability"})


def unit_of(parameter: str) -> str:
    """How a form shows a value of ``parameter``: "percent", "euro" or "number"."""
    if parameter in PERCENT_OF_FRACTION or parameter.endswith("_pct"):
        return "percent"
    if parameter == "unit_cost":
        return "euro"
    return "number"


def shown_value(parameter: str, value: Any) -> Any:
    """A value of ``parameter`` as the scenario file writes it, in the units the form shows;
    anything but a number (nothing, a text) as it is, for the form to refuse."""
    if value is None or isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return value
    return shown_number(parameter, value)


def shown_number(parameter: str, value: float | Decimal) -> Decimal:
    """A number of ``parameter`` from the scenario file in the units the form shows."""
    number = Decimal(str(value))
    return number * HUNDRED if parameter in PERCENT_OF_FRACTION else number


def file_value(parameter: str, value: Decimal | None) -> int | float | None:
    """A value typed in the form's units as the scenario file writes it."""
    if value is None:
        return None
    if parameter in PERCENT_OF_FRACTION:
        value = value / HUNDRED
    return int(value) if value == value.to_integral_value() else float(value)


def shown_text(parameter: str, value: Decimal) -> str:
    """A value in the form's units as the page writes it: 2,25%, EUR 1.200,00, 1,1."""
    unit = unit_of(parameter)
    if unit == "euro":
        return euro(value)
    text = format_number(value)
    return f"{text}\u00a0%" if unit == "percent" else text


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


# --- editing a draft version ----------------------------------------------------------------------


class ParametersForm(forms.Form):
    """The parameters of a scenario version, its note and its stated assumptions."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    start_year = WholeNumberField(label=_("Start year"), grouping=False)
    horizon_years = WholeNumberField(
        label=_("Horizon (years)"),
        help_text=_("10 years as for a GREX; up to 30 allowed, with a warning above 10."),
        min_value=1,
        max_value=MAX_HORIZON,
    )
    price_basis = forms.ChoiceField(label=_("Price basis"), choices=PriceBasis.choices)
    discount_rate = rate_field(
        "discount_rate",
        _("Discount rate (%)"),
        _("2,25 is the Dutch MKBA standard; 2 for the BBV, 3,5 for the Green Book."),
    )
    cost_indexation = rate_field(
        "cost_indexation",
        _("Cost indexation per year (%)"),
        _("Only on a nominal price basis, otherwise 0."),
    )
    benefit_indexation = rate_field(
        "benefit_indexation",
        _("Benefit indexation per year (%)"),
        _("Only on a nominal price basis, otherwise 0."),
    )
    financing_rate = rate_field(
        "financing_rate",
        _("Financing rate (%)"),
        _("Interest charged on the opening book value of the ledger."),
    )
    bbv_discount_rate = rate_field(
        "bbv_discount_rate",
        _("BBV discount rate (%)"),
        _("Discounts the ledger's end value to the start (BBV: 2)."),
    )
    count_registered = forms.BooleanField(
        label=_("Count registered interventions"),
        required=False,
        help_text=_("Add the interventions registered in SIEX to the planned intake."),
    )
    monte_carlo_draws = WholeNumberField(
        label=_("Monte Carlo draws"),
        help_text=_("Between 100 and 100.000; default 10.000."),
        min_value=MIN_DRAWS,
        max_value=MAX_DRAWS,
    )
    seed = WholeNumberField(
        label=_("Random seed"),
        grouping=False,
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
            self.fields[f"optimism_bias_{grade}"] = PercentField(
                label=_("Optimism-bias cut, confidence grade %(grade)s (%%)") % {"grade": grade},
                as_float=True,
                min_value=0,
                max_value=100,
            )

    @property
    def bias_fields(self):
        return [self[f"optimism_bias_{grade}"] for grade in GRADES]

    @property
    def main_fields(self):
        """The parameters with a field of their own, in the order of the form; the checkbox of
        ``count_registered`` stands apart."""
        return [
            self[name]
            for name in self.fields
            if name in SINGLE_FIELD_PARAMETERS and name != "count_registered"
        ]

    @staticmethod
    def initial_for(version: ScenarioVersion) -> dict[str, Any]:
        initial = {
            name: getattr(version, name) for name in ("version", *SINGLE_FIELD_PARAMETERS, "note")
        }
        initial["assumptions"] = "\n".join(version.assumptions or [])
        bias = version.optimism_bias_pct if isinstance(version.optimism_bias_pct, list) else []
        for grade in GRADES:
            initial[f"optimism_bias_{grade}"] = bias[grade - 1] if len(bias) >= grade else None
        return initial

    def changes(self, version: ScenarioVersion | None = None) -> dict[str, Any]:
        """The parameters as ``scenario_version_update`` takes them. With ``version``, a field
        that could not be read keeps the version's value, so that the rest can be checked."""
        data = self.cleaned_data
        stored = self.initial_for(version) if version is not None else {}

        def value(name):
            return data[name] if name in data else stored[name]

        changes = {name: value(name) for name in (*SINGLE_FIELD_PARAMETERS, "note")}
        changes["optimism_bias_pct"] = [value(f"optimism_bias_{grade}") for grade in GRADES]
        changes["assumptions"] = [
            line.strip() for line in value("assumptions").splitlines() if line.strip()
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


def _choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """The choice field ``name`` of ``form``, to give it its choices."""
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{name} is not a choice field.")
    return field


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
    year = WholeNumberField(label=_("Year"), grouping=False)
    households = NumberField(label=_("Households"), as_float=True)
    # Empty: the catalogue's unit cost (the page says so above the table).
    unit_cost = AmountField(label=_("Unit cost (EUR)"), required=False, as_float=True)

    def set_choices(self):
        _choice_field(self, "intervention_type").choices = self._catalogue("intervention_types")

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
    year = WholeNumberField(label=_("Year"), grouping=False)
    amount = AmountField(label=_("Amount (EUR)"), as_float=True)

    def set_choices(self):
        _choice_field(self, "category").choices = _blank(_("– choose –")) + [
            (code, PROGRAMME_CATEGORY_LABELS[code]) for code in PROGRAMME_CATEGORIES
        ]
        _choice_field(self, "actor").choices = self._catalogue("actors")

    def row(self):
        data = self.cleaned_data
        return {key: data[key] for key in ("category", "actor", "year", "amount")}


class BudgetRowForm(RowForm):
    list_name = "budget"
    year = WholeNumberField(label=_("Year"), grouping=False)
    amount = AmountField(label=_("Budget (EUR)"), as_float=True)

    def row(self):
        return {"year": self.cleaned_data["year"], "amount": self.cleaned_data["amount"]}


class ParameterValueField(NumberField):
    """A value of an uncertainty or override row, in the unit of its parameter (``unit_of``): a
    percentage may end in %, a unit cost start with EUR or €."""

    currency = True
    percent = True


class _TargetedForm(RowForm):
    """A row about a parameter that may name an intervention type and/or an outcome; its values
    are typed in the units of ``unit_of`` (rates and probabilities in percent)."""

    parameters: tuple[str, ...] = ()
    #: The fields holding a value of the parameter.
    value_fields: tuple[str, ...] = ()
    intervention_type = forms.ChoiceField(label=_("Intervention"), required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), required=False)

    def set_choices(self):
        _choice_field(self, "parameter").choices = _blank(_("– choose –")) + [
            (code, PARAMETER_LABELS[code]) for code in self.parameters
        ]
        _choice_field(self, "intervention_type").choices = self._catalogue(
            "intervention_types", False
        )
        _choice_field(self, "outcome").choices = self._catalogue("outcomes", False)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        parameter = data.get("parameter")
        if parameter:
            needs = parameter_targets(parameter)
            if "intervention_type" in needs and not data.get("intervention_type"):
                self.add_error(
                    "intervention_type", _("Choose the intervention this parameter is about.")
                )
            if "outcome" in needs and not data.get("outcome"):
                self.add_error("outcome", _("Choose the outcome this parameter is about."))
            if parameter in PERCENT_OF_FRACTION:
                self._check_percentage(parameter, data)
        return data

    def _check_percentage(self, parameter: str, data: dict) -> None:
        """A percentage that stands for a fraction stays within the fraction's bounds (said in
        percent here: the scenario check would say them as fractions)."""
        low, high = (
            Decimal(str(bound)) * HUNDRED for bound in PARAMETER_KINDS[parameter]["bounds"]
        )
        for name in self.value_fields:
            value = data.get(name)
            if value is not None and not low <= value <= high:
                self.add_error(
                    name,
                    _("Enter a percentage between %(low)s and %(high)s.")
                    % {"low": format_number(low), "high": format_number(high)},
                )

    def targets(self) -> dict[str, str]:
        needs = parameter_targets(self.cleaned_data["parameter"])
        return {key: self.cleaned_data[key] for key in needs}

    @classmethod
    def initial_for(cls, row: dict) -> dict:
        initial = dict(row)
        for name in cls.value_fields:
            initial[name] = shown_value(row.get("parameter", ""), row.get(name))
        return initial


class UncertaintyForm(_TargetedForm):
    list_name = "uncertainty"
    parameters = tuple(FILE_PARAMETERS)
    value_fields = ("low", "high")
    parameter = forms.ChoiceField(label=_("Parameter"))
    low = ParameterValueField(label=_("Low"))
    high = ParameterValueField(label=_("High"))
    field_order = ["parameter", "intervention_type", "outcome", "low", "high"]

    def row(self):
        data = self.cleaned_data
        parameter = data["parameter"]
        return {
            "parameter": parameter,
            **self.targets(),
            "low": file_value(parameter, data["low"]),
            "high": file_value(parameter, data["high"]),
        }


class OverrideForm(_TargetedForm):
    list_name = "overrides"
    parameters = OVERRIDE_PARAMETERS
    value_fields = ("value",)
    parameter = forms.ChoiceField(label=_("Assumption"))
    value = ParameterValueField(label=_("Value"))
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)
    field_order = ["parameter", "intervention_type", "outcome", "value", "reason"]

    def row(self):
        data = self.cleaned_data
        parameter = data["parameter"]
        row = {
            "parameter": parameter,
            **self.targets(),
            "value": file_value(parameter, data["value"]),
        }
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

#: (prefix in the form, list in the scenario file, formset class), in the order of LIST_FIELDS.
LISTS = tuple(
    (prefix, formset.form.list_name, formset)
    for prefix, formset in (
        ("intake", IntakeFormSet),
        ("programme", ProgrammeCostFormSet),
        ("budget", BudgetFormSet),
        ("uncertainty", UncertaintyFormSet),
        ("overrides", OverrideFormSet),
    )
)

#: The button that widens an uncertainty range: its name, and its value "row|low|high".
WIDEN = "widen_range"


def widen_range(data, button: str):
    """The submitted ``data`` with the uncertainty range that the button ``widen_range`` names
    widened to the values it carries (in the form's notation); ``data`` itself when the button
    does not name a row."""
    index, _sep, values = button.partition("|")
    low, _sep, high = values.partition("|")
    if not index.isdigit() or not low or not high:
        return data
    data = data.copy()
    data[f"uncertainty-{index}-low"] = low
    data[f"uncertainty-{index}-high"] = high
    return data


class VersionEditor:
    """The parameters form and the five list formsets of a draft version, read and checked
    together; ``changes()`` is what ``scenario_version_update`` receives.

    ``check()`` puts every problem on the page at once: what the fields cannot read and what the
    scenario check (``services.scenario_version_check``) finds in the rest, one message per
    mistake. A range that leaves out its parameter's value comes with an offer to widen it.
    """

    def __init__(self, version: ScenarioVersion, data=None):
        self.version = version
        catalogue = version.catalogue
        if data is not None and data.get(WIDEN):
            data = widen_range(data, data[WIDEN])
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
                initial=None
                if data is not None
                else [formset_class.form.initial_for(row) for row in rows],
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
        """What was typed as ``scenario_version_update`` takes it; a field that cannot be read
        keeps the version's value and a row that cannot be read is left out, so that the rest
        can still be checked."""
        changes = self.parameters.changes(self.version)
        for list_name, formset in self.formsets.items():
            rows, self._rows[list_name] = formset.rows()
            changes[list_name] = rows
        if not changes["budget"]:
            changes["budget"] = None
        return changes

    def add_problems(self, problems: ScenarioError) -> None:
        """Put the scenario check's problems on the fields and rows they are about."""
        outside = {
            self._rows["uncertainty"][index]: values
            for index, values in problems.outside.items()
            if index < len(self._rows.get("uncertainty", []))
        }
        for message in problems.messages:
            path, text = split_message(message)
            if path and path[0][0] == "uncertainty" and len(path) == 1:
                form_index = self._form_index("uncertainty", path[0][1])
                if form_index in outside:
                    self._offer_widening(form_index, *outside[form_index])
                    continue
            if not self._place(path, text):
                self.general_errors.append(message)

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

    @property
    def offers_widening(self) -> bool:
        return any(getattr(form, "widening", None) for form in self.formsets["uncertainty"])

    def _form_index(self, list_name: str, index: int | None) -> int | None:
        used = self._rows.get(list_name, [])
        return used[index] if index is not None and index < len(used) else None

    def _offer_widening(self, form_index: int, low: float, high: float, value: float) -> None:
        form = self.formsets["uncertainty"].forms[form_index]
        parameter = form.cleaned_data["parameter"]
        if parameter == "discount_rate" and self.parameters.errors.get("discount_rate"):
            return  # the rate itself cannot be read: its own message says so
        shown_low, shown_high, shown_at = (
            shown_number(parameter, number) for number in (low, high, value)
        )
        wider = (min(shown_low, shown_at), max(shown_high, shown_at))
        field = form.fields["low"]
        # The row shows the offer (a button that sends the form with the wider range).
        form.widening = {
            "name": WIDEN,
            "value": f"{form_index}|{field.widget.format_value(wider[0])}|"
            f"{field.widget.format_value(wider[1])}",
            "label": _("Widen the range to %(range)s")
            % {"range": self._range_text(parameter, *wider)},
        }
        form.add_error(
            None,
            _(
                "The range %(range)s leaves out the value the calculation uses (%(value)s): widen "
                "the range or change the value."
            )
            % {
                "range": self._range_text(parameter, shown_low, shown_high),
                "value": shown_text(parameter, shown_at),
            },
        )

    @staticmethod
    def _range_text(parameter: str, low: Decimal, high: Decimal) -> str:
        if unit_of(parameter) == "percent":
            return f"{format_number(low)} – {shown_text(parameter, high)}"
        return f"{shown_text(parameter, low)} – {shown_text(parameter, high)}"

    def _place(self, path, text) -> bool:
        """Put ``text`` on the field ``path`` names; a field that already has a message keeps
        only that one (one mistake, one message)."""
        if not path:
            return False
        head, index = path[0]
        if head == "parameters":
            field = self.parameters.field_for(path)
            if field:
                if not self.parameters.errors.get(field):
                    self.parameters.add_error(field, text)
                return True
            return False
        if head in ("note", "assumptions") and len(path) == 1:
            if not self.parameters.errors.get(head):
                self.parameters.add_error(head, text)
            return True
        formset = self.formsets.get(head)
        if formset is None:
            return False
        form_index = self._form_index(head, index)
        if form_index is None:
            return False
        form = formset.forms[form_index]
        field = path[1][0] if len(path) > 1 else None
        field = field if field in form.fields else None
        if field is None or not form.errors.get(field):
            form.add_error(field, text)
        return True

    def error_items(self) -> list[dict]:
        """Every error for the summary at the top, each with the field it links to."""
        items: list[dict[str, Any]] = [{"message": message} for message in self.general_errors]
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
