"""Indicator (with versioned definitions), IndicatorValue, IndicatorValueImport and ContextNote.

Imported by ``monitoring.models``, so the app label is "monitoring". Areas are referred to by the
label "monitoring.Area" (no import: ``monitoring.models`` imports this module)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from siex.core.text import validate_no_control_characters


class Unit(models.TextChoices):
    PERCENTAGE = "percentage", _("percentage")
    COUNT = "count", _("count")
    PER_1000 = "per_1000", _("per 1,000 inhabitants")
    THOUSAND_EUROS = "x1000_eur", _("amount × 1,000 euro")
    EUROS = "eur", _("euro")
    SCORE = "score", _("score")


#: The values a unit allows (inclusive; None: no bound) and whether they are whole numbers.
UNIT_DOMAINS: dict[str, tuple[Decimal | None, Decimal | None, bool]] = {
    Unit.PERCENTAGE: (Decimal(0), Decimal(100), False),
    Unit.COUNT: (Decimal(0), None, True),
    Unit.PER_1000: (Decimal(0), Decimal(1000), False),
    Unit.THOUSAND_EUROS: (None, None, False),  # wealth may be negative
    Unit.EUROS: (None, None, False),
    Unit.SCORE: (None, None, False),
}


class Direction(models.TextChoices):
    HIGHER_IS_BETTER = "higher_better", _("higher is better")
    HIGHER_IS_WORSE = "higher_worse", _("higher is worse")
    NEUTRAL = "neutral", _("neutral")


class Theme(models.TextChoices):
    POVERTY = "poverty", _("poverty")
    CARE = "care", _("care")
    WORK_AND_INCOME = "work_income", _("work and income")
    WELLBEING = "wellbeing", _("wellbeing")
    CONTEXT = "context", _("context")


class ValueStatus(models.TextChoices):
    PROVISIONAL = "provisional", _("provisional")
    FINAL = "final", _("final")


class Indicator(models.Model):
    """Indicator: one version of the definition of a measure. A changed definition is a new row
    with the same code and the next version, valid from a later period: the series breaks there."""

    code = models.CharField(
        _("code"),
        max_length=60,
        validators=[RegexValidator(r"^[a-z0-9_]+$", _("Lower-case letters, digits and _ only."))],
    )
    version = models.PositiveSmallIntegerField(_("definition version"), default=1)
    valid_from = models.PositiveSmallIntegerField(
        _("valid from (period)"),
        default=1990,
        validators=[MinValueValidator(1990), MaxValueValidator(2100)],
    )
    label_nl = models.CharField(
        _("Dutch label"), max_length=200, validators=[validate_no_control_characters]
    )
    label_en = models.CharField(
        _("English label"), max_length=200, validators=[validate_no_control_characters]
    )
    unit = models.CharField(_("unit"), max_length=12, choices=Unit.choices)
    decimals = models.PositiveSmallIntegerField(
        _("decimal places"), default=0, validators=[MaxValueValidator(4)]
    )
    direction = models.CharField(_("direction"), max_length=15, choices=Direction.choices)
    theme = models.CharField(_("theme"), max_length=15, choices=Theme.choices)
    source = models.CharField(
        _("source"), max_length=300, blank=True, validators=[validate_no_control_characters]
    )
    definition = models.TextField(
        _("definition"), blank=True, validators=[validate_no_control_characters]
    )
    aliases = models.JSONField(
        _("other codes"),
        default=list,
        blank=True,
        help_text=_("Codes by which other sources name this indicator (read on import)."),
    )

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["theme", "code", "version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="indicator_code_version"),
            models.UniqueConstraint(
                fields=["code", "valid_from"], name="indicator_code_valid_from"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="indicator_version_from_1"),
        ]

    def __str__(self) -> str:
        return f"{self.label_nl} ({self.code} v{self.version})"

    def domain_error(self, value: Decimal) -> str | None:
        """Why ``value`` cannot be a value of this indicator's unit, or None."""
        low, high, whole = UNIT_DOMAINS[self.unit]
        unit = Unit(self.unit).label
        if whole and value != value.to_integral_value():
            return str(_("A count must be a whole number."))
        if high is not None and low is not None and not low <= value <= high:
            return str(
                _("The value must lie between %(low)s and %(high)s (%(unit)s).")
                % {"unit": unit, "low": low, "high": high}
            )
        if low is not None and value < low:
            return str(
                _("The value cannot be below %(low)s (%(unit)s).") % {"unit": unit, "low": low}
            )
        return None


