"""One upload of a file of indicator values (indicatorbestand) and what became of it."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from monitoring.indicators.models import IndicatorValueImport
from siex.core.text import validate_no_control_characters


class UploadStatus(models.TextChoices):
    CHECKING = "checking", _("being checked")
    CHECKED = "checked", _("checked, not committed yet")
    FAILED = "failed", _("check failed")
    COMMITTED = "committed", _("committed")
    DISCARDED = "discarded", _("discarded")


class IndicatorUpload(models.Model):
    """An uploaded file of indicator values: its check (a job, with progress) and, once
    committed, the import it became (``value_import``; empty when the file changed nothing).

    Between the check and the commit ``values`` holds the checked values (indicator, area and
    period ids, the number), so the commit does not read the file again; the file itself is kept
    in ``upload`` only while the check runs. Indicator values are published aggregates, but the
    file is still dropped once read: nothing needs it afterwards."""

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_by_username = models.CharField(
        _("uploaded by (user name)"), max_length=150, validators=[validate_no_control_characters]
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    file_name = models.CharField(
        _("file name"), max_length=255, validators=[validate_no_control_characters]
    )
    file_sha256 = models.CharField(
        _("SHA-256 of the file"),
        max_length=64,
        db_index=True,
        validators=[validate_no_control_characters],
    )
    period = models.PositiveSmallIntegerField(_("period given"), null=True, blank=True)
    source = models.CharField(
        _("source"), max_length=300, blank=True, validators=[validate_no_control_characters]
    )
    provisional = models.BooleanField(_("values are provisional"), default=False)
    file_format = models.CharField(
        _("format"), max_length=10, blank=True, validators=[validate_no_control_characters]
    )
    status = models.CharField(
        _("status"), max_length=20, choices=UploadStatus.choices, default=UploadStatus.CHECKING
    )
    progress = models.PositiveSmallIntegerField(
        _("progress of the check (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    attempts = models.PositiveSmallIntegerField(_("attempts to check"), default=0)
    upload = models.BinaryField(_("uploaded file, until it is checked"), null=True, editable=False)
    rows = models.PositiveIntegerField(_("rows read"), default=0)
    counts = models.JSONField(_("counts"), default=dict)
    error_count = models.PositiveIntegerField(_("number of problems"), default=0)
    errors = models.JSONField(_("problems"), default=list)
    values = models.JSONField(_("checked values"), default=list)
    committed_at = models.DateTimeField(_("committed"), null=True, blank=True)
    value_import = models.ForeignKey(
        IndicatorValueImport,
        verbose_name=_("import"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("indicator file upload")
        verbose_name_plural = _("indicator file uploads")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def is_checking(self) -> bool:
        return self.status == UploadStatus.CHECKING

    @property
    def check_failed(self) -> bool:
        """The file could not be read, or its check found problems: it cannot be committed."""
        return self.status == UploadStatus.FAILED or (
            self.status == UploadStatus.CHECKED and self.error_count > 0
        )

    @property
    def can_be_committed(self) -> bool:
        return self.status == UploadStatus.CHECKED and self.error_count == 0

    @property
    def changes_nothing(self) -> bool:
        return not (self.counts.get("created") or self.counts.get("updated"))
