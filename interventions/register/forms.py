"""Forms of the household register. They parse and show input; the services validate and write."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import QueryDict
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from interventions.catalogue.models import InterventionType
from monitoring.models import Area
from monitoring.selectors import current_districts
from siex.core.forms import AmountField, PercentField, dutch_formfield

from .models import (
    DebtSituation,
    Household,
    IncomeSource,
    Intervention,
    InterventionStatus,
)
from .pseudonyms import refuse_bsn
from .selectors import (
    DEFAULT_REGISTER_ORDERING,
    REGISTER_ORDERINGS,
    ParticipationStatus,
    RegisterQuery,
    Task,
)
from .services import HOUSEHOLD_EDITABLE_FIELDS, INTERVENTION_EDITABLE_FIELDS


class LoadedChoices(forms.ModelChoiceField):
    """A model choice field whose options are read once (``load``): the options shown and the
    chosen value checked come from the same list, instead of one query for the options and
    another for the value."""

    def load(self, objects: list) -> None:
        self._by_pk = {str(obj.pk): obj for obj in objects}
        empty = [] if self.empty_label is None else [("", self.empty_label)]
        self.choices = [*empty, *((obj.pk, self.label_from_instance(obj)) for obj in objects)]

    def to_python(self, value):
        by_pk = getattr(self, "_by_pk", None)
        if by_pk is None or value in self.empty_values:
            return super().to_python(value)
        found = by_pk.get(str(getattr(value, "pk", value)))
        if found is None:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return found


class DistrictChoiceField(LoadedChoices):
    def label_from_instance(self, obj: Area) -> str:
        return obj.name


class InterventionTypeChoiceField(LoadedChoices):
    def label_from_instance(self, obj: InterventionType) -> str:
        return obj.name_nl


def _grouped_types(queryset) -> list:
    """Choices grouped by life domain (optgroups), so a long catalogue stays readable."""
    groups: dict[str, list] = {}
    for intervention_type in queryset.select_related("life_domain").order_by(
        "life_domain__sort_order", "name_nl"
    ):
        groups.setdefault(intervention_type.life_domain.name_nl, []).append(
            (intervention_type.pk, intervention_type.name_nl)
        )
    return [("", "---------"), *groups.items()]


# --- The register list ----------------------------------------------------------------------------


FILTERS = (
    "area",
    "income_source",
    "debt_situation",
    "participation",
    "intervention_type",
    "task",
    "ordering",
)


class RegisterFilterForm(forms.Form):
    """Search and filters of the register list. The page sends it by POST (a typed reference must
    not reach an address) and reads the same fields from the address the POST redirects to;
    both work without JavaScript."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Own reference, the start of a pseudonym (at least 4 characters) or a wijk."),
    )
    area = DistrictChoiceField(
        label=_("District"), queryset=Area.objects.none(), required=False, empty_label=_("All")
    )
    income_source = forms.ChoiceField(
        label=_("Income source"),
        choices=[("", _("All")), *IncomeSource.choices],
        required=False,
    )
    debt_situation = forms.ChoiceField(
        label=_("Debt situation"),
        choices=[("", _("All")), *DebtSituation.choices],
        required=False,
    )
    participation = forms.ChoiceField(
        label=_("Participation"),
        choices=[
            ("", _("All")),
            (ParticipationStatus.PARTICIPATING, _("participating now")),
            (ParticipationStatus.NOT_STARTED, _("not yet started")),
            (ParticipationStatus.ENDED, _("ended")),
        ],
        required=False,
    )
    intervention_type = InterventionTypeChoiceField(
        label=_("Has received"),
        queryset=InterventionType.objects.none(),
        required=False,
        empty_label=_("Any intervention"),
    )
    task = forms.ChoiceField(
        label=_("To do"),
        choices=[
            ("", _("All")),
            (Task.NO_FOLLOW_UP, _("without follow-up")),
            (Task.PAST_PLANNED_END, _("intervention past its planned end")),
        ],
        required=False,
    )
    ordering = forms.ChoiceField(
        label=_("Sort by"),
        choices=[
            ("-participation_start", _("start of participation, newest first")),
            ("participation_start", _("start of participation, oldest first")),
            ("area", _("district")),
            ("pseudonym", _("pseudonym")),
            ("-updated_at", _("last changed")),
        ],
        required=False,
    )
    page = forms.IntegerField(min_value=1, max_value=100_000, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = current_districts()
        self.fields["intervention_type"].queryset = InterventionType.objects.order_by("name_nl")
        # Each list read once, for its options and to check the chosen value.
        self.fields["area"].load(list(self.fields["area"].queryset))
        self.fields["intervention_type"].load(list(self.fields["intervention_type"].queryset))
        # A check of the code's own constants, never of input (hence the noqa).
        assert {key for key, _label in self.fields["ordering"].choices} == set(REGISTER_ORDERINGS)  # noqa: S101

    def clean_q(self) -> str:
        text = self.cleaned_data["q"].strip()
        refuse_bsn(text)
        return text

    def search_refused(self) -> bool:
        """True when the search text looks like a BSN: then nothing is searched at all."""
        return self.is_bound and self.has_error("q", "bsn")

    def address_query(self, text: str) -> str:
        """The filters as a query string for the list's address, with ``text`` as the search."""
        params = QueryDict(mutable=True)
        if text:
            params["q"] = text
        for name in FILTERS:
            value = self.cleaned_data.get(name)
            if value not in (None, ""):
                params[name] = getattr(value, "pk", value)
        return params.urlencode()

    def query(self) -> RegisterQuery:
        data = self.cleaned_data if self.is_valid() else {}
        return RegisterQuery(
            text=(data.get("q") or "").strip(),
            area=data.get("area"),
            income_source=data.get("income_source") or "",
            debt_situation=data.get("debt_situation") or "",
            participation=data.get("participation") or "",
            intervention_type=data.get("intervention_type"),
            task=data.get("task") or "",
            ordering=data.get("ordering") or DEFAULT_REGISTER_ORDERING,
        )

    def filters(self) -> list[dict]:
        """The select filters as plain (value, label, selected) options.

        The list is the register's busiest page: rendering these options directly costs a tenth
        of rendering them through the form widgets' templates.
        """
        filters = []
        for name in FILTERS:
            field = self[name]
            current = str(field.value() or "")
            filters.append(
                {
                    "name": name,
                    "label": field.label,
                    "options": [
                        (str(value), label, str(value) == current)
                        for value, label in field.field.choices
                    ],
                }
            )
        return filters

    def page_number(self) -> int:
        return (self.cleaned_data.get("page") if self.is_valid() else None) or 1


# --- Households -----------------------------------------------------------------------------------


class VersionedForm(forms.ModelForm):
    """Carries the version the user read, so that a concurrent change is caught, not overwritten.
    Dates and numbers are read the Dutch way (``siex.core.forms``)."""

    #: The fields the form hands to the service (``changes``), which a conflict page compares.
    changed_fields: tuple[str, ...] = ()

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        formfield_callback = dutch_formfield

    def changes(self) -> dict:
        return {field: self.cleaned_data[field] for field in self.changed_fields}


class HouseholdForm(VersionedForm):
    changed_fields = HOUSEHOLD_EDITABLE_FIELDS

    # No wijk is chosen in advance: an officer who overlooks the field is asked for it, rather
    # than filing the household in the first wijk of the list.
    area = DistrictChoiceField(
        label=_("District (wijk)"),
        queryset=Area.objects.none(),
        empty_label=_("— choose a district —"),
    )

    class Meta(VersionedForm.Meta):
        model = Household
        fields = HOUSEHOLD_EDITABLE_FIELDS
        field_classes = {"income_pct_social_minimum": PercentField}
        help_texts = {
            "participation_end": _("Leave empty while the household takes part."),
            "income_pct_social_minimum": _(  # xgettext:no-python-format
                "For example 105 for an income of 105% of the social minimum. Leave empty when "
                "unknown."
            ),
            "legal_basis": _("The ground on which SIEX may process this household's data."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = current_districts()


class HouseholdCreateForm(HouseholdForm):
    external_reference = forms.CharField(
        label=_("Own reference"),
        max_length=100,
        help_text=_(
            "The municipality's client or case number, e.g. WIJ-2024-00123. SIEX turns it into a "
            "pseudonym and does not store it. Never a BSN or a name."
        ),
    )
    version = None

    class Meta(HouseholdForm.Meta):
        fields = ["external_reference", *HOUSEHOLD_EDITABLE_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["external_reference"].widget.attrs["autocomplete"] = "off"


# --- Interventions --------------------------------------------------------------------------------

#: What ending an intervention changes (``InterventionEndForm``).
INTERVENTION_END_FIELDS = ("end_date", "status", "actual_cost", "cost_deviation_reason")


class InterventionForm(VersionedForm):
    changed_fields = INTERVENTION_EDITABLE_FIELDS

    intervention_type = InterventionTypeChoiceField(
        label=_("Intervention"), queryset=InterventionType.objects.none()
    )

    class Meta(VersionedForm.Meta):
        model = Intervention
        fields = INTERVENTION_EDITABLE_FIELDS
        field_classes = {"actual_cost": AmountField}
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 4}),
            "cost_deviation_reason": forms.TextInput(),
        }
        help_texts = {
            "end_date": _("Leave empty while the intervention runs."),
            "actual_cost": _(  # xgettext:no-python-format
                "Filled in with the unit cost from the catalogue. Change it to what the "
                "intervention really cost; more than 25% different needs a reason."
            ),
            "notes": _(
                "What matters for the follow-up. No names, addresses, telephone numbers, BSN or "
                "other details that identify a person."
            ),
        }

    def __init__(self, *args, household: Household, **kwargs):
        super().__init__(*args, **kwargs)
        self.household = household
        types = InterventionType.objects.filter(is_active=True)
        if self.instance.pk:
            # A type taken out of use stays selectable on the records that already have it.
            types = InterventionType.objects.filter(
                Q(is_active=True) | Q(pk=self.instance.intervention_type_id)
            )
        field = self.fields["intervention_type"]
        field.queryset = types
        field.choices = _grouped_types(types)
        # Choosing a type fills in its unit cost (htmx; without JavaScript the officer types it).
        field.widget.attrs.update(
            {
                "hx-get": reverse_lazy("register:unit-cost"),
                "hx-target": "#unit-cost-hint",
                "hx-trigger": "change",
                # The cost typed so far: the unit cost replaces it only when it is empty or still
                # the unit cost filled in before, never what the officer typed.
                "hx-include": "#id_actual_cost, #unit-cost-filled",
            }
        )

    @classmethod
    def cost_widget(cls):
        """The box of the cost field, for the unit cost that choosing a type fills in."""
        return cls.base_fields["actual_cost"].widget

    @classmethod
    def cost_untouched(cls, typed: str, filled: str) -> bool:
        """Whether the cost field holds nothing of the officer's own: it is empty, or it still
        holds the unit cost filled in before (``filled``)."""
        field = cls.base_fields["actual_cost"]
        if not typed.strip():
            return True
        try:
            return bool(filled.strip()) and field.to_python(typed) == field.to_python(filled)
        except ValidationError:
            return False


class InterventionCreateForm(InterventionForm):
    version = None
    # Shown only when the household already has a running intervention of the type chosen: the
    # service then asks for this confirmation (services.DUPLICATE_CONFIRMATION).
    confirm_duplicate = forms.BooleanField(label=_("Add it anyway"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.household = self.household
        self.fields["status"].initial = InterventionStatus.ACTIVE

    def asks_to_confirm_duplicate(self) -> bool:
        return self.has_error("confirm_duplicate") or bool(self["confirm_duplicate"].value())


class InterventionEndForm(VersionedForm):
    """Ending an intervention: the end date, how it ended and what it cost in the end."""

    changed_fields = INTERVENTION_END_FIELDS
    status = forms.ChoiceField(
        label=_("How did it end?"),
        choices=[
            (InterventionStatus.COMPLETED, _("completed")),
            (InterventionStatus.STOPPED, _("stopped early")),
        ],
        widget=forms.RadioSelect,
    )

    class Meta(VersionedForm.Meta):
        model = Intervention
        fields = INTERVENTION_END_FIELDS
        field_classes = {"actual_cost": AmountField}
        widgets = {"cost_deviation_reason": forms.TextInput()}
        help_texts = {
            "actual_cost": _(  # xgettext:no-python-format
                "What the intervention cost in the end. More than 25% different from the unit "
                "cost needs a reason."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["end_date"].required = True
