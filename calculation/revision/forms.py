"""Forms of the revision and the closing: what the project lead enters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from siex.core.forms import DateField

from .services import default_revision_date


class RevisionForm(forms.Form):
    revision_date = DateField(
        label=_("Revision date"),
        initial=default_revision_date,
        help_text=_(
            "The years before this date carry the actual volumes and costs; the years from it on "
            "keep the plan. Usually 1 January of this year."
        ),
    )
    note = forms.CharField(
        label=_("Note on the revision"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CloseForm(forms.Form):
    note = forms.CharField(
        label=_("Note on the final version"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
