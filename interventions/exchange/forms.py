"""Forms of the import and export page: the upload of a spreadsheet and the choice of an export.
They only read input; the services check the file and ``export`` writes files."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from monitoring.selectors import current_districts

from .columns import HOUSEHOLDS, INTERVENTIONS, KINDS
from .sheets import file_size_mb

ALL = "all"


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (CSV or XLSX)"),
        help_text=_(
            "The import template filled in, or your own spreadsheet with the same column names: "
            "an Excel workbook (.xlsx) with the sheets Huishoudens and/or Interventies, or a CSV "
            "file (UTF-8, with ; or , between the cells) with one of them."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
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


class ExportForm(forms.Form):
    content = forms.ChoiceField(
        label=_("What"),
        choices=[
            (ALL, _("households and interventions (workbook only)")),
            (HOUSEHOLDS, _("households")),
            (INTERVENTIONS, _("interventions")),
        ],
        initial=ALL,
    )
    file_format = forms.ChoiceField(
        label=_("File type"),
        choices=[("xlsx", _("Excel workbook (.xlsx)")), ("csv", _("CSV (UTF-8, ; separated)"))],
        initial="xlsx",
        help_text=_(
            "A workbook of a whole municipality's register takes up to a minute to make; a CSV "
            "file takes seconds."
        ),
    )
    wijk = forms.ChoiceField(
        label=_("District (wijk)"),
        required=False,
        help_text=_("Only the households of this district and their interventions."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wijk"].choices = [
            ("", _("All districts")),
            *((area.code, f"{area.name} ({area.code})") for area in current_districts()),
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("content") == ALL and cleaned.get("file_format") == "csv":
            self.add_error(
                "content",
                _("A CSV file holds one kind of rows: choose households or interventions."),
            )
        return cleaned

    def kinds(self) -> tuple[str, ...]:
        content = self.cleaned_data["content"]
        return KINDS if content == ALL else (content,)

    @classmethod
    def defaults(cls) -> dict:
        return {name: field.initial or "" for name, field in cls.base_fields.items()}
