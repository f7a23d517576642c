"""The choice of a comparison: two to six versions with a finished calculation, and the baseline
among them (without a choice the oldest chosen version). A version the reader may not compare (a
draft for a council member, an unknown id, one without a finished run) is refused with one and
the same message, so that the answer tells nothing of what exists."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MIN_VERSIONS = 2
MAX_VERSIONS = 6

NOT_AVAILABLE = _(
    "Version %(value)s cannot be compared: it does not exist, has no finished calculation or is "
    "not available to you."
)


class CompareForm(forms.Form):
    versions = forms.MultipleChoiceField(
        label=_("Scenario versions"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Choose two to six versions. Only versions with a finished calculation can be compared."
        ),
        error_messages={
            "required": _("Choose at least two versions."),
            "invalid_choice": NOT_AVAILABLE,
        },
    )
    baseline = forms.ChoiceField(
        label=_("Baseline"),
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "The other versions are compared with this one. Without a choice: the oldest of the "
            "chosen versions."
        ),
        error_messages={"invalid_choice": NOT_AVAILABLE},
    )

    def __init__(self, *args, versions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.version_objects = {str(v.pk): v for v in versions}
        choices = [
            (str(v.pk), f"{v.scenario.name} – v{v.number} ({v.get_status_display()})")
            for v in versions
        ]
        for name in ("versions", "baseline"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)  # noqa: S101 - narrows the type for mypy
            field.choices = choices

    def clean_versions(self):
        chosen = self.cleaned_data["versions"]
        if len(chosen) < MIN_VERSIONS:
            raise ValidationError(_("Choose at least two versions."), code="too_few")
        if len(chosen) > MAX_VERSIONS:
            raise ValidationError(_("Choose at most six versions."), code="too_many")
        # In the order of the list, whatever the order of the query string.
        return [v for pk, v in self.version_objects.items() if pk in set(chosen)]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        versions = cleaned.get("versions")
        if not versions:
            return cleaned
        baseline = cleaned.get("baseline")
        if "baseline" in self.errors:
            return cleaned
        if baseline:
            chosen = {str(v.pk): v for v in versions}
            if baseline not in chosen:
                self.add_error(
                    "baseline",
                    ValidationError(
                        _("The baseline must be one of the chosen versions."), code="not_chosen"
                    ),
                )
                return cleaned
            cleaned["baseline"] = chosen[baseline]
        else:
            cleaned["baseline"] = min(versions, key=lambda v: (v.created_at, v.pk))
        return cleaned
