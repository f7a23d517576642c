"""Scenarios, their versions and calculation runs (DESIGN §4).

A scenario (scenario) is a way of running the programme; its versions follow the lifecycle of a
GREX (exploitatie): drafts are edited and recalculated, a version fixed (vastgesteld) for the
council never changes, and the yearly revision (herziening) starts as a copy of it. Every version
carries its own snapshot of the catalogue, so its results stay reproducible when the catalogue
moves on.
"""

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from interventions.catalogue.models import code_validator
from siex.core.text import (
    validate_no_control_characters,
    validate_no_control_characters_in_items,
)
from siex.core.versioning import VersionedModel

from .scenario import MAX_DRAWS, MAX_HORIZON, MIN_DRAWS

RATE_VALIDATORS = [
    MinValueValidator(0, _("A rate cannot be below 0.")),
    MaxValueValidator(0.2, _("A rate above 20% is not plausible; write 0.0225 for 2.25%.")),
]
INDEX_VALIDATORS = [
    MinValueValidator(-0.1, _("An indexation below −10% a year is not plausible.")),
    MaxValueValidator(0.2, _("An indexation above 20% a year is not plausible.")),
]


def _default_optimism_bias() -> list[int]:
    return [0, 5, 10, 15, 25, 40]


class Scenario(models.Model):
    """Scenario: one way of running the programme (the exploitation), with its versions."""

    code = models.CharField(_("code"), max_length=60, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=150, validators=[validate_no_control_characters])
    description = models.TextField(
        _("description"), blank=True, validators=[validate_no_control_characters]
    )
    is_reference = models.BooleanField(
        _("reference analysis"),
        default=False,
        help_text=_("A published analysis reproduced in SIEX, kept to check the calculation."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Closing (afsluiting): from then on the exploitation is locked (calculation.revision).
    closed_at = models.DateTimeField(_("closed on"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class VersionKind(models.TextChoices):
    """What a version is in the lifecycle of an exploitation (DESIGN §4)."""

    PLAN = "plan", _("plan")
    REVISION = "revision", _("revision (herziening)")
    FINAL = "final", _("final version (afsluiting)")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    FIXED = "fixed", _("fixed (vastgesteld)")


class PriceBasis(models.TextChoices):
    REAL = "real", _("real (constant prices)")
    NOMINAL = "nominal", _("nominal (indexed prices)")


class ScenarioVersion(VersionedModel):
    """A version of a scenario: its parameters, intake, programme costs, budget, uncertainty
    ranges, overrides of catalogue assumptions and the catalogue snapshot they apply to.

    ``version`` is the optimistic-locking counter (as on the register); ``number`` is the version
    number a reader sees (1, 2, …).
    """

    scenario = models.ForeignKey(
        Scenario, verbose_name=_("scenario"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version number"))
    status = models.CharField(
        _("status"), max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    note = models.TextField(
        _("note on this version"), blank=True, validators=[validate_no_control_characters]
    )
    assumptions = models.JSONField(
        _("stated assumptions"),
        default=list,
        blank=True,
        help_text=_("Assumptions this scenario adds where the sources are silent, one per line."),
        validators=[validate_no_control_characters_in_items],
    )
    start_year = models.PositiveSmallIntegerField(
        _("start year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    horizon_years = models.PositiveSmallIntegerField(
        _("horizon (years)"),
        default=10,
        validators=[
            MinValueValidator(1, _("The horizon is at least 1 year.")),
            MaxValueValidator(MAX_HORIZON, _("The horizon is at most 30 years.")),
        ],
        help_text=_("10 years as for a GREX; up to 30 allowed, with a warning above 10."),
    )
    discount_rate = models.FloatField(
        _("discount rate"),
        default=0.0225,
        validators=RATE_VALIDATORS,
        help_text=_("2.25% real is the Dutch MKBA standard; 2% (BBV) and 3.5% (Green Book)."),
    )
    price_basis = models.CharField(
        _("price basis"), max_length=10, choices=PriceBasis.choices, default=PriceBasis.REAL
    )
    cost_indexation = models.FloatField(
        _("cost indexation per year"), default=0.0, validators=INDEX_VALIDATORS
    )
    benefit_indexation = models.FloatField(
        _("benefit indexation per year"), default=0.0, validators=INDEX_VALIDATORS
    )
    financing_rate = models.FloatField(
        _("financing rate"),
        default=0.025,
        validators=RATE_VALIDATORS,
        help_text=_("Interest charged on the opening book value of the ledger."),
    )
    bbv_discount_rate = models.FloatField(
        _("BBV discount rate"), default=0.02, validators=RATE_VALIDATORS
    )
    optimism_bias_pct = models.JSONField(
        _("optimism-bias cut per confidence grade (%)"), default=_default_optimism_bias
    )
    count_registered = models.BooleanField(
        _("count registered interventions"),
        default=False,
        help_text=_("Add the interventions registered in SIEX to the planned intake."),
    )
    monte_carlo_draws = models.PositiveIntegerField(
        _("Monte Carlo draws"),
        default=10_000,
        validators=[MinValueValidator(MIN_DRAWS), MaxValueValidator(MAX_DRAWS)],
    )
    seed = models.PositiveBigIntegerField(
        _("random seed"), default=1, validators=[MaxValueValidator(2**32 - 1)]
    )
    intake = models.JSONField(_("planned intake"), default=list, blank=True)
    programme_costs = models.JSONField(_("programme costs"), default=list, blank=True)
    budget = models.JSONField(_("budget envelope"), null=True, blank=True)
    uncertainty = models.JSONField(_("uncertainty ranges"), default=list, blank=True)
    overrides = models.JSONField(_("overrides of catalogue assumptions"), default=list, blank=True)
    catalogue = models.JSONField(_("catalogue snapshot"))
    registered_intake = models.JSONField(
        _("registered interventions (frozen when fixed)"), null=True, blank=True
    )
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("copied from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=VersionKind.choices, default=VersionKind.PLAN
    )
    revises = models.ForeignKey(
        "self",
        verbose_name=_("revises"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="revisions",
        help_text=_("The fixed version this revision or final version starts from."),
    )
    revision_date = models.DateField(
        _("revision date"),
        null=True,
        blank=True,
        help_text=_("The years before this date carry actual volumes and costs."),
    )
    realised_outcomes = models.JSONField(
        _("realised outcomes (frozen at the revision)"), default=list, blank=True
    )
    fixed_at = models.DateTimeField(_("fixed on"), null=True, blank=True)
    fixed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("fixed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("scenario version")
        verbose_name_plural = _("scenario versions")
        ordering = ["scenario__name", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["scenario", "number"], name="scenarioversion_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(horizon_years__gte=1, horizon_years__lte=MAX_HORIZON),
                name="scenarioversion_horizon_1_30",
            ),
            models.CheckConstraint(
                condition=Q(monte_carlo_draws__gte=MIN_DRAWS, monte_carlo_draws__lte=MAX_DRAWS),
                name="scenarioversion_draws_capped",
            ),
            models.CheckConstraint(
                condition=Q(price_basis__in=PriceBasis.values),
                name="scenarioversion_price_basis_valid",
            ),
            models.CheckConstraint(
                condition=Q(status=VersionStatus.DRAFT)
                | Q(fixed_at__isnull=False, status=VersionStatus.FIXED),
                name="scenarioversion_fixed_has_date",
            ),
            models.CheckConstraint(
                condition=Q(kind=VersionKind.PLAN)
                | Q(revises__isnull=False, revision_date__isnull=False),
                name="scenarioversion_revision_has_origin",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scenario.name} – v{self.number}"

    @property
    def is_fixed(self) -> bool:
        return self.status == VersionStatus.FIXED

    @property
    def end_year(self) -> int:
        return self.start_year + self.horizon_years - 1

    @property
    def actuals_until(self) -> int | None:
        """The last year that carries actuals (a revision or final version), else None."""
        if self.revision_date is None:
            return None
        return min(self.revision_date.year - 1, self.end_year)


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    SUCCEEDED = "succeeded", _("finished")
    FAILED = "failed", _("failed")


ACTIVE_STATUSES = (RunStatus.QUEUED, RunStatus.RUNNING)


class CalculationRun(models.Model):
    """One recalculation of a scenario version, run as a Celery job; the job's state lives here.

    Results are stored only when the whole calculation succeeded: a failed or unfinished run has
    none, so nothing partial is ever shown as complete. The row is also the job's lock: the
    execution that set ``attempts`` to its number owns the run until it finishes or is taken over.
    """

    scenario_version = models.ForeignKey(
        ScenarioVersion,
        verbose_name=_("scenario version"),
        on_delete=models.CASCADE,
        related_name="runs",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    step = models.CharField(_("step"), max_length=40, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # The job's sign of life, so that a run whose worker died is noticed (services.run_sweep):
    # when its message was last sent to the broker, how often, and when the worker running it
    # last wrote progress.
    dispatches = models.PositiveSmallIntegerField(_("times sent"), default=0)
    dispatched_at = models.DateTimeField(_("last sent"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last progress"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    timings = models.JSONField(_("timings (seconds)"), default=dict, blank=True)
    inputs_hash = models.CharField(_("inputs hash"), max_length=64, blank=True)
    seed = models.PositiveBigIntegerField(_("random seed"), null=True, blank=True)
    model_version = models.CharField(_("model version"), max_length=40, blank=True)
    results = models.JSONField(_("results"), null=True, blank=True)

    class Meta:
        verbose_name = _("calculation run")
        verbose_name_plural = _("calculation runs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["scenario_version"],
                condition=Q(status__in=ACTIVE_STATUSES),
                name="calculationrun_one_active_per_version",
                violation_error_message=_("A calculation of this version is already running."),
            ),
            models.CheckConstraint(
                condition=Q(status=RunStatus.SUCCEEDED, results__isnull=False)
                | (~Q(status=RunStatus.SUCCEEDED) & Q(results__isnull=True)),
                name="calculationrun_results_only_when_succeeded",
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="calculationrun_progress_0_100"
            ),
        ]
        indexes = [models.Index(fields=["scenario_version", "-created_at"])]

    def __str__(self) -> str:
        # The date as every page writes it (05-12-2026), not the ISO date.
        requested = date_format(self.created_at, "SHORT_DATE_FORMAT") if self.created_at else "–"
        return f"{self.scenario_version} – {self.get_status_display()} ({requested})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def duration(self) -> float | None:
        return self.timings.get("total") if self.timings else None

    @property
    def succeeded_results(self) -> dict[str, Any]:
        """The results of a run that succeeded: the database holds them for those runs, and
        only for those (``calculationrun_results_only_when_succeeded``)."""
        if self.results is None:
            raise ValueError(f"Calculation run {self.pk} has no results: it did not succeed.")
        return self.results


class ComparisonBase(models.Model):
    """Vergelijkingsgroep: which indicator of the neighbourhood photo gives the rate of an outcome
    among eligible non-participants (e.g. the share of bijstand households leaving bijstand in a
    year, for "leaves bijstand for work"). Data, not code: another municipality maps its own."""

    outcome_code = models.CharField(
        _("outcome (code)"), max_length=60, unique=True, validators=[code_validator]
    )
    indicator_code = models.CharField(
        _("indicator (code)"), max_length=60, validators=[validate_no_control_characters]
    )
    area_code = models.CharField(
        _("area (CBS code)"),
        max_length=10,
        validators=[validate_no_control_characters],
        help_text=_("The area whose value is the base rate, e.g. the municipality GM0014."),
    )
    note = models.CharField(
        _("note"), max_length=300, blank=True, validators=[validate_no_control_characters]
    )

    class Meta:
        verbose_name = _("comparison base")
        verbose_name_plural = _("comparison bases")
        ordering = ["outcome_code"]

    def __str__(self) -> str:
        return f"{self.outcome_code} ← {self.indicator_code} ({self.area_code})"
