"""Forms of the follow-up. They parse and show input; the services validate and write."""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy as _

from interventions.catalogue.models import Outcome
from interventions.register.forms import VersionedForm
from interventions.register.models import Household, Intervention
from siex.core.templatetags.siex import short_date

from .models import Assessment, Instrument, OutcomeEvent, SurveyResponse, score_field, wave_label
from .services import EVENT_EDITABLE_FIELDS, SURVEY_EDITABLE_FIELDS

#: The waves offered: T0, T+6 and T+12 months, then yearly for the ten years of a programme.
WAVES = (0, 6, 12, *range(24, 121, 12))


class InterventionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Intervention) -> str:
        return f"{obj.intervention_type.name_nl} ({short_date(obj.start_date)})"


class OutcomeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Outcome) -> str:
        return obj.name_nl


def _household_interventions(household: Household):
    return (
        Intervention.objects.filter(household=household)
        .select_related("intervention_type")
        .order_by("start_date", "id")
    )


class AssessmentForm(VersionedForm):
    """The date and a score per domain of the instrument (a domain may be left unscored)."""

    class Meta(VersionedForm.Meta):
        model = Assessment
        fields = ("date",)

    def __init__(self, *args, household: Household, instrument: Instrument, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.household = household
        self.instance.instrument = instrument
        self.instrument = instrument
        levels = [
            (str(level.score), f"{level.score} – {level.name}") for level in instrument.levels.all()
        ]
        self.score_fields = []
        for domain in instrument.domains.all():
            name = score_field(domain.code)
            self.fields[name] = forms.TypedChoiceField(
                label=domain.name,
                choices=[("", _("not scored")), *levels],
                coerce=int,
                empty_value=None,
                required=False,
                initial=(self.instance.scores or {}).get(domain.code),
            )
            self.score_fields.append((domain.code, name))
        if "version" in self.fields:  # after the scores, as in every form
            self.fields["version"] = self.fields.pop("version")

    def scores(self) -> dict[str, int]:
        return {
            code: self.cleaned_data[name]
            for code, name in self.score_fields
            if self.cleaned_data.get(name) is not None
        }

    def clean(self):
        cleaned = super().clean()
        # The model's own validation (which the form runs next) sees the scores entered.
        self.instance.scores = self.scores()
        return cleaned

    def changes(self) -> dict:
        return {"date": self.cleaned_data["date"], "scores": self.scores()}

    def _update_errors(self, errors):
        # "Score at least one domain" is about the form as a whole: shown at its top.
        if hasattr(errors, "error_dict") and "scores" in errors.error_dict:
            errors.error_dict.setdefault(NON_FIELD_ERRORS, []).extend(
                errors.error_dict.pop("scores")
            )
        super()._update_errors(errors)


class AssessmentCreateForm(AssessmentForm):
    version = None


def _answer_field(model_field) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=model_field.verbose_name,
        help_text=model_field.help_text,
        choices=[("", _("not answered")), *((str(n), str(n)) for n in range(1, 11))],
        coerce=int,
        empty_value=None,
        required=False,
    )


class SurveyForm(VersionedForm):
    changed_fields = SURVEY_EDITABLE_FIELDS

    wave = forms.TypedChoiceField(
        label=_("Wave"),
        choices=[(str(months), wave_label(months)) for months in WAVES],
        coerce=int,
        help_text=_("T0 at the start, then 6 and 12 months later, then every year."),
    )
    most_valuable_help = InterventionChoiceField(
        label=_("Which help mattered most?"),
        queryset=Intervention.objects.none(),
        required=False,
        empty_label=_("— not answered —"),
    )

    class Meta(VersionedForm.Meta):
        model = SurveyResponse
        fields = SURVEY_EDITABLE_FIELDS

    def __init__(self, *args, household: Household, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.household = household
        for item in SurveyResponse.ITEMS:
            self.fields[item] = _answer_field(SurveyResponse._meta.get_field(item))
        self.fields["most_valuable_help"].queryset = _household_interventions(household)
        self.order_fields(["wave", "date", *SurveyResponse.ITEMS, "most_valuable_help"])


class SurveyCreateForm(SurveyForm):
    version = None


class OutcomeEventForm(VersionedForm):
    changed_fields = EVENT_EDITABLE_FIELDS

    outcome = OutcomeChoiceField(label=_("Outcome"), queryset=Outcome.objects.none())
    intervention = InterventionChoiceField(
        label=_("Attributed to"),
        queryset=Intervention.objects.none(),
        required=False,
        empty_label=_("— no intervention (not known) —"),
        help_text=_("The intervention this outcome is owed to, when that is known."),
    )

    class Meta(VersionedForm.Meta):
        model = OutcomeEvent
        fields = EVENT_EDITABLE_FIELDS
        widgets = {"evidence": forms.RadioSelect}

    def __init__(self, *args, household: Household, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.household = household
        self.fields["outcome"].queryset = Outcome.objects.order_by("name_nl")
        self.fields["intervention"].queryset = _household_interventions(household)
        # One of the sources is chosen; no blank radio button ("---------") to leave it open.
        evidence = self.fields["evidence"]
        evidence.choices = [choice for choice in evidence.choices if choice[0] != ""]


class OutcomeEventCreateForm(OutcomeEventForm):
    version = None
