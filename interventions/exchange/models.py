"""Import of the register: one upload of a spreadsheet and what became of it."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportBatchStatus(models.TextChoices):
    CHECKING = "checking", _("being checked")
    PREVIEWED = "previewed", _("checked, not imported yet")
    FAILED = "failed", _("check failed")
    COMMITTED = "committed", _("imported")
    DISCARDED = "discarded", _("discarded")


class ImportBatch(models.Model):
    """One upload of a spreadsheet into the register (importbestand): the dry-run preview and, once
    committed, the change record of the import - who, when, which file, how many rows of each kind
    were new, changed or unchanged.

    The change history of every record the import wrote (django-auditlog) names the batch in its
    ``additional_data``. ``rows`` holds the checked, pseudonymised rows between the preview and the
    commit (never an external reference) and is emptied once the batch is committed or discarded.
    The uploaded file is kept in ``upload`` only while the check runs as a job ("checking"): it
    still holds the municipality's own references, so it is deleted as soon as the check ends,
    whatever its outcome, and by ``import_batches_expire`` when a check never ran.
    """

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Kept apart from the foreign key so the record still says who it was if the user is deleted.
    uploaded_by_username = models.CharField(_("uploaded by (user name)"), max_length=150)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    file_name = models.CharField(_("file name"), max_length=255)
    file_sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, db_index=True)
    kinds = models.JSONField(_("kinds of rows"), default=list)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ImportBatchStatus.choices,
        default=ImportBatchStatus.PREVIEWED,
    )
    counts = models.JSONField(_("counts"), default=dict)
    error_count = models.PositiveIntegerField(_("number of problems"), default=0)
    errors = models.JSONField(_("problems"), default=list)
    rows = models.JSONField(_("checked rows"), default=dict)
    committed_at = models.DateTimeField(_("imported"), null=True, blank=True)
    upload = models.BinaryField(_("uploaded file, until it is checked"), null=True, editable=False)
    progress = models.PositiveSmallIntegerField(
        _("progress of the check (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    attempts = models.PositiveSmallIntegerField(_("attempts to check"), default=0)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def can_be_committed(self) -> bool:
        return self.status == ImportBatchStatus.PREVIEWED and self.error_count == 0

    @property
    def is_checking(self) -> bool:
        return self.status == ImportBatchStatus.CHECKING

    @property
    def check_failed(self) -> bool:
        """The file could not be checked, or the check found problems: it cannot be imported."""
        return self.status == ImportBatchStatus.FAILED or (
            self.status == ImportBatchStatus.PREVIEWED and self.error_count > 0
        )