class IndicatorValueImport(models.Model):
    """An import of indicator values (who, when, which file, how many): every value it created or
    changed points to it."""

    file_name = models.CharField(
        _("file"), max_length=255, validators=[validate_no_control_characters]
    )
    file_sha256 = models.CharField(
        _("SHA-256 of the file"), max_length=64, validators=[validate_no_control_characters]
    )
    file_format = models.CharField(
        _("format"), max_length=10, validators=[validate_no_control_characters]
    )
    period = models.PositiveSmallIntegerField(_("period given"), null=True, blank=True)
    source = models.CharField(
        _("source"), max_length=300, blank=True, validators=[validate_no_control_characters]
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    rows = models.PositiveIntegerField(_("rows read"), default=0)
    created = models.PositiveIntegerField(_("values added"), default=0)
    updated = models.PositiveIntegerField(_("values changed"), default=0)
    unchanged = models.PositiveIntegerField(_("values unchanged"), default=0)
    withheld = models.PositiveIntegerField(_("values withheld"), default=0)

    class Meta:
        verbose_name = _("indicator value import")
        verbose_name_plural = _("indicator value imports")
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.imported_at:%Y-%m-%d %H:%M})"


class IndicatorValue(models.Model):
    """The value of one indicator (version) for one area and period. A withheld value (CBS
    secrecy: too few households, or "." in StatLine) has no number: it is never shown or summed
    as 0."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="values"
    )
    area = models.ForeignKey(
        "monitoring.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="values"
    )
    period = models.PositiveSmallIntegerField(
        _("period (year)"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=4, null=True, blank=True)
    withheld = models.BooleanField(_("withheld (secret)"), default=False)
    status = models.CharField(
        _("status"), max_length=12, choices=ValueStatus.choices, default=ValueStatus.FINAL
    )
    source = models.CharField(
        _("source"), max_length=300, blank=True, validators=[validate_no_control_characters]
    )
    batch = models.ForeignKey(
        IndicatorValueImport,
        verbose_name=_("import"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="values",
    )

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["indicator_id", "area_id", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "area", "period"], name="indicator_value_unique"
            ),
            models.CheckConstraint(
                condition=Q(withheld=True, value__isnull=True)
                | Q(withheld=False, value__isnull=False),
                name="indicator_value_withheld_has_no_number",
            ),
        ]
        indexes = [models.Index(fields=["area", "period"])]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.area.code} {self.period}"

    def clean(self) -> None:
        if self.withheld and self.value is not None:
            raise ValidationError({"value": _("A withheld value has no number.")})
        if not self.withheld and self.value is None:
            raise ValidationError({"value": _("A value that is not withheld needs a number.")})
        if self.value is not None and self.indicator_id:
            error = self.indicator.domain_error(self.value)
            if error:
                raise ValidationError({"value": error})


class ContextNote(models.Model):
    """Context note: an event that explains a series over a range of periods, everywhere or in
    one area (corona 2020–21, the energy crisis of 2022, the merger of 2019)."""

    key = models.SlugField(
        _("key"), max_length=60, unique=True, validators=[validate_no_control_characters]
    )
    period_from = models.PositiveSmallIntegerField(_("from (year)"))
    period_to = models.PositiveSmallIntegerField(_("to (year)"), null=True, blank=True)
    area = models.ForeignKey(
        "monitoring.Area",
        verbose_name=_("area"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="context_notes",
        help_text=_("Empty: the note holds everywhere."),
    )
    title = models.CharField(
        _("title"), max_length=200, validators=[validate_no_control_characters]
    )
    text = models.TextField(_("text"), validators=[validate_no_control_characters])

    class Meta:
        verbose_name = _("context note")
        verbose_name_plural = _("context notes")
        ordering = ["period_from", "key"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_to__isnull=True) | Q(period_from__lte=models.F("period_to")),
                name="context_note_period_range",
            )
        ]

    def __str__(self) -> str:
        return self.title
