"""The form of the indicator file upload: it only reads input; the services check the file."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from siex.core.tabular.limits import file_size_mb
from siex.core.text import validate_no_control_characters


class IndicatorUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File of indicator values (CSV or XLSX)"),
        help_text=_(
            "Long: a row per area, year and indicator (columns gebied, jaar, indicator, waarde). "
            "Wide, as CBS publishes its kerncijfers: a row per area and a column per indicator "
            "code; give the year below if the file has no column jaar."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
    period = forms.IntegerField(
        label=_("Year of the values"),
        required=False,
        min_value=1990,
        max_value=2100,
        help_text=_("Only for a file without a column jaar (a CBS kerncijfers table)."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    source = forms.CharField(
        label=_("Source"),
        required=False,
        max_length=300,
        validators=[validate_no_control_characters],
        help_text=_("Where the values come from, e.g. “CBS Kerncijfers wijken en buurten 2023”."),
    )
    provisional = forms.BooleanField(
        label=_("The values are provisional"),
        required=False,
        help_text=_("A column status in the file decides per row."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.SIEX_IMPORT_MAX_BYTES
        # Refused on its size before it is read.
        if upload.size > limit:
            raise ValidationError(
                _("The file is larger than %(mb)s MB. Split it into smaller files.")
                % {"mb": file_size_mb(limit)},
                code="too_large",
            )
        return upload
