"""What retention did (bewaartermijn): one row per run, and which households it anonymised."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from interventions.register.models import Household


class RetentionMode(models.TextChoices):
    ANONYMISE = "anonymise", _("anonymise")
    DELETE = "delete", _("delete")


class RetentionTrigger(models.TextChoices):
    SCHEDULE = "schedule", _("daily schedule")
    COMMAND = "command", _("command")


class RetentionRun(models.Model):
    """One run of the retention rules: when, under which rule, what it did and why.

    It counts households; it never names them (no pseudonym, no id).
    """

    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    trigger = models.CharField(_("started by"), max_length=10, choices=RetentionTrigger.choices)
    mode = models.CharField(_("mode"), max_length=10, choices=RetentionMode.choices)
    retention_years = models.PositiveSmallIntegerField(_("retention term (years)"))
    cutoff = models.DateField(
        _("participation ended before"),
        help_text=_("Households whose participation ended before this date were due."),
    )
    term_expired = models.PositiveIntegerField(_("term expired"), default=0)
    consent_withdrawn = models.PositiveIntegerField(_("consent withdrawn"), default=0)
    anonymised = models.PositiveIntegerField(_("anonymised"), default=0)
    deleted = models.PositiveIntegerField(_("deleted"), default=0)

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-started_at", "-id"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.mode}"


class AnonymisedHousehold(models.Model):
    """Marks a household retention has anonymised, so that a later run leaves it alone."""

    household = models.OneToOneField(
        Household,
        verbose_name=_("household"),
        on_delete=models.CASCADE,
        primary_key=True,
        # No accessor on the household: code that walks a household's fields (the import's change
        # history) would otherwise read this table once per household.
        related_name="+",
    )
    run = models.ForeignKey(
        RetentionRun,
        verbose_name=_("retention run"),
        on_delete=models.PROTECT,
        related_name="anonymised_households",
    )

    class Meta:
        verbose_name = _("anonymised household")
        verbose_name_plural = _("anonymised households")

    def __str__(self) -> str:
        return str(self.household)
